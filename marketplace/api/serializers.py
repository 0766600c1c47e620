"""The API's shapes: public records turned into plain dicts, only what the public site shows.

Never here: owners' names, permit numbers, contact phones, drafts, moderation notes. WhatsApp
links point at the counting redirect (``/produk/<id>/whatsapp``), so a tap through the API is
counted like a tap on the site. Needs a request (absolute URLs).
"""

from __future__ import annotations

from datetime import datetime

from ..auth.models import Community
from ..catalogue.urls import (
    absolute,
    absolute_url_for,
    best_variant,
    listing_path_values,
    media_src,
)
from ..clock import now as clock_now
from ..listings.models import Business, Listing, PermitKind
from ..reference.models import Category, District
from ..rounds.models import Round


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def photo_json(image) -> dict | None:
    """``{url, width, height}`` of the w640 WebP variant (or the largest available); pixels."""
    v = best_variant(image)
    if v is None:
        return None
    return {"url": absolute(media_src(v)), "width": v.width, "height": v.height}


def ref_json(item: Category | District) -> dict:
    """``{slug, name}`` of a category or district."""
    return {"slug": item.slug, "name": item.name}


def round_ref(rnd: Round) -> dict:
    """``{id, edition, name}``: how a listing names its round."""
    return {"id": rnd.id, "edition": rnd.edition, "name": rnd.title}


def listing_json(listing: Listing, *, full: bool = False) -> dict:
    """One public listing. ``price`` is whole rupiah or null ("hubungi penjual");
    ``business.whatsapp_url`` is the counting redirect or null (no number); ``stock`` is the
    community's mark (``in_stock``, ``sold_out``, ``preorder``). ``full`` adds
    the description and the halal/P-IRT marks (the detail endpoint)."""
    business = listing.business
    url = absolute_url_for("catalogue.listing", **listing_path_values(listing))
    whatsapp = (
        absolute_url_for("catalogue.whatsapp", listing_id=listing.id)
        if business.whatsapp_digits
        else None
    )
    photos = [photo_json(p.image) for p in listing.photos]
    data = {
        "id": listing.id,
        "title": listing.title,
        "price": listing.price,
        "currency": "IDR",
        "unit": listing.unit,
        "category": ref_json(listing.category),
        "district": ref_json(business.district),
        "business": {"id": business.id, "name": business.name, "whatsapp_url": whatsapp},
        "round": round_ref(listing.round),
        "url": url,
        "photos": [p for p in photos if p is not None],
        "stock": listing.stock.value,
    }
    if full:
        data["description"] = listing.description
        # only checked, unexpired permits of the business (#12), never the listing's own claim
        marks = business.badges(clock_now())
        data["halal"] = PermitKind.HALAL in marks
        data["pirt"] = PermitKind.PIRT in marks
        data["approved_at"] = _iso(listing.approved_at)
    return data


def round_json(rnd: Round) -> dict:
    """A published round: edition, name, times (ISO 8601, UTC) and its public page."""
    return {
        **round_ref(rnd),
        "opens_at": _iso(rnd.opens_at),
        "closes_at": _iso(rnd.closes_at),
        "publishes_at": _iso(rnd.publishes_at),
        "showcase_ends_at": _iso(rnd.showcase_ends_at),
        "url": absolute_url_for("catalogue.round_page", edition=rnd.edition)
        if rnd.edition
        else None,
    }


def community_json(community: Community) -> dict:
    """A public community (verified, or since suspended): no contact person or phone."""
    return {
        "slug": community.slug,
        "name": community.name,
        "district": ref_json(community.district),
        "description": community.description or "",
        "instagram": community.instagram,
        "verified": community.is_verified,
        "url": absolute_url_for("catalogue.community", slug=community.slug),
    }


def business_json(business: Business) -> dict:
    """A business with public listings: no owner's name, no permit numbers (only whether
    staff checked them)."""
    return {
        "id": business.id,
        "name": business.name,
        "district": ref_json(business.district),
        "community": {"slug": business.community.slug, "name": business.community.name},
        "story": business.story or "",
        "instagram": business.instagram,
        "links": {"tokopedia": business.tokopedia_url, "shopee": business.shopee_url},
        # checked and unexpired permits only (#12: Business.badges)
        "checked": {
            kind.value: kind in marks
            for marks in [business.badges(clock_now())]
            for kind in (PermitKind.NIB, PermitKind.HALAL, PermitKind.PIRT)
        },
        "url": absolute_url_for("catalogue.business", business_id=business.id),
    }
