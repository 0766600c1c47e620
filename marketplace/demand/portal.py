"""What a community sees of demand: the searches shoppers made (K-anonymous) in the
categories its businesses sell in, and its listings' page views and WhatsApp taps, round by
round (the current one first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..catalogue.taps import whatsapp_taps
from ..clock import to_wib
from ..extensions import db
from ..listings.models import Listing, ListingStatus
from ..reference.models import Category
from ..rounds.models import Round
from .queries import QueryCount, ViewCount, listing_views, top_queries

DAYS = 30


@dataclass
class CategoryDemand:
    category: Category
    queries: list[QueryCount]


@dataclass
class ListingReach:
    """One public listing's page views (``ViewCount``) and WhatsApp taps, all days."""

    listing: Listing
    taps: int
    views: ViewCount


@dataclass
class RoundReach:
    """A round's listings of one community with their reach."""

    round: Round
    listings: list[ListingReach]


def selling_categories(community_id: int) -> list[Category]:
    """Categories the community has approved listings in, by name."""
    ids = sa.select(Listing.category_id).where(
        Listing.community_id == community_id, Listing.status == ListingStatus.APPROVED
    )
    return list(
        db.session.execute(
            sa.select(Category).where(Category.id.in_(ids)).order_by(Category.name)
        ).scalars()
    )


def community_demand(community_id: int, now: datetime) -> tuple[date, list[CategoryDemand]]:
    """(first day, per selling category its visible searches of the last 30 WIB days, most
    unmet first): only searches made with that category chosen, K-anonymous."""
    today = to_wib(now).date()
    since = today - timedelta(days=DAYS - 1)
    out = [
        CategoryDemand(c, top_queries(since, today, category=c.slug, limit=10))
        for c in selling_categories(community_id)
    ]
    return since, out


def community_reach(community_id: int) -> list[RoundReach]:
    """The community's approved listings with their views and WhatsApp taps (all days),
    grouped by round, newest round first (so the current round leads, then past ones)."""
    rows = db.session.execute(
        sa.select(Listing, Round)
        .join(Round, Listing.round_id == Round.id)
        .where(Listing.community_id == community_id, Listing.status == ListingStatus.APPROVED)
        .order_by(Round.publishes_at.desc(), Round.id.desc(), Listing.title, Listing.id)
    ).all()
    ids = [listing.id for listing, _ in rows]
    taps, views = whatsapp_taps(ids), listing_views(ids)
    out: list[RoundReach] = []
    for listing, rnd in rows:
        if not out or out[-1].round.id != rnd.id:
            out.append(RoundReach(rnd, []))
        out[-1].listings.append(
            ListingReach(listing, taps.get(listing.id, 0), views.get(listing.id, ViewCount()))
        )
    return out
