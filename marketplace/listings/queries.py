"""Reads for the portal and staff pages: a community's businesses and listings, moderator
feedback, a listing's history and its lineage across rounds."""

from __future__ import annotations

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from .models import Business, Listing


def _kept_only(user) -> bool:
    """A member who is not the coordinator sees what they keep (#14 roles)."""
    return user is not None and not user.is_staff and not user.is_coordinator


def kept_listing_ids(user):
    """A SELECT of the ids of the listings ``user`` keeps when they are a member who is not
    the coordinator (what their notifications are about); None for the coordinator (all)."""
    if not _kept_only(user):
        return None
    return (
        sa.select(Listing.id)
        .join(Business, Business.id == Listing.business_id)
        .where(Business.keeper_id == user.id)
    )


def community_businesses(community_id: int, *, kept_by=None) -> list[Business]:
    """A community's businesses, by name; with ``kept_by`` a member who is not the
    coordinator, only the businesses assigned to them."""
    q = sa.select(Business).where(Business.community_id == community_id)
    if _kept_only(kept_by):
        q = q.where(Business.keeper_id == kept_by.id)
    return list(db.session.execute(q.order_by(Business.name)).scalars())


def community_listings(
    community_id: int, round_id: int | None = None, *, kept_by=None
) -> list[Listing]:
    """A community's listings (optionally of one round), newest first; with ``kept_by`` a
    member who is not the coordinator, only the listings of the businesses they keep."""
    q = sa.select(Listing).where(Listing.community_id == community_id)
    if round_id is not None:
        q = q.where(Listing.round_id == round_id)
    if _kept_only(kept_by):
        q = q.join(Business, Business.id == Listing.business_id).where(
            Business.keeper_id == kept_by.id
        )
    return list(
        db.session.execute(q.order_by(Listing.updated_at.desc(), Listing.id.desc())).scalars()
    )


def latest_feedback(listing_ids: list[int]) -> dict[int, audit.AuditEvent]:
    """For each listing id, the newest audit event that carries a moderator's reason."""
    if not listing_ids:
        return {}
    rows = db.session.execute(
        sa.select(audit.AuditEvent)
        .where(
            audit.AuditEvent.object_type == "listing",
            audit.AuditEvent.object_id.in_(listing_ids),
            audit.AuditEvent.reason.is_not(None),
            audit.AuditEvent.action.in_(
                ["listing.request_changes", "listing.reject", "listing.take_down"]
            ),
        )
        .order_by(audit.AuditEvent.id)
    ).scalars()
    return {e.object_id: e for e in rows}


def listing_history(listing_id: int) -> list[audit.AuditEvent]:
    """Every audit event of a listing, oldest first."""
    return list(
        db.session.execute(
            sa.select(audit.AuditEvent)
            .where(
                audit.AuditEvent.object_type == "listing", audit.AuditEvent.object_id == listing_id
            )
            .order_by(audit.AuditEvent.id)
        ).scalars()
    )


def lineage(listing: Listing, limit: int = 20) -> list[Listing]:
    """The listing's earlier versions in other rounds (what it was copied or carried from),
    oldest first."""
    chain: list[Listing] = []
    current = listing
    while current.copied_from_id and len(chain) < limit:
        current = db.session.get(Listing, current.copied_from_id)
        if current is None or current.community_id != listing.community_id:
            break
        chain.append(current)
    return list(reversed(chain))


def history_with_lineage(listing: Listing) -> list[tuple[Listing, list[audit.AuditEvent]]]:
    """(listing, its audit events) for each earlier listing in the chain, then this one."""
    return [(item, listing_history(item.id)) for item in lineage(listing) + [listing]]
