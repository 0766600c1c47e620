"""The staff home's figures: pending communities, the open round, rounds in review and any
other round still holding submitted listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..auth.models import Community, CommunityStatus
from ..extensions import db
from ..listings.models import Listing, ListingStatus
from ..rounds.models import Round
from ..rounds.services import next_round, open_round
from .queue import queue_sizes

S = ListingStatus


@dataclass
class RoundSummary:
    round: Round
    phase: str
    counts: dict[ListingStatus, int]

    @property
    def waiting(self) -> int:
        return self.counts.get(S.SUBMITTED, 0)

    @property
    def approved(self) -> int:
        return self.counts.get(S.APPROVED, 0)


@dataclass
class Dashboard:
    pending_communities: int
    open_round: RoundSummary | None
    in_review: list[RoundSummary]
    other_waiting: list[RoundSummary]
    next_round: Round | None


def dashboard(now: datetime) -> Dashboard:
    """Figures for the staff home: pending communities, the open round, rounds in review
    (closed, not yet published) and any other round still holding submitted listings."""
    pending = db.session.execute(
        sa.select(sa.func.count(Community.id)).where(Community.status == CommunityStatus.PENDING)
    ).scalar_one()
    current = open_round(now)
    reviewing = list(
        db.session.execute(
            sa.select(Round)
            .where(Round.closes_at <= now, Round.publishes_at > now)
            .order_by(Round.closes_at)
        ).scalars()
    )
    late_ids = [
        rid
        for (rid,) in db.session.execute(
            sa.select(Listing.round_id)
            .join(Round, Listing.round_id == Round.id)
            .where(Listing.status == S.SUBMITTED, Round.publishes_at <= now)
            .distinct()
        )
    ]
    late = (
        list(
            db.session.execute(
                sa.select(Round).where(Round.id.in_(late_ids)).order_by(Round.publishes_at)
            ).scalars()
        )
        if late_ids
        else []
    )
    rounds = ([current] if current else []) + reviewing + late
    sizes = queue_sizes([r.id for r in rounds])

    def summary(r: Round) -> RoundSummary:
        return RoundSummary(round=r, phase=r.phase(now).value, counts=sizes[r.id])

    return Dashboard(
        pending_communities=pending,
        open_round=summary(current) if current else None,
        in_review=[summary(r) for r in reviewing],
        other_waiting=[summary(r) for r in late],
        next_round=next_round(now),
    )
