"""The sitemap: absolute URLs of every public page search engines should know."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..auth.models import Community, CommunityStatus
from ..extensions import db
from ..listings.models import Listing
from ..listings.state import public_listing_filter
from ..rounds.models import Round
from ..slugs import slugify
from .pages import filter_choices
from .urls import absolute, absolute_url_for

SITEMAP_MAX_URLS = 50_000


@dataclass
class SitemapUrl:
    loc: str
    lastmod: datetime | None = None


def sitemap_urls(now: datetime) -> list[SitemapUrl]:
    """Absolute URLs of the public pages (the sitemap protocol allows 50,000 per file):
    home, catalogue, each category and district, published rounds, public communities,
    businesses with a public listing, then listings newest first."""
    from flask import url_for

    urls = [
        SitemapUrl(absolute_url_for("catalogue.home")),
        SitemapUrl(absolute_url_for("catalogue.catalogue")),
    ]
    categories, districts = filter_choices()
    urls += [
        SitemapUrl(absolute_url_for("catalogue.catalogue", kategori=c.slug)) for c in categories
    ]
    urls += [
        SitemapUrl(absolute_url_for("catalogue.catalogue", kecamatan=d.slug)) for d in districts
    ]
    rounds = db.session.execute(
        sa.select(Round.edition, Round.publishes_at)
        .where(Round.publishes_at <= now, Round.edition.is_not(None))
        .order_by(Round.publishes_at.desc())
    ).all()
    urls += [
        SitemapUrl(absolute_url_for("catalogue.round_page", edition=e), at) for e, at in rounds
    ]
    communities = db.session.execute(
        sa.select(Community.slug)
        .where(Community.status != CommunityStatus.PENDING)
        .order_by(Community.slug)
    ).scalars()
    urls += [SitemapUrl(absolute_url_for("catalogue.community", slug=s)) for s in communities]
    public = (
        sa.select(Listing.id, Listing.title, Listing.approved_at, Listing.business_id)
        .join(Listing.round)
        .where(public_listing_filter(now))
        .order_by(Listing.approved_at.desc(), Listing.id.desc())
        .limit(SITEMAP_MAX_URLS - len(urls) - 5000)
    )
    rows = db.session.execute(public).all()
    businesses = {}
    for _id, _title, approved, business_id in rows:
        if business_id not in businesses and len(businesses) < 5000:
            businesses[business_id] = approved
    urls += [
        SitemapUrl(absolute_url_for("catalogue.business", business_id=b), at)
        for b, at in businesses.items()
    ]
    base = absolute(url_for("catalogue.listing", listing_id=0, slug="x")).rsplit("/", 1)[0]
    urls += [
        SitemapUrl(f"{base}/{lid}-{slugify(title)}", approved) for lid, title, approved, _b in rows
    ]
    return urls[:SITEMAP_MAX_URLS]
