"""Reads for the staff board "Dicari pembeli": a round's window, its unmet and thin searches
with the trend against the previous round, and the share of searches that found nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..clock import to_wib
from ..extensions import db
from ..rounds.models import Round
from .models import DemandSearch
from .queries import QueryCount, search_totals, top_queries


def window(rnd: Round, now: datetime) -> tuple[date, date]:
    """A round's demand window in WIB dates (inclusive): from its publication to the end of
    its showcase (or today, if sooner)."""
    start = to_wib(rnd.publishes_at).date()
    end = min(to_wib(rnd.showcase_ends_at).date(), to_wib(now).date())
    return start, max(start, end)


def published_rounds(now: datetime) -> list[Round]:
    """Rounds published by ``now``, newest first."""
    return list(
        db.session.execute(
            sa.select(Round).where(Round.publishes_at <= now).order_by(Round.publishes_at.desc())
        ).scalars()
    )


@dataclass
class Row:
    """A visible query on the board: this round's counts and the previous round's
    searches of the same kind (None without a previous round)."""

    now: QueryCount
    before: int | None

    @property
    def trend(self) -> int | None:
        return None if self.before is None else self.now.unmet + self.now.thin - self.before


@dataclass
class Board:
    """The board for one round: ``unmet`` (searches that found nothing, most first),
    ``thin`` (1–5 results), totals and the zero-result share (0–1, None without searches)."""

    round: Round
    since: date
    until: date
    unmet: list[Row]
    thin: list[Row]
    searches: int
    zero: int

    @property
    def zero_share(self) -> float | None:
        return self.zero / self.searches if self.searches else None


def board(
    rnd: Round,
    previous: Round | None,
    now: datetime,
    *,
    category: str | None = None,
    district: str | None = None,
) -> Board:
    """The board of ``rnd`` against ``previous`` (K-anonymous: ``queries.top_queries``)."""
    since, until = window(rnd, now)
    rows = top_queries(since, until, category=category, district=district, limit=200)
    before: dict[str, int] = {}
    if previous is not None:
        p_since, p_until = window(previous, now)
        for q in top_queries(p_since, p_until, category=category, district=district, limit=500):
            before[q.query] = q.unmet + q.thin
    prev = (lambda q: before.get(q, 0)) if previous is not None else (lambda q: None)
    unmet = [Row(q, prev(q.query)) for q in rows if q.unmet]
    thin = sorted(
        (Row(q, prev(q.query)) for q in rows if q.thin and not q.unmet),
        key=lambda r: -r.now.thin,
    )
    searches, zero = search_totals(since, until)
    return Board(rnd, since, until, unmet[:50], thin[:50], searches, zero)


def nearest_category(query: str, since: date, until: date) -> str | None:
    """The category slug shoppers most often chose while searching ``query`` (None when
    they never filtered by one)."""
    return db.session.execute(
        sa.select(DemandSearch.category)
        .where(
            DemandSearch.query == query,
            DemandSearch.category != "",
            DemandSearch.day.between(since, until),
        )
        .group_by(DemandSearch.category)
        .order_by(sa.func.sum(DemandSearch.searches).desc(), DemandSearch.category)
        .limit(1)
    ).scalar()


def top_district(query: str, since: date, until: date) -> str | None:
    """The kecamatan slug most often chosen with ``query`` (None if never)."""
    return db.session.execute(
        sa.select(DemandSearch.district)
        .where(
            DemandSearch.query == query,
            DemandSearch.district != "",
            DemandSearch.day.between(since, until),
        )
        .group_by(DemandSearch.district)
        .order_by(sa.func.sum(DemandSearch.searches).desc(), DemandSearch.district)
        .limit(1)
    ).scalar()
