"""Reads of the audit trail for the staff audit page: the filter, the query, the action menu
and the CSV export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..auth.models import Community, User
from ..clock import from_wib, to_wib
from ..extensions import db
from ..spreadsheets import safe_cell
from .models import AuditEvent


@dataclass
class AuditFilter:
    """What the audit page is narrowed to; dates are WIB calendar days (inclusive)."""

    actor: str = ""  # an e-mail or part of a name; "sistem" for no actor
    community_id: int | None = None
    listing_id: int | None = None
    action: str = ""
    date_from: str = ""  # YYYY-MM-DD (WIB)
    date_to: str = ""

    @classmethod
    def from_args(cls, args) -> AuditFilter:
        def number(name):
            raw = (args.get(name) or "").strip().lstrip("#")
            return int(raw) if raw.isdecimal() and len(raw) < 10 else None

        def day(name):
            raw = (args.get(name) or "").strip()
            try:
                datetime.strptime(raw, "%Y-%m-%d")
            except ValueError:
                return ""
            return raw

        return cls(
            actor=(args.get("pelaku") or "").strip()[:120],
            community_id=number("komunitas"),
            listing_id=number("produk"),
            action=(args.get("tindakan") or "").strip()[:60],
            date_from=day("dari"),
            date_to=day("sampai"),
        )

    def args(self) -> dict[str, str]:
        out = {
            "pelaku": self.actor,
            "komunitas": self.community_id or "",
            "produk": self.listing_id or "",
            "tindakan": self.action,
            "dari": self.date_from,
            "sampai": self.date_to,
        }
        return {k: str(v) for k, v in out.items() if v}


def audit_query(flt: AuditFilter) -> sa.Select:
    """Audit events matching the filter, newest first."""
    q = sa.select(AuditEvent)
    if flt.actor:
        if flt.actor.lower() == "sistem":
            q = q.where(AuditEvent.actor_id.is_(None))
        else:
            pattern = (
                "%" + flt.actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            q = q.where(
                AuditEvent.actor_id.in_(
                    sa.select(User.id).where(
                        sa.or_(
                            User.email.ilike(pattern, escape="\\"),
                            User.name.ilike(pattern, escape="\\"),
                        )
                    )
                )
            )
    if flt.community_id:
        q = q.where(AuditEvent.community_id == flt.community_id)
    if flt.listing_id:
        q = q.where(AuditEvent.object_type == "listing", AuditEvent.object_id == flt.listing_id)
    if flt.action:
        q = q.where(AuditEvent.action == flt.action)
    if flt.date_from:
        q = q.where(AuditEvent.created_at >= from_wib(datetime.strptime(flt.date_from, "%Y-%m-%d")))
    if flt.date_to:
        end = datetime.strptime(flt.date_to, "%Y-%m-%d") + timedelta(days=1)
        q = q.where(AuditEvent.created_at < from_wib(end))
    return q.order_by(AuditEvent.id.desc())


def audit_actions() -> list[str]:
    """Every action name that occurs in the audit trail (for the filter menu)."""
    return list(
        db.session.execute(
            sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        ).scalars()
    )


def users_by_id(ids) -> dict[int, User]:
    ids = {i for i in ids if i}
    return (
        {u.id: u for u in db.session.execute(sa.select(User).where(User.id.in_(ids))).scalars()}
        if ids
        else {}
    )


def communities_by_id(ids) -> dict[int, Community]:
    ids = {i for i in ids if i}
    return (
        {
            c.id: c
            for c in db.session.execute(sa.select(Community).where(Community.id.in_(ids))).scalars()
        }
        if ids
        else {}
    )


AUDIT_CSV_HEADER = [
    "id",
    "waktu_wib",
    "waktu_utc",
    "pelaku_id",
    "pelaku",
    "tindakan",
    "objek",
    "objek_id",
    "komunitas_id",
    "komunitas",
    "dari",
    "ke",
    "alasan",
    "catatan",
    "rincian",
]


def audit_csv_rows(flt: AuditFilter, batch: int = 1000):
    """The filtered events as CSV rows (header first), fetched in batches so a long trail
    streams without loading it whole. Cells that a spreadsheet would run as a formula are
    prefixed with an apostrophe."""
    yield AUDIT_CSV_HEADER
    last_id = None
    while True:
        q = audit_query(flt)
        if last_id is not None:
            q = q.where(AuditEvent.id < last_id)
        events = list(db.session.execute(q.limit(batch)).scalars())
        if not events:
            return
        actors = users_by_id(e.actor_id for e in events)
        comms = communities_by_id(e.community_id for e in events)
        for e in events:
            actor = actors.get(e.actor_id)
            comm = comms.get(e.community_id)
            yield [
                safe_cell(v)
                for v in (
                    e.id,
                    to_wib(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.created_at.isoformat(),
                    e.actor_id or "",
                    actor.email if actor else "",
                    e.action,
                    e.object_type,
                    e.object_id or "",
                    e.community_id or "",
                    comm.name if comm else "",
                    e.from_state or "",
                    e.to_state or "",
                    e.reason or "",
                    e.note or "",
                    json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else "",
                )
            ]
        last_id = events[-1].id
        db.session.expunge_all()
