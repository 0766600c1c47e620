"""The read-only JSON API's shapes. Queries come from ``catalogue.queries`` (public data
only); this module only turns public listings into plain dicts."""

from __future__ import annotations

from flask import current_app

from ..catalogue.sharing import whatsapp_message, whatsapp_url
from ..catalogue.urls import (
    absolute,
    absolute_url_for,
    best_variant,
    listing_path_values,
    media_src,
)
from ..clock import now
from ..listings.models import Listing


def photo_json(image) -> dict | None:
    """``{url, width, height}`` of the w640 WebP variant (or the largest available)."""
    v = best_variant(image)
    if v is None:
        return None
    return {"url": absolute(media_src(v)), "width": v.width, "height": v.height}


def listing_json(listing: Listing) -> dict:
    """One public listing as the API shows it. Needs a request (absolute URLs)."""
    business = listing.business
    url = absolute_url_for("catalogue.listing", **listing_path_values(listing))
    message = whatsapp_message(listing, url, current_app.config["SITE_NAME"])
    photos = [photo_json(p.image) for p in listing.photos]
    return {
        "id": listing.id,
        "title": listing.title,
        "price": listing.price,
        "unit": listing.unit,
        "category": {"slug": listing.category.slug, "name": listing.category.name},
        "district": {"slug": business.district.slug, "name": business.district.name},
        "business": {"name": business.name, "whatsapp_url": whatsapp_url(business, message)},
        # the checked, unexpired permits only (Business.badges): "halal", "pirt", "nib"
        "badges": [kind.value for kind in business.badges(now())],
        "round": {"id": listing.round.id, "name": listing.round.title},
        "url": url,
        "photos": [p for p in photos if p is not None],
    }
