"""The audit trail: one ``AuditEvent`` per state change, login, refusal or decision.

Lives below every feature so any service can record; nothing here commits.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from .clock import now as clock_now
from .db import UTCDateTime
from .extensions import db


class AuditEvent(db.Model):
    """Who (``actor_id``, None for the system or an anonymous visitor) did ``action`` to
    which record (``object_type``/``object_id``), when (aware UTC), from which state to
    which, and why (``reason`` short label, ``note`` free text). ``details`` is JSON."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(sa.String(30))
    to_state: Mapped[str | None] = mapped_column(sa.String(30))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict | None] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.object_type}:{self.object_id}>"


def record(action: str, *, actor=None, obj=None, object_type: str | None = None,
           object_id: int | None = None, community_id: int | None = None,
           from_state: str | None = None, to_state: str | None = None,
           reason: str | None = None, note: str | None = None,
           details: dict[str, Any] | None = None, at: datetime | None = None) -> AuditEvent:
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


# What people see for an action in a history list (the codes stay in the database and logs).
ACTION_LABELS = {
    "listing.create": _l("Dibuat"), "listing.update": _l("Diubah"),
    "listing.submit": _l("Diajukan"), "listing.resubmit": _l("Diajukan ulang"),
    "listing.approve": _l("Disetujui"), "listing.request_changes": _l("Diminta perbaikan"),
    "listing.reject": _l("Ditolak"), "listing.withdraw": _l("Ditarik"),
    "listing.take_down": _l("Diturunkan"),
    "business.create": _l("Usaha ditambahkan"), "business.update": _l("Usaha diubah"),
    "community.signup": _l("Komunitas mendaftar"), "community.verify": _l("Komunitas diverifikasi"),
    "community.suspend": _l("Komunitas ditangguhkan"),
    "round.create": _l("Periode dibuat"), "round.update": _l("Periode diubah"),
    "round.schedule": _l("Periode dijadwalkan"), "round.publish_now": _l("Periode ditayangkan"),
    "auth.login": _l("Masuk"), "auth.login_failed": _l("Gagal masuk"), "auth.logout": _l("Keluar"),
    "upload.rejected": _l("Foto ditolak"), "user.staff_set": _l("Akun staf diatur"),
}


def action_label(action: str) -> str:
    """The translated label of an audit action code; the code itself if it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
