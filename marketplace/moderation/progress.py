"""A round's moderation progress (reads): waiting and decided listings, each moderator's
decisions today (WIB), the pace in decisions per hour and the projected finish against the
round's ``publishes_at``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..auth.models import User
from ..clock import WIB
from ..extensions import db
from ..listings.models import Listing, ListingStatus
from ..rounds.models import Round
from .models import DecisionAction, ModerationDecision
from .queue import queue_sizes

S = ListingStatus
A = DecisionAction
# The decisions that empty the queue (a take-down acts on a published listing).
QUEUE_DECISIONS = (A.APPROVE, A.REQUEST_CHANGES, A.REJECT)
PACE_HOURS = 2
# Below this much observed work the pace is measured over this floor, so a first decision a
# minute ago does not read as 60 per hour.
MIN_PACE_SPAN = timedelta(minutes=15)


def pace_hours() -> int:
    """The window the pace is measured over, in hours (``MODERATION_PACE_HOURS``, 2)."""
    return int(current_app.config.get("MODERATION_PACE_HOURS", PACE_HOURS))


@dataclass
class ModeratorDay:
    """One moderator's decisions on the round since 00.00 WIB today, by action."""

    moderator: User
    counts: dict[DecisionAction, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Progress:
    """``counts``: listings by status (drafts excluded); ``decided``: decisions on the round
    by action (all time, take-downs excluded); ``per_hour``: decisions per hour over the
    last ``pace_hours`` (None when there were none); ``finish_at``: when the waiting
    listings are done at that pace (None when nothing waits or there is no pace)."""

    round: Round
    now: datetime
    counts: dict[ListingStatus, int]
    decided: dict[DecisionAction, int]
    today: list[ModeratorDay]
    per_hour: float | None
    pace_hours: int
    finish_at: datetime | None

    @property
    def waiting(self) -> int:
        return self.counts.get(S.SUBMITTED, 0)

    @property
    def decided_total(self) -> int:
        return sum(self.decided.values())

    @property
    def done(self) -> bool:
        """Nothing waits (and something was submitted)."""
        return self.waiting == 0 and bool(self.counts)

    @property
    def late(self) -> bool:
        """The projected finish is after the round publishes."""
        return self.finish_at is not None and self.finish_at > self.round.publishes_at

    @property
    def needed_per_hour(self) -> float | None:
        """Decisions per hour it takes to finish by ``publishes_at`` (None when nothing
        waits or the publication has passed)."""
        left = (self.round.publishes_at - self.now).total_seconds() / 3600
        if not self.waiting or left <= 0:
            return None
        return self.waiting / left


def wib_midnight(at: datetime) -> datetime:
    """00.00 WIB of the WIB day holding ``at``, as an aware datetime."""
    local = at.astimezone(WIB)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def pace(round_id: int, now: datetime, hours: int) -> float | None:
    """Decisions per hour on the round over the last ``hours``: the decisions in that window
    divided by the time from the first of them (at least 15 minutes) to ``now``; None when
    there were none. One query."""
    start = now - timedelta(hours=hours)
    n, first = db.session.execute(
        sa.select(sa.func.count(ModerationDecision.id), sa.func.min(ModerationDecision.created_at))
        .join(Listing, ModerationDecision.listing_id == Listing.id)
        .where(
            Listing.round_id == round_id,
            ModerationDecision.action.in_(QUEUE_DECISIONS),
            ModerationDecision.created_at > start,
            ModerationDecision.created_at <= now,
        )
    ).one()
    if not n:
        return None
    first = _aware(first) if first is not None else start
    span = max(now - max(first, start), MIN_PACE_SPAN)
    return n / (span.total_seconds() / 3600)


def _aware(value) -> datetime:
    """``min()`` keeps the column's UTC type; should a driver hand back text or a naive
    value anyway, read it as UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def progress(rnd: Round, now: datetime) -> Progress:
    """The round's progress at ``now`` (five queries)."""
    counts = queue_sizes([rnd.id])[rnd.id]
    in_round = sa.select(Listing.id).where(Listing.round_id == rnd.id)
    decided = {
        action: n
        for action, n in db.session.execute(
            sa.select(ModerationDecision.action, sa.func.count(ModerationDecision.id))
            .where(
                ModerationDecision.listing_id.in_(in_round),
                ModerationDecision.action.in_(QUEUE_DECISIONS),
            )
            .group_by(ModerationDecision.action)
        )
    }
    rows = db.session.execute(
        sa.select(
            ModerationDecision.moderator_id,
            ModerationDecision.action,
            sa.func.count(ModerationDecision.id),
        )
        .where(
            ModerationDecision.listing_id.in_(in_round),
            ModerationDecision.created_at >= wib_midnight(now),
            ModerationDecision.created_at <= now,
        )
        .group_by(ModerationDecision.moderator_id, ModerationDecision.action)
    ).all()
    ids = {moderator_id for moderator_id, _a, _n in rows}
    users = (
        {u.id: u for u in db.session.execute(sa.select(User).where(User.id.in_(ids))).scalars()}
        if ids
        else {}
    )
    days: dict[int, ModeratorDay] = {}
    for moderator_id, action, n in rows:
        day = days.setdefault(moderator_id, ModeratorDay(users[moderator_id]))
        day.counts[action] = n
    today = sorted(days.values(), key=lambda d: (-d.total, d.moderator.name))
    hours = pace_hours()
    per_hour = pace(rnd.id, now, hours)
    waiting = counts.get(S.SUBMITTED, 0)
    finish_at = now + timedelta(hours=waiting / per_hour) if waiting and per_hour else None
    return Progress(
        round=rnd,
        now=now,
        counts=counts,
        decided=decided,
        today=today,
        per_hour=per_hour,
        pace_hours=hours,
        finish_at=finish_at,
    )
