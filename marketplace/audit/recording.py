"""Writing the audit trail: ``record`` adds one event to the session (never commits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..clock import now as clock_now
from ..extensions import db
from .models import AuditEvent


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    object_type: str | None = None,
    object_id: int | None = None,
    community_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an audit event to the session (no commit). ``obj`` gives type and id if set."""
    if obj is not None:
        object_type = object_type or obj.__tablename__.rstrip("s")
        if object_id is None:
            db.session.flush([obj]) if obj.id is None else None
            object_id = obj.id
    event = AuditEvent(
        created_at=at or clock_now(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or "system",
        object_id=object_id,
        community_id=community_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        note=note,
        details=details,
    )
    db.session.add(event)
    return event
