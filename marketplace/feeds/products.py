"""Which public listings go into the product feeds, and each as one plain ``FeedItem``.

Both feeds (Meta's catalogue CSV and Google Merchant's RSS) need a price and a JPEG image of
at least 500 px: a listing without a price, or without a photo, is left out and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ..catalogue.urls import absolute, absolute_url_for, listing_path_values, media_src
from ..extensions import db
from ..listings.models import Listing
from ..listings.state import public_listing_filter
from ..listings.stock import feed_availability

MAX_FEED_ITEMS = 20_000  # far above a city's catalogue; bounds one response
MIN_IMAGE_SIDE = 500  # both platforms refuse smaller images
FEED_VARIANT = "ig1080"  # the 1080 px JPEG made for the Instagram kit


@dataclass
class FeedItem:
    """One listing as the feeds show it. ``price`` is whole rupiah (``"15000 IDR"`` in the
    files); ``image_link``/``additional_images`` are absolute JPEG URLs (≥ 500 px); ``availability``
    follows the stock mark ("in stock", "out of stock", "preorder")."""

    id: str
    title: str
    description: str
    price: int
    link: str
    image_link: str
    brand: str
    category: str
    district: str
    additional_images: list[str] = field(default_factory=list)
    availability: str = "in stock"
    condition: str = "new"


@dataclass
class Feed:
    """Feed items and what was left out: ``skipped_no_price``, ``skipped_no_image``."""

    items: list[FeedItem]
    skipped_no_price: int = 0
    skipped_no_image: int = 0
    updated: datetime | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(text: str, limit: int) -> str:
    """Plain text for a feed: control characters dropped, runs of spaces and line breaks
    made single spaces, cut at ``limit`` characters on a word boundary with "…"."""
    clean = " ".join(_CONTROL.sub("", text or "").split())
    if len(clean) <= limit:
        return clean
    cut = clean[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def _jpeg(image) -> str | None:
    v = image.variant(FEED_VARIANT) if image is not None else None
    if v is None or v.content_type != "image/jpeg" or max(v.width, v.height) < MIN_IMAGE_SIDE:
        return None
    return absolute(media_src(v))


def feed_item(listing: Listing, *, description_limit: int) -> FeedItem | None:
    """The listing as a feed item, or None when it has no usable JPEG. The price must be set
    (the caller leaves priceless listings out). Needs a request or ``SITE_URL``."""
    images = [url for url in (_jpeg(p.image) for p in listing.photos) if url]
    if not images:
        return None
    business = listing.business
    return FeedItem(
        id=str(listing.id),
        title=plain_text(listing.title, 150),
        description=plain_text(listing.description or listing.title, description_limit),
        price=int(listing.price or 0),
        link=absolute_url_for("catalogue.listing", **listing_path_values(listing)),
        image_link=images[0],
        additional_images=images[1:],
        brand=plain_text(business.name, 100),
        category=listing.category.name,
        district=business.district.name,
        availability=feed_availability(listing),
    )


def product_feed(
    now: datetime,
    *,
    round_id: int | None = None,
    community_id: int | None = None,
    description_limit: int = 5000,
) -> Feed:
    """Public listings at ``now`` (newest first, at most ``MAX_FEED_ITEMS``), optionally of
    one round or one community, as feed items; priceless and photo-less ones are counted."""
    stmt = (
        sa.select(Listing)
        .join(Listing.round)
        .join(Listing.business)
        .options(contains_eager(Listing.round), contains_eager(Listing.business))
        .where(public_listing_filter(now))
        .order_by(Listing.approved_at.desc().nulls_last(), Listing.id.desc())
        .limit(MAX_FEED_ITEMS)
    )
    if round_id is not None:
        stmt = stmt.where(Listing.round_id == round_id)
    if community_id is not None:
        stmt = stmt.where(Listing.community_id == community_id)
    feed = Feed(items=[])
    for listing in db.session.execute(stmt).unique().scalars():
        if listing.price is None:
            feed.skipped_no_price += 1
            continue
        item = feed_item(listing, description_limit=description_limit)
        if item is None:
            feed.skipped_no_image += 1
            continue
        feed.items.append(item)
        stamp = listing.approved_at
        if stamp is not None and (feed.updated is None or stamp > feed.updated):
            feed.updated = stamp
    return feed
