"""``/api/v1/listings`` (the catalogue's search, filters and cursor) and one listing."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..catalogue.cursor import InvalidCursor
from ..catalogue.forms import CatalogueArgs
from ..catalogue.queries import public_listing, search_listings
from ..clock import now
from . import bp
from .http import error, json_response
from .serializers import listing_json

MAX_ID = 2**31  # ids are 32-bit integer columns (PostgreSQL refuses larger)


def bad_cursor():
    return error(400, "invalid_cursor", _("Cursor ini bukan buatan API ini."))


@bp.get("/listings")
def listings():
    """``{"items": [listing], "next": cursor|null}``: the catalogue's search.

    Query: ``q``, ``category``, ``district``, ``community`` (slugs), ``min_price``,
    ``max_price`` (whole rupiah, typed any way the site accepts), ``halal=1``, ``available=1``
    (no sold-out listings; else they come last), ``sort`` (``relevance`` with ``q``,
    ``newest``, ``cheapest``, ``dearest``), ``per_page`` (1..100, default 24), ``cursor``
    (the previous answer's ``next``). An unreadable number → 400 ``invalid_parameter``; a
    cursor we did not make → 400 ``invalid_cursor``.
    """
    args = CatalogueArgs.from_args(request.args)
    try:
        page = search_listings(
            now(),
            q=args.q,
            after=args.cursor,
            sort=args.sort,
            filters=args.filters,
            per_page=args.per_page,
        )
    except InvalidCursor:
        return bad_cursor()
    return json_response({"items": [listing_json(i) for i in page.items], "next": page.next})


@bp.get("/listings/<int:listing_id>")
def listing(listing_id: int):
    """One public listing with its description and marks; 404 when it is not public."""
    item = public_listing(listing_id, now()) if 0 < listing_id < MAX_ID else None
    if item is None:
        return error(404, "not_found", _("Produk ini tidak ada atau tidak lagi ditampilkan."))
    return json_response(listing_json(item, full=True))
