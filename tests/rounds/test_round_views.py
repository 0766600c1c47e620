"""Rounds for staff: list with phases, create/edit in WIB, overlap refused, publish now."""

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.audit import AuditEvent
from marketplace.listings.models import ListingStatus
from marketplace.rounds.models import Round
from tests.builders import make_listing, make_member, make_round
from tests.conftest import login

UTC = UTC


def _form(**over):
    data = {
        "name": "",
        "opens_at": "2027-01-04T08:00",
        "closes_at": "2027-01-10T17:00",
        "publishes_at": "2027-01-13T09:00",
        "showcase_ends_at": "",
        "quota": "12",
    }
    data.update(over)
    return data


def _rounds(db):
    return list(db.session.execute(db.select(Round).order_by(Round.id)).scalars())


def _events(db, action):
    return list(
        db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)).scalars()
    )


def test_admin_creates_a_round_with_times_typed_in_wib(app, db, as_admin):
    r = as_admin.post("/staff/rounds/baru", data=_form())
    assert r.status_code == 302
    (rnd,) = _rounds(db)
    assert rnd.opens_at == datetime(2027, 1, 4, 1, 0, tzinfo=UTC)  # 08:00 WIB
    assert rnd.closes_at == datetime(2027, 1, 10, 10, 0, tzinfo=UTC)
    assert rnd.publishes_at == datetime(2027, 1, 13, 2, 0, tzinfo=UTC)
    assert rnd.showcase_ends_at == rnd.publishes_at + timedelta(days=14)
    assert rnd.quota_per_community == 12
    assert rnd.edition == 1 and rnd.title == "Edisi 1"
    (event,) = _events(db, "round.create")
    assert event.actor_id == as_admin.user.id and event.object_id == rnd.id


def test_explicit_showcase_end_is_kept(app, db, as_admin):
    as_admin.post("/staff/rounds/baru", data=_form(showcase_ends_at="2027-02-01T00:00"))
    (rnd,) = _rounds(db)
    assert rnd.showcase_ends_at == datetime(2027, 1, 31, 17, 0, tzinfo=UTC)


def test_edit_shows_and_takes_times_in_wib(app, db, as_admin):
    rnd = make_round(
        opens_at=datetime(2027, 1, 4, 1, 0, tzinfo=UTC),
        closes_at=datetime(2027, 1, 10, 10, 0, tzinfo=UTC),
        publishes_at=datetime(2027, 1, 13, 2, 0, tzinfo=UTC),
    )
    db.session.commit()
    page = as_admin.get(f"/staff/rounds/{rnd.id}/ubah").get_data(as_text=True)
    assert 'value="2027-01-04T08:00"' in page and 'value="2027-01-10T17:00"' in page
    assert 'type="datetime-local"' in page
    r = as_admin.post(
        f"/staff/rounds/{rnd.id}/ubah",
        data=_form(closes_at="2027-01-11T23:59", quota="7", showcase_ends_at=""),
    )
    assert r.status_code == 302
    db.session.refresh(rnd)
    assert rnd.closes_at == datetime(2027, 1, 11, 16, 59, tzinfo=UTC)
    assert rnd.quota_per_community == 7
    assert rnd.showcase_ends_at == rnd.publishes_at + timedelta(days=14)
    assert len(_events(db, "round.update")) == 1


def test_overlapping_window_is_refused_and_the_form_keeps_what_was_typed(app, db, as_admin):
    existing = make_round()  # open now: 2026-12-01 .. 2026-12-05
    db.session.commit()
    r = as_admin.post(
        "/staff/rounds/baru",
        data=_form(
            opens_at="2026-12-03T08:00",
            closes_at="2026-12-09T17:00",
            publishes_at="2026-12-12T09:00",
            name="Edisi Bentrok",
            quota="9",
        ),
    )
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "bertabrakan" in page and existing.title in page
    for typed in (
        'value="2026-12-03T08:00"',
        'value="2026-12-09T17:00"',
        'value="2026-12-12T09:00"',
        'value="Edisi Bentrok"',
        'value="9"',
    ):
        assert typed in page
    assert _rounds(db) == [existing]
    assert _events(db, "round.create") == []


@pytest.mark.parametrize(
    "over, message",
    [
        ({"closes_at": "2027-01-03T08:00"}, "Waktu tutup harus setelah waktu buka."),
        ({"publishes_at": "2027-01-09T08:00"}, "Waktu tayang tidak boleh sebelum waktu tutup."),
        ({"quota": "0"}, "Kuota per komunitas harus antara 1 dan 500."),
        ({"quota": "sepuluh"}, "Kuota harus berupa angka."),
        ({"opens_at": ""}, "Isi tanggal dan jam (WIB)."),
        ({"opens_at": "besok pagi"}, "Tanggal dan jam tidak dikenali."),
    ],
)
def test_bad_orders_and_values_are_refused_with_a_message(app, db, as_admin, over, message):
    r = as_admin.post("/staff/rounds/baru", data=_form(**over))
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert message in page
    assert 'value="2027-01-10T17:00"' in page or over.get("closes_at")
    assert _rounds(db) == []


