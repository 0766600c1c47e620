"""Round rules: which round is open, creating and editing rounds, "publish now".

Times are aware UTC datetimes; forms convert from WIB before calling these.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..errors import InvalidInput
from ..extensions import db
from .models import Round


def open_round(now: datetime) -> Round | None:
    """The round accepting submissions at ``now``, or None (at most one is open)."""
    return db.session.execute(
        sa.select(Round).where(Round.opens_at <= now, Round.closes_at > now)
        .order_by(Round.opens_at).limit(1)
    ).scalar_one_or_none()


def next_round(now: datetime) -> Round | None:
    """The next scheduled round after ``now``, or None."""
    return db.session.execute(
        sa.select(Round).where(Round.opens_at > now).order_by(Round.opens_at).limit(1)
    ).scalar_one_or_none()


def showcase_round(now: datetime) -> Round | None:
    """The most recently published round at ``now`` (the home page's showcase), or None."""
    return db.session.execute(
        sa.select(Round).where(Round.publishes_at <= now)
        .order_by(Round.publishes_at.desc()).limit(1)
    ).scalar_one_or_none()


def published_rounds(now: datetime) -> list[Round]:
    """Every round published at ``now``, newest first."""
    return list(db.session.execute(
        sa.select(Round).where(Round.publishes_at <= now).order_by(Round.publishes_at.desc())
    ).scalars())


def _check_times(opens_at: datetime, closes_at: datetime, publishes_at: datetime,
                 showcase_ends_at: datetime, quota: int, exclude_id: int | None) -> None:
    if not opens_at < closes_at:
        raise InvalidInput(_("Waktu tutup harus setelah waktu buka."))
    if not closes_at <= publishes_at:
        raise InvalidInput(_("Waktu tayang tidak boleh sebelum waktu tutup."))
    if not publishes_at < showcase_ends_at:
        raise InvalidInput(_("Akhir etalase harus setelah waktu tayang."))
    if not 1 <= quota <= 500:
        raise InvalidInput(_("Kuota per komunitas harus antara 1 dan 500."))
    overlap = sa.select(Round).where(Round.opens_at < closes_at, Round.closes_at > opens_at)
    if exclude_id is not None:
        overlap = overlap.where(Round.id != exclude_id)
    other = db.session.execute(overlap.limit(1)).scalar_one_or_none()
    if other is not None:
        raise InvalidInput(_("Masa pengajuan bertabrakan dengan %(name)s.", name=other.title))


def create_round(*, name: str, opens_at: datetime, closes_at: datetime, publishes_at: datetime,
                 showcase_ends_at: datetime | None = None, quota: int = 10,
                 edition: int | None = None, actor=None, now: datetime) -> Round:
    """Add a round (flushes, no commit). Submission windows may not overlap.

    Raises InvalidInput with a user-facing message for inconsistent times or an overlap.
    """
    showcase_ends_at = showcase_ends_at or Round.default_showcase_end(publishes_at)
    _check_times(opens_at, closes_at, publishes_at, showcase_ends_at, quota, None)
    if edition is None:
        edition = (db.session.execute(sa.select(sa.func.max(Round.edition))).scalar() or 0) + 1
    rnd = Round(name=name or f"Edisi {edition}", edition=edition, opens_at=opens_at,
                closes_at=closes_at, publishes_at=publishes_at,
                showcase_ends_at=showcase_ends_at, quota_per_community=quota, created_at=now)
    db.session.add(rnd)
    db.session.flush()
    audit.record("round.create", actor=actor, obj=rnd, object_type="round", at=now,
                 details=_round_details(rnd))
    return rnd


def update_round(rnd: Round, *, name: str, opens_at: datetime, closes_at: datetime,
                 publishes_at: datetime, showcase_ends_at: datetime, quota: int,
                 actor=None, now: datetime) -> Round:
    """Change a round's name, times or quota (flushes). Same checks as ``create_round``."""
    _check_times(opens_at, closes_at, publishes_at, showcase_ends_at, quota, rnd.id)
    before = _round_details(rnd)
    rnd.name, rnd.opens_at, rnd.closes_at = name or rnd.name, opens_at, closes_at
    rnd.publishes_at, rnd.showcase_ends_at, rnd.quota_per_community = publishes_at, showcase_ends_at, quota
    db.session.flush()
    audit.record("round.update", actor=actor, obj=rnd, object_type="round", at=now,
                 details={"before": before, "after": _round_details(rnd)})
    return rnd


def publish_now(rnd: Round, *, actor, now: datetime) -> Round:
    """Close the round if still open and publish it at ``now``: approved listings go public.

    Raises InvalidInput if the round is already published.
    """
    if rnd.is_published(now):
        raise InvalidInput(_("%(name)s sudah tayang.", name=rnd.title))
    before = rnd.phase(now).value
    if rnd.opens_at >= now:
        raise InvalidInput(_("%(name)s belum dibuka; ubah jadwalnya bila ingin menayangkan.", name=rnd.title))
    if rnd.closes_at > now:
        rnd.closes_at = now
    rnd.publishes_at = now
    if rnd.showcase_ends_at <= now:
        rnd.showcase_ends_at = Round.default_showcase_end(now)
    db.session.flush()
    audit.record("round.publish_now", actor=actor, obj=rnd, object_type="round", at=now,
                 from_state=before, to_state=rnd.phase(now).value, details=_round_details(rnd))
    return rnd


def _round_details(rnd: Round) -> dict:
    return {"name": rnd.name, "opens_at": rnd.opens_at.isoformat(), "closes_at": rnd.closes_at.isoformat(),
            "publishes_at": rnd.publishes_at.isoformat(),
            "showcase_ends_at": rnd.showcase_ends_at.isoformat(), "quota": rnd.quota_per_community}
