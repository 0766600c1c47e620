"""The quota counts submitted, changes_requested and approved listings; the deadline is
exact to the second in WIB."""

from datetime import datetime, timedelta

import pytest

from marketplace.auth.models import CommunityStatus
from marketplace.clock import WIB
from marketplace.errors import NotAllowed, QuotaExceeded, RoundClosed
from marketplace.listings.models import ListingStatus as S
from marketplace.listings.state import slots_used, transition
from tests.builders import make_business, make_community, make_listing, make_member, make_round


def test_quota_counts_only_slot_holding_states(app, db, clock):
    business = make_business()
    rnd = make_round(quota=3)
    for status in (
        S.SUBMITTED,
        S.CHANGES_REQUESTED,
        S.APPROVED,
        S.REJECTED,
        S.WITHDRAWN,
        S.DRAFT,
        S.REMOVED,
    ):
        make_listing(status, business=business, rnd=rnd)
    assert slots_used(business.community_id, rnd.id) == 3
    other = make_business()
    make_listing(S.SUBMITTED, business=other, rnd=rnd)
    assert slots_used(business.community_id, rnd.id) == 3


def test_last_slot_then_quota_exceeded(app, db, clock):
    business = make_business()
    member = make_member(community=business.community)
    rnd = make_round(quota=2)
    make_listing(S.SUBMITTED, business=business, rnd=rnd)
    last, extra = (make_listing(S.DRAFT, business=business, rnd=rnd) for _ in range(2))
    transition(last, "submit", actor=member, now=clock())
    with pytest.raises(QuotaExceeded) as exc:
        transition(extra, "submit", actor=member, now=clock())
    assert "Kuota" in exc.value.message
    assert extra.status == S.DRAFT
    # withdrawing frees the slot
    transition(last, "withdraw", actor=member, now=clock())
    transition(extra, "submit", actor=member, now=clock())
    assert extra.status == S.SUBMITTED


def test_rejected_frees_a_slot(app, db, clock):
    business = make_business()
    member = make_member(community=business.community)
    rnd = make_round(quota=1)
    make_listing(S.REJECTED, business=business, rnd=rnd)
    draft = make_listing(S.DRAFT, business=business, rnd=rnd)
    transition(draft, "submit", actor=member, now=clock())
    assert draft.status == S.SUBMITTED


def _wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def test_deadline_to_the_second_in_wib(app, db, clock):
    # Opens Monday 08:00 WIB, closes Saturday 00:00 WIB (= Friday 17:00 UTC).
    rnd = make_round(
        opens_at=_wib(2026, 12, 7, 8, 0, 0),
        closes_at=_wib(2026, 12, 12, 0, 0, 0),
        publishes_at=_wib(2026, 12, 14, 9, 0, 0),
    )
    db.session.commit()
    db.session.expire_all()  # read the times back from the database
    assert rnd.closes_at.isoformat() == "2026-12-11T17:00:00+00:00"
    business = make_business()
    member = make_member(community=business.community)
    early, on_time, late = (make_listing(S.DRAFT, business=business, rnd=rnd) for _ in range(3))

    with pytest.raises(RoundClosed):
        transition(early, "submit", actor=member, now=_wib(2026, 12, 7, 7, 59, 59))
    transition(early, "submit", actor=member, now=_wib(2026, 12, 7, 8, 0, 0))  # opens_at inclusive
    transition(on_time, "submit", actor=member, now=_wib(2026, 12, 11, 23, 59, 59))
    with pytest.raises(RoundClosed) as exc:
        transition(
            late, "submit", actor=member, now=_wib(2026, 12, 12, 0, 0, 0)
        )  # closes_at exclusive
    assert "Batas waktu" in exc.value.message
    assert (early.status, on_time.status, late.status) == (S.SUBMITTED, S.SUBMITTED, S.DRAFT)


def test_unverified_community_cannot_submit(app, db, clock):
    community = make_community(status=CommunityStatus.PENDING)
    business = make_business(community=community)
    listing = make_listing(S.DRAFT, business=business)
    with pytest.raises(NotAllowed):
        transition(listing, "submit", actor=make_member(community=community), now=clock())


def test_round_phases_from_the_clock(app, db, clock):
    from marketplace.rounds.models import Phase

    rnd = make_round(
        opens_at=_wib(2026, 12, 7, 8),
        closes_at=_wib(2026, 12, 12),
        publishes_at=_wib(2026, 12, 14, 9),
    )
    one = timedelta(seconds=1)
    assert rnd.phase(rnd.opens_at - one) == Phase.SCHEDULED
    assert rnd.phase(rnd.opens_at) == Phase.OPEN
    assert rnd.phase(rnd.closes_at - one) == Phase.OPEN
    assert rnd.phase(rnd.closes_at) == Phase.IN_REVIEW
    assert rnd.phase(rnd.publishes_at) == Phase.PUBLISHED
    assert rnd.phase(rnd.showcase_ends_at) == Phase.ARCHIVED


def test_a_midnight_deadline_reads_as_the_end_of_the_day_before(app, db, clock):
    from marketplace.formatting import deadline

    with app.test_request_context():
        # Saturday 00.00 WIB is shown as Friday, 24.00: nobody reads "Sabtu, 00.00" as Friday night.
        assert (
            deadline(_wib(2026, 12, 12, 0, 0, 0))
            == "Jumat, 11 Desember 2026, pukul 24.00 WIB (tengah malam)"
        )
        assert deadline(_wib(2026, 12, 11, 17, 0, 0)) == "Jumat, 11 Desember 2026, 17.00 WIB"
