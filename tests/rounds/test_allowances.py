"""Quota overrides per community per round and late-entry codes, to the second in WIB; the
staff page (admins change, moderators read) and the portal's code box."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.audit import AuditEvent
from marketplace.auth.models import Role  # noqa: I001
from marketplace.clock import WIB
from marketplace.errors import FormErrors, InvalidInput, NotAllowed, QuotaExceeded, RoundClosed
from marketplace.listings.models import ListingStatus as S
from marketplace.listings.state import can_edit, transition
from marketplace.rounds import allowances
from marketplace.rounds.models import LateEntry
from tests.builders import make_business, make_listing, make_member, make_round, make_staff
from tests.conftest import T0


def _wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB).astimezone(UTC)


def _actions(db):
    return [e.action for e in db.session.execute(db.select(AuditEvent)).scalars()]


@pytest.fixture
def admin(db):
    return make_staff(Role.ADMIN)


def test_override_raises_and_lowers_one_communitys_quota_only(app, db, clock, admin):
    rnd = make_round(quota=1)
    business, other = make_business(), make_business()
    member = make_member(community=business.community)
    allowances.set_quota(rnd, business.community, 2, actor=admin, now=clock())
    a, b, c = (make_listing(S.DRAFT, business=business, rnd=rnd) for _ in range(3))
    transition(a, "submit", actor=member, now=clock())
    transition(b, "submit", actor=member, now=clock())
    with pytest.raises(QuotaExceeded) as exc:
        transition(c, "submit", actor=member, now=clock())
    assert "(2 produk)" in exc.value.message
    assert allowances.quota_for(rnd, other.community_id) == 1
    # lowered to 0 and then removed: the round's quota applies again
    allowances.set_quota(rnd, other.community, 0, actor=admin, now=clock())
    with pytest.raises(QuotaExceeded):
        transition(
            make_listing(S.DRAFT, business=other, rnd=rnd),
            "submit",
            actor=make_member(community=other.community),
            now=clock(),
        )
    allowances.set_quota(rnd, other.community, None, actor=admin, now=clock())
    assert allowances.quota_for(rnd, other.community_id) == 1
    assert _actions(db).count("round.quota_override") == 3


def test_only_admins_set_overrides_and_absurd_quotas_are_refused(app, db, clock, admin):
    rnd = make_round()
    business = make_business()
    with pytest.raises(NotAllowed):
        allowances.set_quota(rnd, business.community, 5, actor=make_staff(), now=clock())
    with pytest.raises(NotAllowed):
        allowances.set_quota(rnd, business.community, 5, actor=None, now=clock())
    for bad in (-1, 1001):
        with pytest.raises(FormErrors):
            allowances.set_quota(rnd, business.community, bad, actor=admin, now=clock())


def _closed_round():
    # closes 2026-12-02 09:00:00 WIB (an hour before T0), publishes 2026-12-03 12:00 WIB
    return make_round(
        opens_at=_wib(2026, 11, 25, 8, 0),
        closes_at=_wib(2026, 12, 2, 9, 0),
        publishes_at=_wib(2026, 12, 3, 12, 0),
    )


def test_late_code_lets_one_community_submit_until_its_end_to_the_second(app, db, clock, admin):
    rnd = _closed_round()
    business, other = make_business(), make_business()
    member = make_member(community=business.community)
    drafts = [make_listing(S.DRAFT, business=business, rnd=rnd) for _ in range(3)]
    with pytest.raises(RoundClosed):
        transition(drafts[0], "submit", actor=member, now=clock())
    until = _wib(2026, 12, 2, 18, 0, 0)
    entry = allowances.issue_late_code(rnd, business.community, until, actor=admin, now=clock())
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", entry.code)
    with pytest.raises(RoundClosed):  # issued, not yet redeemed
        transition(drafts[0], "submit", actor=member, now=clock())
    allowances.redeem_late_code(
        entry.code.lower()[:4] + "-" + entry.code[4:], actor=member, now=clock()
    )
    clock.at = until - timedelta(seconds=1)  # 17:59:59 WIB
    transition(drafts[0], "submit", actor=member, now=clock())
    assert can_edit(drafts[0], member, clock())
    clock.at = until  # 18:00:00 WIB: refused, like closes_at
    with pytest.raises(RoundClosed):
        transition(drafts[1], "submit", actor=member, now=clock())
    assert not can_edit(drafts[0], member, clock())
    # the other community was never let in
    assert allowances.closes_for(rnd, other.community_id) == rnd.closes_at
    assert {"round.late_code_issue", "round.late_code_redeem"} <= set(_actions(db))


def test_late_code_used_twice_after_its_end_or_by_another_community(app, db, clock, admin):
    rnd = _closed_round()
    business, other = make_business(), make_business()
    member, outsider = (
        make_member(community=business.community),
        make_member(community=other.community),
    )
    until = _wib(2026, 12, 2, 12, 0)
    entry = allowances.issue_late_code(rnd, business.community, until, actor=admin, now=clock())
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        allowances.redeem_late_code(entry.code, actor=outsider, now=clock())
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        allowances.redeem_late_code("=HYPERLINK()", actor=member, now=clock())
    second = allowances.issue_late_code(rnd, business.community, until, actor=admin, now=clock())
    clock.at = until
    with pytest.raises(InvalidInput, match="berakhir"):
        allowances.redeem_late_code(second.code, actor=member, now=clock())
    clock.at = until - timedelta(seconds=1)
    allowances.redeem_late_code(entry.code, actor=member, now=clock())
    with pytest.raises(InvalidInput, match="sudah dipakai"):
        allowances.redeem_late_code(entry.code, actor=member, now=clock())


def test_late_code_must_end_after_the_deadline_and_by_publication(app, db, clock, admin):
    rnd = _closed_round()
    c = make_business().community
    for bad in (rnd.closes_at, T0, rnd.publishes_at + timedelta(seconds=1)):
        with pytest.raises(FormErrors):
            allowances.issue_late_code(rnd, c, bad, actor=admin, now=clock())
    allowances.issue_late_code(rnd, c, rnd.publishes_at, actor=admin, now=clock())
    with pytest.raises(NotAllowed):
        allowances.issue_late_code(rnd, c, rnd.publishes_at, actor=make_staff(), now=clock())


def test_staff_page_and_portal_code_box(app, db, clock, as_admin, as_staff, as_member):
    rnd = _closed_round()
    community = as_member.user.community
    draft = make_listing(S.DRAFT, business=make_business(community), rnd=rnd)
    db.session.commit()
    page = as_staff.get(f"/staff/rounds/{rnd.id}/pengecualian")
    assert page.status_code == 200
    assert (
        as_staff.post(
            f"/staff/rounds/{rnd.id}/pengecualian/kuota", data={"community_id": community.id}
        ).status_code
        == 403
    )
    r = as_admin.post(
        f"/staff/rounds/{rnd.id}/pengecualian/kode",
        data={"community_id": community.id, "valid_until": "2026-12-02 09:00"},
    )
    assert r.status_code == 400 and "sesudah batas pengajuan" in r.get_data(as_text=True)
    r = as_admin.post(
        f"/staff/rounds/{rnd.id}/pengecualian/kode",
        data={"community_id": community.id, "valid_until": "2026-12-02T18:00:00"},
    )
    assert r.status_code == 302
    r = as_admin.post(
        f"/staff/rounds/{rnd.id}/pengecualian/kuota",
        data={"community_id": community.id, "quota": "3"},
    )
    assert r.status_code == 302
    entry = db.session.execute(db.select(LateEntry)).scalar_one()
    assert entry.valid_until == _wib(2026, 12, 2, 18, 0)
    page = as_staff.get(f"/staff/rounds/{rnd.id}/pengecualian").get_data(as_text=True)
    assert entry.code in page and "18.00.00" in page
    # the community redeems it on its dashboard and sees its own deadline and quota
    r = as_member.post("/portal/kode-susulan", data={"code": entry.code}, follow_redirects=True)
    text = r.get_data(as_text=True)
    assert (
        "Kode diterima" in text
        and "Batas pengajuan:</strong> Rabu, 2 Desember 2026, 18.00 WIB" in text
        and "/ 3" in text
    )
    r = as_member.post("/portal/kode-susulan", data={"code": entry.code}, follow_redirects=True)
    assert "sudah dipakai" in r.get_data(as_text=True)
    r = as_member.post(f"/portal/produk/{draft.id}/ajukan")
    db.session.refresh(draft)
    assert draft.status == S.SUBMITTED
