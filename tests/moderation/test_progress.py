"""Progress at a glance (#13 item 5): per round, waiting / decided / per moderator today,
decisions per hour and the projected finish against the publication (WIB)."""

from datetime import UTC, datetime, timedelta

from marketplace.listings.models import ListingStatus
from marketplace.moderation.decisions import decide
from marketplace.moderation.models import DecisionAction
from marketplace.moderation.progress import pace, progress, wib_midnight
from tests.builders import make_listing, make_round, make_staff
from tests.conftest import T0

S = ListingStatus
A = DecisionAction


def _round(publishes_at):
    return make_round(
        opens_at=T0 - timedelta(days=3),
        closes_at=T0 - timedelta(hours=1),
        publishes_at=publishes_at,
    )


def _moderator(name):
    user = make_staff()
    user.name = name
    return user


def _work(clock, publishes_at=datetime(2026, 12, 5, 7, 0, tzinfo=UTC)):
    """24 waiting listings; Budi decided one last night (23.00 WIB); from 10.00 WIB Rina
    decides 6 and Budi 2, one every 7.5 minutes; the clock ends at 11.00 WIB."""
    rnd = _round(publishes_at)
    listings = [make_listing(S.SUBMITTED, rnd=rnd, title=f"Produk {i}") for i in range(24)]
    rina, budi = _moderator("Rina"), _moderator("Budi")
    kinds = [A.APPROVE, A.APPROVE, A.REQUEST_CHANGES, A.APPROVE, A.REJECT, A.APPROVE]
    decide(listings[0], A.APPROVE, moderator=budi, seen_version=1, now=T0 - timedelta(hours=11))
    for i, listing in enumerate(listings[1:9]):
        who = rina if i < 6 else budi
        action = kinds[i] if i < 6 else A.APPROVE
        decide(
            listing,
            action,
            moderator=who,
            seen_version=listing.version,
            reason_text="Foto buram" if action != A.APPROVE else None,
            now=T0 + timedelta(minutes=7.5 * i),
        )
    clock.set(T0 + timedelta(hours=1))
    return rnd, rina, budi


def test_figures_pace_and_projected_finish(app, db, clock):
    rnd, rina, budi = _work(clock)
    p = progress(rnd, clock())
    assert p.waiting == 15
    assert p.decided == {A.APPROVE: 7, A.REQUEST_CHANGES: 1, A.REJECT: 1}  # last night's too
    # today (since 00.00 WIB): Budi's decision of last night is not his today
    assert [(d.moderator.name, d.total) for d in p.today] == [("Rina", 6), ("Budi", 2)]
    assert p.today[0].counts == {A.APPROVE: 4, A.REQUEST_CHANGES: 1, A.REJECT: 1}
    # 8 decisions in the last 2 hours, the first at 10.00 WIB: 8 per hour over 1 hour
    assert p.per_hour == 8
    assert p.finish_at == clock() + timedelta(hours=15 / 8)
    assert not p.late


def test_decided_leaves_out_other_rounds_and_take_downs(app, db, clock):
    rnd, _r, budi = _work(clock)
    other = make_listing(S.APPROVED, rnd=_round(T0 + timedelta(days=2)))
    decide(other, A.TAKE_DOWN, moderator=budi, seen_version=1, reason_text="Palsu", now=clock())
    p = progress(rnd, clock())
    assert p.decided_total == 9
    assert progress(other.round, clock()).decided_total == 0


def test_finish_after_publication_is_late(app, db, clock):
    rnd, _r, _b = _work(clock, publishes_at=T0 + timedelta(hours=2))
    p = progress(rnd, clock())
    assert p.late
    assert p.needed_per_hour == 15  # 15 waiting, one hour left


def test_pace_none_without_recent_decisions_and_floor_of_15_minutes(app, db, clock):
    rnd = _round(T0 + timedelta(days=2))
    listing = make_listing(S.SUBMITTED, rnd=rnd)
    make_listing(S.SUBMITTED, rnd=rnd)
    assert pace(rnd.id, T0, 2) is None
    p = progress(rnd, T0)
    assert p.per_hour is None and p.finish_at is None and not p.done
    decide(listing, A.APPROVE, moderator=_moderator("Rina"), seen_version=1, now=T0)
    # one decision a minute ago reads as 1 per 15 minutes, not 60 per hour
    assert pace(rnd.id, T0 + timedelta(minutes=1), 2) == 4
    assert pace(rnd.id, T0 + timedelta(hours=3), 2) is None  # out of the window


def test_wib_midnight():
    # 23.30 WIB on 1 December is 16.30 UTC; its WIB day began 17.00 UTC on 30 November
    assert wib_midnight(datetime(2026, 12, 1, 16, 30, tzinfo=UTC)) == datetime(
        2026, 11, 30, 17, 0, tzinfo=UTC
    )


def test_page_in_both_languages_and_linked_from_dashboard(app, db, clock, as_staff):
    rnd, _r, _b = _work(clock)
    db.session.commit()
    home = as_staff.get("/staff/").get_data(as_text=True)
    assert f"/staff/moderasi/{rnd.id}/kemajuan" in home
    page = as_staff.get(f"/staff/moderasi/{rnd.id}/kemajuan").get_data(as_text=True)
    # 11.00 WIB + 15/8 h = 12.52.30 WIB
    assert "Dengan kecepatan ini antrean selesai Rabu, 2 Desember 2026, 12.52 WIB" in page
    assert "sebelum tayang" in page
    assert "Rina" in page and "Budi" in page
    assert ">8</strong> keputusan per jam" in page
    as_staff.get("/bahasa/en_ID")
    page = as_staff.get(f"/staff/moderasi/{rnd.id}/kemajuan").get_data(as_text=True)
    assert "At this pace the queue is done by Wednesday, 2 December 2026, 12:52 WIB" in page
    assert "decisions per hour" in page


def test_page_when_late_and_when_empty(app, db, clock, as_staff):
    rnd, _r, _b = _work(clock, publishes_at=T0 + timedelta(hours=2))
    empty = _round(T0 + timedelta(days=2))
    db.session.commit()
    page = as_staff.get(f"/staff/moderasi/{rnd.id}/kemajuan").get_data(as_text=True)
    assert "setelah tayang" in page
    assert "perlu 15 keputusan per jam" in page
    page = as_staff.get(f"/staff/moderasi/{empty.id}/kemajuan").get_data(as_text=True)
    assert "Belum ada produk yang diajukan." in page
    assert as_staff.get("/staff/moderasi/999999/kemajuan").status_code == 404
