"""Reads of the demand tables, K-anonymous: a query appears only once at least K distinct
visitors (``DEMAND_K``, default 3) searched it on one day. Visitors of different days
cannot be told apart (the salt changes daily), so days are never added up for K: one
person searching on three days still counts as one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from .models import KIND_SEARCH, DemandSearch, DemandVisitors


@dataclass(frozen=True)
class QueryCount:
    """A visible query with its searches in the period, per result bucket."""

    query: str
    searches: int
    unmet: int  # searches that found nothing
    thin: int  # searches that found 1–5 listings


def k_threshold() -> int:
    return max(1, int(current_app.config.get("DEMAND_K", 3)))


def visible_queries(since: date, until: date, k: int | None = None):
    """A subquery of the normalised queries that K visitors searched on one day between
    ``since`` and ``until`` (WIB dates, inclusive)."""
    k = k_threshold() if k is None else k
    return (
        sa.select(DemandVisitors.query)
        .where(DemandVisitors.day.between(since, until), DemandVisitors.visitors >= k)
        .distinct()
    )


def top_queries(
    since: date,
    until: date,
    *,
    kind: str = KIND_SEARCH,
    category: str | None = None,
    district: str | None = None,
    limit: int = 50,
    k: int | None = None,
) -> list[QueryCount]:
    """Visible queries searched between two WIB dates (inclusive), most unmet first (then
    thin, then all searches); optionally only those filtered by a category or kecamatan
    slug."""
    unmet = sa.func.sum(sa.case((DemandSearch.bucket == "0", DemandSearch.searches), else_=0))
    thin = sa.func.sum(sa.case((DemandSearch.bucket == "1-5", DemandSearch.searches), else_=0))
    total = sa.func.sum(DemandSearch.searches)
    stmt = (
        sa.select(DemandSearch.query, total, unmet, thin)
        .where(
            DemandSearch.day.between(since, until),
            DemandSearch.kind == kind,
            DemandSearch.query.in_(visible_queries(since, until, k)),
        )
        .group_by(DemandSearch.query)
        .order_by(unmet.desc(), thin.desc(), total.desc(), DemandSearch.query)
        .limit(limit)
    )
    if category:
        stmt = stmt.where(DemandSearch.category == category)
    if district:
        stmt = stmt.where(DemandSearch.district == district)
    return [
        QueryCount(q, int(n or 0), int(u or 0), int(t or 0))
        for q, n, u, t in db.session.execute(stmt).all()
    ]


def search_totals(since: date, until: date) -> tuple[int, int]:
    """(all searches, searches that found nothing) between two WIB dates, every query
    included (numbers only, no query shown)."""
    unmet = sa.func.sum(sa.case((DemandSearch.bucket == "0", DemandSearch.searches), else_=0))
    row = db.session.execute(
        sa.select(sa.func.sum(DemandSearch.searches), unmet).where(
            DemandSearch.day.between(since, until), DemandSearch.kind == KIND_SEARCH
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


@dataclass(frozen=True)
class ViewCount:
    """A listing's page views and visitors (each day's distinct visitors, added up: one
    shopper who came back on another day counts again) between two WIB dates."""

    views: int = 0
    visitors: int = 0


def listing_views(listing_ids: list[int], since=None, until=None) -> dict[int, ViewCount]:
    """Views per listing, optionally between two WIB dates (inclusive); listings never
    viewed are absent. Views are a count per listing, so no K threshold applies."""
    from .models import ListingView

    if not listing_ids:
        return {}
    stmt = (
        sa.select(
            ListingView.listing_id,
            sa.func.sum(ListingView.views),
            sa.func.sum(ListingView.visitors),
        )
        .where(ListingView.listing_id.in_(listing_ids))
        .group_by(ListingView.listing_id)
    )
    if since is not None:
        stmt = stmt.where(ListingView.day >= since)
    if until is not None:
        stmt = stmt.where(ListingView.day <= until)
    return {lid: ViewCount(int(v), int(p)) for lid, v, p in db.session.execute(stmt).all()}
