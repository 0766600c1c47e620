"""Exceptions to a round's rules for one community (pretalx-style): a quota override, and a
late-entry code that lets a community submit after ``closes_at`` until a time staff chose
before ``publishes_at``. The one place that answers "how many slots" and "until when" for a
community in a round (``listings.state`` asks here). Nothing here commits.

Times are aware UTC; staff type them in WIB (the view converts). ``closes_for`` is exclusive
like ``closes_at``: a late entry valid until 18:00:00 accepts 17:59:59 and refuses 18:00:00.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..audit.labels import register_labels
from ..auth.access import require_admin
from ..auth.models import Community
from ..errors import FormErrors, InvalidInput
from ..extensions import db
from .models import LateEntry, QuotaOverride, Round

MAX_QUOTA = 1000
# No 0/O/1/I/L: the code is read out loud and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

register_labels(
    {
        "round.quota_override": _l("Kuota komunitas diubah"),
        "round.late_code_issue": _l("Kode susulan dibuat"),
        "round.late_code_redeem": _l("Kode susulan dipakai"),
    }
)


def _override(rnd: Round, community_id: int) -> QuotaOverride | None:
    return db.session.execute(
        sa.select(QuotaOverride).where(
            QuotaOverride.round_id == rnd.id, QuotaOverride.community_id == community_id
        )
    ).scalar_one_or_none()


def quota_for(rnd: Round, community_id: int) -> int:
    """The community's quota in ``rnd``: its override, else ``rnd.quota_per_community``."""
    o = _override(rnd, community_id)
    return o.quota if o is not None else rnd.quota_per_community


def redeemed_late_entry(rnd: Round, community_id: int) -> LateEntry | None:
    """The community's redeemed late entry in ``rnd`` that ends last, if any."""
    return db.session.execute(
        sa.select(LateEntry)
        .where(
            LateEntry.round_id == rnd.id,
            LateEntry.community_id == community_id,
            LateEntry.redeemed_at.is_not(None),
        )
        .order_by(LateEntry.valid_until.desc())
        .limit(1)
    ).scalar_one_or_none()


def closes_for(rnd: Round, community_id: int) -> datetime:
    """The community's own exclusive deadline in ``rnd``: ``closes_at``, or later when it
    redeemed a late-entry code (never past ``publishes_at``)."""
    late = redeemed_late_entry(rnd, community_id)
    if late is not None and late.valid_until > rnd.closes_at:
        return min(late.valid_until, rnd.publishes_at)
    return rnd.closes_at


def accepts_from(rnd: Round, community_id: int, now: datetime) -> bool:
    """True from ``opens_at`` (inclusive) to the community's ``closes_for`` (exclusive)."""
    return rnd.opens_at <= now < closes_for(rnd, community_id)


def set_quota(
    rnd: Round, community: Community, quota: int | None, *, actor, now: datetime
) -> QuotaOverride | None:
    """Staff (admin) set the community's quota in ``rnd``; ``None`` removes the override and
    the round's quota applies again. Audited. Raises NotAllowed, FormErrors({"quota": …})."""
    require_admin(actor)
    if quota is not None and not 0 <= quota <= MAX_QUOTA:
        raise FormErrors({"quota": _("Kuota harus antara 0 dan %(n)s.", n=MAX_QUOTA)})
    o = _override(rnd, community.id)
    before = o.quota if o is not None else None
    if quota is None:
        if o is not None:
            db.session.delete(o)
    elif o is None:
        o = QuotaOverride(
            round_id=rnd.id,
            community_id=community.id,
            quota=quota,
            created_at=now,
            created_by_id=actor.id,
        )
        db.session.add(o)
    else:
        o.quota, o.created_at, o.created_by_id = quota, now, actor.id
    db.session.flush()
    audit.record(
        "round.quota_override",
        actor=actor,
        object_type="round",
        object_id=rnd.id,
        community_id=community.id,
        from_state=str(before) if before is not None else None,
        to_state=str(quota) if quota is not None else None,
        at=now,
        details={"round_quota": rnd.quota_per_community},
    )
    return o if quota is not None else None


