"""Permit checks (NIB, P-IRT, halal): which numbers staff have not checked yet, and marking
them checked (the public sees a badge only for checked ones)."""

from __future__ import annotations

from datetime import datetime

from .. import audit
from ..auth.models import User
from ..errors import NotAllowed
from ..extensions import db
from ..listings.models import Business

PERMITS = (
    ("nib", "nib_checked", "NIB"),
    ("pirt_number", "pirt_checked", "P-IRT"),
    ("halal_number", "halal_checked", "Halal"),
)


def unchecked_permits(business: Business) -> list[str]:
    """Labels of the permit numbers the business entered that no moderator checked yet."""
    return [
        label
        for number, checked, label in PERMITS
        if getattr(business, number) and not getattr(business, checked)
    ]


def set_permits_checked(
    business: Business, checked: dict[str, bool], *, actor: User, now: datetime
) -> Business:
    """Mark each entered permit number checked or not (``checked`` maps ``nib_checked``…
    to a bool). A permit without a number cannot be checked. Audited when anything
    changed; the public sees a badge only for checked ones. Flushes, never commits."""
    if actor is None or not actor.is_staff:
        raise NotAllowed()
    changes = {}
    for number, field, _label in PERMITS:
        want = bool(checked.get(field)) and bool(getattr(business, number))
        if getattr(business, field) != want:
            changes[field] = want
            setattr(business, field, want)
    if changes:
        db.session.flush()
        audit.record(
            "business.permits",
            actor=actor,
            object_type="business",
            object_id=business.id,
            community_id=business.community_id,
            at=now,
            details=changes,
        )
    return business
