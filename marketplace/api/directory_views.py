"""``/api/v1`` communities, businesses, categories and districts (public ones only)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..catalogue.cursor import InvalidCursor
from ..catalogue.pages import public_business, public_community
from ..clock import now
from ..reference import queries as reference
from . import bp
from .http import error, json_response
from .listings_views import MAX_ID, bad_cursor
from .queries import public_businesses, public_communities
from .serializers import business_json, community_json, ref_json


@bp.get("/communities")
def communities():
    """``{"items": [community], "next": cursor|null}`` in id order (``per_page``, ``cursor``)."""
    try:
        page = public_communities(request.args.get("cursor"), request.args.get("per_page"))
    except InvalidCursor:
        return bad_cursor()
    return json_response({"items": [community_json(c) for c in page.items], "next": page.next})


@bp.get("/communities/<slug>")
def community(slug: str):
    """One public community; its listings are ``/listings?community=<slug>``."""
    found = public_community(slug)
    if found is None:
        return error(404, "not_found", _("Komunitas ini tidak ada."))
    return json_response(community_json(found))


@bp.get("/businesses")
def businesses():
    """``{"items": [business], "next": cursor|null}``: businesses with public listings, in id
    order; ``community`` (a slug) narrows them."""
    try:
        page = public_businesses(
            now(),
            request.args.get("cursor"),
            request.args.get("per_page"),
            community=(request.args.get("community") or "").strip().lower() or None,
        )
    except InvalidCursor:
        return bad_cursor()
    return json_response({"items": [business_json(b) for b in page.items], "next": page.next})


@bp.get("/businesses/<int:business_id>")
def business(business_id: int):
    """One business with at least one public listing; 404 otherwise."""
    found = public_business(business_id, now()) if 0 < business_id < MAX_ID else None
    if found is None:
        return error(404, "not_found", _("Usaha ini tidak ada atau belum punya produk tayang."))
    return json_response(business_json(found))


@bp.get("/categories")
def categories():
    """``{"items": [{slug, name}]}``: active categories in display order."""
    return json_response({"items": [ref_json(c) for c in reference.categories()]})


@bp.get("/districts")
def districts():
    """``{"items": [{slug, name}]}``: every district (kecamatan) in display order."""
    return json_response({"items": [ref_json(d) for d in reference.districts()]})
