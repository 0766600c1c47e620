"""Every committed audit record also goes to the log as one line of JSON (newlines in names
or notes are escaped by JSON, so one record is always one line), logger ``marketplace.audit``.

Records are collected at flush and written after the commit, so a rolled-back request
leaves no line for something that did not happen.
"""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

log = logging.getLogger("marketplace.audit")
_KEY = "audit_log_pending"
_installed = False


def line(event) -> str:
    """The JSON line for an AuditEvent (UTC time, no secrets: the record holds none)."""
    return json.dumps(
        {
            "at": event.created_at.isoformat() if event.created_at else None,
            "action": event.action,
            "actor_id": event.actor_id,
            "object": event.object_type,
            "object_id": event.object_id,
            "community_id": event.community_id,
            "from": event.from_state,
            "to": event.to_state,
            "reason": event.reason,
            "note": event.note,
            "details": event.details,
        },
        ensure_ascii=False,
        default=str,
        separators=(",", ":"),
    )


def _after_flush(session: Session, _ctx) -> None:
    from .models import AuditEvent

    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if new:
        session.info.setdefault(_KEY, []).extend(line(e) for e in new)


def _after_commit(session: Session) -> None:
    for text in session.info.pop(_KEY, []):
        log.info("audit %s", text)


def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)


def init_app(_app) -> None:
    global _installed
    if _installed:
        return
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "after_commit", _after_commit)
    sa.event.listen(
        Session,
        "after_soft_rollback",
        lambda s, _t: _after_rollback(s) if not s.in_transaction() else None,
    )
    _installed = True