def test_edit_refuses_overlap_with_another_round(app, db, as_admin):
    first = make_round()
    second = make_round(opens_at=first.closes_at + timedelta(days=1))
    db.session.commit()
    before = second.opens_at
    r = as_admin.post(
        f"/staff/rounds/{second.id}/ubah",
        data=_form(
            opens_at="2026-12-02T08:00",
            closes_at="2026-12-20T08:00",
            publishes_at="2026-12-22T08:00",
        ),
    )
    assert r.status_code == 400 and "bertabrakan" in r.get_data(as_text=True)
    db.session.refresh(second)
    assert second.opens_at == before


def test_list_shows_phase_and_edition(app, db, as_staff, clock):
    past = make_round(
        opens_at=clock() - timedelta(days=30),
        closes_at=clock() - timedelta(days=25),
        publishes_at=clock() - timedelta(days=22),
    )
    current = make_round()
    future = make_round(opens_at=current.closes_at + timedelta(days=10))
    db.session.commit()
    page = as_staff.get("/staff/rounds/").get_data(as_text=True)
    for rnd in (past, current, future):
        assert f"Edisi {rnd.edition}" in page
    assert "Dibuka" in page and "Terjadwal" in page and "Arsip" in page
    # a moderator sees no admin links
    assert "/ubah" not in page and "/staff/rounds/baru" not in page


def test_publish_now_asks_then_makes_approved_listings_public(app, db, as_admin, clock):
    rnd = make_round()
    approved = make_listing(ListingStatus.APPROVED, rnd=rnd)
    waiting = make_listing(ListingStatus.SUBMITTED, rnd=rnd)
    db.session.commit()
    assert not approved.is_public(clock())

    page = as_admin.get(f"/staff/rounds/{rnd.id}/tayangkan")
    assert page.status_code == 200
    assert "Tayangkan" in page.get_data(as_text=True)
    db.session.refresh(rnd)
    assert not approved.is_public(clock())  # the GET changed nothing
    assert _events(db, "round.publish_now") == []

    r = as_admin.post(f"/staff/rounds/{rnd.id}/tayangkan", follow_redirects=True)
    assert r.status_code == 200 and "sudah tayang" in r.get_data(as_text=True)
    db.session.expire_all()
    assert approved.is_public(clock())
    assert not waiting.is_public(clock())
    assert rnd.closes_at == clock() and rnd.publishes_at == clock()
    (event,) = _events(db, "round.publish_now")
    assert event.actor_id == as_admin.user.id and event.from_state == "open"

    # publishing again is refused with a message, not a 500
    r = as_admin.post(f"/staff/rounds/{rnd.id}/tayangkan", follow_redirects=True)
    assert r.status_code == 200 and "sudah tayang" in r.get_data(as_text=True)
    assert len(_events(db, "round.publish_now")) == 1


def test_publish_now_without_csrf_changes_nothing(app, db, as_admin, clock):
    rnd = make_round()
    db.session.commit()
    r = as_admin.post(f"/staff/rounds/{rnd.id}/tayangkan", csrf=False)
    assert r.status_code == 400
    db.session.refresh(rnd)
    assert not rnd.is_published(clock())


def test_moderators_may_look_but_not_change_rounds(app, db, as_staff):
    rnd = make_round()
    db.session.commit()
    assert as_staff.get("/staff/rounds/").status_code == 200
    for url in (
        "/staff/rounds/baru",
        f"/staff/rounds/{rnd.id}/ubah",
        f"/staff/rounds/{rnd.id}/tayangkan",
    ):
        assert as_staff.get(url).status_code == 403
        assert as_staff.post(url, data=_form()).status_code == 403
    assert len(_rounds(db)) == 1
    assert _events(db, "round.publish_now") == [] and _events(db, "round.create") == []


def test_members_get_404_and_anonymous_visitors_the_login_page(app, db, client):
    rnd = make_round()
    member = make_member()
    db.session.commit()
    urls = [
        "/staff/rounds/",
        "/staff/rounds/baru",
        f"/staff/rounds/{rnd.id}/ubah",
        f"/staff/rounds/{rnd.id}/tayangkan",
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 302 and "/masuk" in r.headers["Location"]
    login(client, member)
    for url in urls:
        assert client.get(url).status_code == 404
    for url in urls[1:]:
        assert client.post(url, data=_form()).status_code == 404
    assert len(_rounds(db)) == 1


def test_create_form_suggests_the_next_biweekly_slot(app, db, as_admin):
    make_round(
        opens_at=datetime(2027, 1, 4, 1, 0, tzinfo=UTC),
        closes_at=datetime(2027, 1, 10, 10, 0, tzinfo=UTC),
        publishes_at=datetime(2027, 1, 13, 2, 0, tzinfo=UTC),
    )
    db.session.commit()
    page = as_admin.get("/staff/rounds/baru").get_data(as_text=True)
    # Opens 14 days after the latest; closes and publishes where the cadence puts them (#17),
    # not copied from the latest round's offsets.
    assert 'value="2027-01-18T08:00"' in page and 'value="2027-01-23T00:00"' in page
    assert 'value="2027-01-25T09:00"' in page