def issue_late_code(
    rnd: Round, community: Community, valid_until: datetime, *, actor, now: datetime
) -> LateEntry:
    """Staff (admin) issue a late-entry code for ``community`` in ``rnd``, valid until
    ``valid_until`` (aware; after ``closes_at`` and ``now``, not after ``publishes_at``).
    Audited (the code is in the record: staff send it on). Raises NotAllowed, FormErrors."""
    require_admin(actor)
    if valid_until > rnd.publishes_at:
        raise FormErrors(
            {"valid_until": _("Kode susulan harus berakhir paling lambat saat periode tayang.")}
        )
    if valid_until <= max(rnd.closes_at, now):
        raise FormErrors(
            {
                "valid_until": _(
                    "Akhir kode susulan harus sesudah batas pengajuan periode dan sesudah saat ini."
                )
            }
        )
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    entry = LateEntry(
        round_id=rnd.id,
        community_id=community.id,
        code=code,
        valid_until=valid_until,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "round.late_code_issue",
        actor=actor,
        object_type="round",
        object_id=rnd.id,
        community_id=community.id,
        at=now,
        details={"code": code, "valid_until": valid_until.isoformat()},
    )
    return entry


def normalise_code(raw: str) -> str:
    """What people type: spaces, dashes and lower case are forgiven."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


def redeem_late_code(raw: str, *, actor, now: datetime) -> LateEntry:
    """A member of the code's community redeems it: from now on the community may submit
    until ``valid_until``. Audited. Raises InvalidInput with a message when the code is
    unknown or another community's, already used, or past its end."""
    code = normalise_code(raw)
    entry = (
        db.session.execute(sa.select(LateEntry).where(LateEntry.code == code)).scalar_one_or_none()
        if code
        else None
    )
    community_id = getattr(actor, "community_id", None)
    if entry is None or community_id is None or entry.community_id != community_id:
        raise InvalidInput(_("Kode susulan tidak dikenal. Periksa lagi kodenya."))
    if entry.redeemed_at is not None:
        raise InvalidInput(_("Kode susulan ini sudah dipakai."))
    if now >= entry.valid_until:
        raise InvalidInput(_("Kode susulan ini sudah berakhir."))
    updated = db.session.execute(
        sa.update(LateEntry)
        .where(LateEntry.id == entry.id, LateEntry.redeemed_at.is_(None))
        .values(redeemed_at=now, redeemed_by_id=actor.id)
    ).rowcount
    if not updated:  # two taps at once: one wins
        raise InvalidInput(_("Kode susulan ini sudah dipakai."))
    db.session.refresh(entry)
    audit.record(
        "round.late_code_redeem",
        actor=actor,
        object_type="round",
        object_id=entry.round_id,
        community_id=community_id,
        at=now,
        details={"code": code},
    )
    return entry


@dataclass
class CommunityAllowance:
    """What the community's dashboard shows for one round."""

    round: Round
    quota: int
    overridden: bool
    closes_at: datetime
    late_until: datetime | None


def allowance(rnd: Round, community_id: int) -> CommunityAllowance:
    """The community's quota and deadline in ``rnd``, with whether an exception applies."""
    o = _override(rnd, community_id)
    closes = closes_for(rnd, community_id)
    return CommunityAllowance(
        round=rnd,
        quota=o.quota if o is not None else rnd.quota_per_community,
        overridden=o is not None,
        closes_at=closes,
        late_until=closes if closes != rnd.closes_at else None,
    )


def late_round_for(community_id: int, now: datetime) -> Round | None:
    """The closed round the community may still submit to now (a redeemed late entry)."""
    return db.session.execute(
        sa.select(Round)
        .join(LateEntry, LateEntry.round_id == Round.id)
        .where(
            LateEntry.community_id == community_id,
            LateEntry.redeemed_at.is_not(None),
            LateEntry.valid_until > now,
            Round.closes_at <= now,
            Round.publishes_at > now,
        )
        .order_by(LateEntry.valid_until.desc())
        .limit(1)
    ).scalar_one_or_none()


def exceptions_of_round(rnd: Round) -> tuple[list[QuotaOverride], list[LateEntry]]:
    """Every quota override and late-entry code of ``rnd`` (the staff page)."""
    overrides = list(
        db.session.execute(
            sa.select(QuotaOverride)
            .where(QuotaOverride.round_id == rnd.id)
            .order_by(QuotaOverride.id)
        ).scalars()
    )
    codes = list(
        db.session.execute(
            sa.select(LateEntry).where(LateEntry.round_id == rnd.id).order_by(LateEntry.id)
        ).scalars()
    )
    return overrides, codes
