"""What changed in a listing since its last decision: the snapshot a decision keeps of the
version the moderator saw, and the diff the review page shows after a resubmission."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..audit import AuditEvent
from ..extensions import db
from ..listings.models import Listing
from .models import DecisionAction, ModerationDecision


def snapshot(listing: Listing) -> dict:
    """What a moderator saw, kept in the decision's audit details: ``{"title": str,
    "price": int | None, "unit": str, "description": str, "photos": [image id, …]}``."""
    return {
        "title": listing.title,
        "price": listing.price,
        "unit": listing.unit,
        "description": listing.description,
        "photos": [p.image_id for p in listing.photos],
    }


_UNSET: Any = object()


@dataclass
class Changes:
    """The difference between the last decision's snapshot and the listing now.

    ``fields`` maps "title" / "price" / "unit" / "description" to (before, after);
    ``photos_added`` / ``photos_removed`` count image ids; ``known`` is False when the
    decision predates snapshots (only the fact of a resubmission is known)."""

    decision: ModerationDecision
    fields: dict[str, tuple] = field(default_factory=dict)
    photos_added: int = 0
    photos_removed: int = 0
    photos_reordered: bool = False
    known: bool = True

    @property
    def empty(self) -> bool:
        return self.known and not (
            self.fields or self.photos_added or self.photos_removed or self.photos_reordered
        )


def diff(before: dict, listing: Listing) -> dict:
    """Pure: the changed fields and photo counts between a ``snapshot`` and ``listing``."""
    now = snapshot(listing)
    fields = {
        k: (before.get(k), now[k])
        for k in ("title", "price", "unit", "description")
        if k in before and before.get(k) != now[k]
    }
    old, new = list(before.get("photos") or []), now["photos"]
    added = len([i for i in new if i not in old])
    removed = len([i for i in old if i not in new])
    kept_old = [i for i in old if i in new]
    kept_new = [i for i in new if i in old]
    return {
        "fields": fields,
        "photos_added": added,
        "photos_removed": removed,
        "photos_reordered": kept_old != kept_new,
    }


def changes_since_request(
    listing: Listing, last: ModerationDecision | None = _UNSET
) -> Changes | None:
    """For a listing resubmitted after "minta perbaikan": what changed since that decision
    (None when its last decision was not a request for changes, or it is not waiting).
    ``last``: the listing's latest decision (or None), when the caller has it already."""
    if last is _UNSET:
        last = _latest_decision(listing)
    if last is None or last.action != DecisionAction.REQUEST_CHANGES:
        return None
    return _changes_since(listing, last)


def _latest_decision(listing: Listing) -> ModerationDecision | None:
    return db.session.execute(
        sa.select(ModerationDecision)
        .where(ModerationDecision.listing_id == listing.id)
        .order_by(ModerationDecision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _changes_since(listing: Listing, last: ModerationDecision) -> Changes:
    event = db.session.execute(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == "listing",
            AuditEvent.object_id == listing.id,
            AuditEvent.details["decision_id"].as_integer() == last.id,
        )
        .limit(1)
    ).scalar_one_or_none()
    seen = (event.details or {}).get("seen") if event is not None else None
    if not seen:
        return Changes(last, known=False)
    return Changes(last, **diff(seen, listing))


def resubmitted_ids(listing_ids: list[int]) -> set[int]:
    """Of these listings, those whose latest decision asked for changes (for the queue's
    "diubah setelah permintaan perbaikan" tag); one query."""
    if not listing_ids:
        return set()
    latest = (
        sa.select(ModerationDecision.listing_id, sa.func.max(ModerationDecision.id).label("last"))
        .where(ModerationDecision.listing_id.in_(listing_ids))
        .group_by(ModerationDecision.listing_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ModerationDecision.listing_id)
        .join(latest, ModerationDecision.id == latest.c.last)
        .where(ModerationDecision.action == DecisionAction.REQUEST_CHANGES)
    ).scalars()
    return set(rows)
