"""What the printed posters show, read from the database: listings as ``PosterItem``, a
community's stand poster, a round's price cards. Reads only."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..auth.models import Community
from ..catalogue.queries import search_listings
from ..catalogue.urls import absolute_url_for
from ..listings.models import Listing
from ..shortlinks.codes import short_code
from ..shortlinks.qr import short_url
from .posters import PosterItem, StandPoster
from .services import load_photo, price_with_unit

STAND_ITEMS = 12


def poster_item(listing: Listing, *, with_photo: bool = True) -> PosterItem:
    """A listing on paper: name, price with unit, its short code and ``/k/<code>`` URL."""
    code = short_code(listing.id)
    return PosterItem(
        title=listing.title,
        price=price_with_unit(listing),
        code=code,
        url=short_url(code),
        business=listing.business.name,
        photo=load_photo(listing) if with_photo else None,
    )


def stand_poster_for(community: Community, now: datetime) -> StandPoster:
    """The community's A4 poster: its newest ``STAND_ITEMS`` public listings at ``now``."""
    page = search_listings(now, community_id=community.id, per_page=STAND_ITEMS)
    return StandPoster(
        site_name=current_app.config["SITE_NAME"],
        community=community.name,
        district=community.district.name,
        url=absolute_url_for("catalogue.community", slug=community.slug),
        items=[poster_item(listing) for listing in page.items],
    )
