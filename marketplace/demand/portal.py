"""What a community sees of demand: the searches shoppers made (K-anonymous) in the
categories its businesses sell in, and its listings' WhatsApp taps per round."""

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
from .queries import QueryCount, top_queries

DAYS = 30


@dataclass
class CategoryDemand:
    category: Category
    queries: list[QueryCount]


@dataclass
class ListingTaps:
    listing: Listing
    round: Round
    taps: int


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


def community_taps(community_id: int) -> list[ListingTaps]:
    """The community's approved listings with their WhatsApp taps (all days), newest round
    first."""
    rows = db.session.execute(
        sa.select(Listing, Round)
        .join(Round, Listing.round_id == Round.id)
        .where(Listing.community_id == community_id, Listing.status == ListingStatus.APPROVED)
        .order_by(Round.publishes_at.desc(), Listing.title)
    ).all()
    taps = whatsapp_taps([listing.id for listing, _ in rows])
    return [ListingTaps(listing, rnd, taps.get(listing.id, 0)) for listing, rnd in rows]
