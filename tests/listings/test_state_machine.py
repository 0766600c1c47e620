"""The listing state machine: every allowed and every forbidden transition."""

from datetime import timedelta

import pytest

from marketplace.audit import AuditEvent
from marketplace.auth.models import Role
from marketplace.errors import InvalidInput, InvalidTransition, NotAllowed
from marketplace.listings.models import ListingStatus as S
from marketplace.listings.state import TRANSITIONS, transition
from tests.builders import make_business, make_listing, make_member, make_staff

ALLOWED = {
    ("submit", S.DRAFT): S.SUBMITTED,
    ("resubmit", S.CHANGES_REQUESTED): S.SUBMITTED,
    ("approve", S.SUBMITTED): S.APPROVED,
    ("request_changes", S.SUBMITTED): S.CHANGES_REQUESTED,
    ("reject", S.SUBMITTED): S.REJECTED,
    ("withdraw", S.DRAFT): S.WITHDRAWN,
    ("withdraw", S.SUBMITTED): S.WITHDRAWN,
    ("withdraw", S.CHANGES_REQUESTED): S.WITHDRAWN,
    ("withdraw", S.APPROVED): S.WITHDRAWN,
    ("take_down", S.APPROVED): S.REMOVED,
}
STAFF_ACTIONS = {"approve", "request_changes", "reject", "take_down"}
ALL = [(a, s) for a in TRANSITIONS for s in S]


def test_table_matches_the_design():
    table = {(a, s): to for a, (froms, to, _who) in TRANSITIONS.items() for s in froms}
    assert table == ALLOWED


def _actor(action, business):
    if action in STAFF_ACTIONS:
        return make_staff()
    return make_member(community=business.community)


@pytest.mark.parametrize("action,status", ALL, ids=[f"{a}-{s.value}" for a, s in ALL])
def test_every_transition(app, db, clock, action, status):
    business = make_business()
    listing = make_listing(status, business=business)
    actor = _actor(action, business)
    version = listing.version
    reason = "Foto buram" if action in ("request_changes", "reject", "take_down") else None
    if (action, status) in ALLOWED:
        transition(listing, action, actor=actor, now=clock(), reason=reason)
        assert listing.status == ALLOWED[(action, status)]
        assert listing.version == version + 1
        event = db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == f"listing.{action}")
        ).scalar_one()
        assert (event.from_state, event.to_state) == (status.value, ALLOWED[(action, status)].value)
        assert event.actor_id == actor.id and event.object_id == listing.id
        assert event.reason == reason
    else:
        with pytest.raises(InvalidTransition):
            transition(listing, action, actor=actor, now=clock(), reason=reason)
        assert listing.status == status and listing.version == version


@pytest.mark.parametrize("action", sorted(STAFF_ACTIONS))
def test_members_cannot_take_staff_actions(app, db, clock, action):
    business = make_business()
    listing = make_listing(S.SUBMITTED if action != "take_down" else S.APPROVED, business=business)
    with pytest.raises(NotAllowed):
        transition(
            listing,
            action,
            actor=make_member(community=business.community),
            now=clock(),
            reason="x",
        )


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_other_communities_and_staff_cannot_take_community_actions(app, db, clock, action):
    listing = make_listing(S.DRAFT)
    for stranger in (make_member(), make_staff(), make_staff(Role.ADMIN)):
        with pytest.raises(NotAllowed):
            transition(listing, action, actor=stranger, now=clock())
    assert listing.status == S.DRAFT


@pytest.mark.parametrize("action", ["request_changes", "reject", "take_down"])
def test_reason_required(app, db, clock, action):
    listing = make_listing(S.APPROVED if action == "take_down" else S.SUBMITTED)
    with pytest.raises(InvalidInput):
        transition(listing, action, actor=make_staff(), now=clock(), reason="  ")
    assert listing.version == 1


def test_resubmit_refused_once_the_round_publishes(app, db, clock):
    business = make_business()
    listing = make_listing(S.CHANGES_REQUESTED, business=business)
    clock.set(listing.round.publishes_at - timedelta(seconds=1))
    member = make_member(community=business.community)
    transition(listing, "resubmit", actor=member, now=clock())
    assert listing.status == S.SUBMITTED
    listing2 = make_listing(S.CHANGES_REQUESTED, business=business, rnd=listing.round)
    from marketplace.errors import RoundClosed

    with pytest.raises(RoundClosed):
        transition(listing2, "resubmit", actor=member, now=listing.round.publishes_at)
