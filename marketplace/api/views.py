"""The read-only JSON API (``/api/v1``): public listings only, CSRF-exempt, GET only."""

from __future__ import annotations

from flask import jsonify, request

from ..catalogue.cursor import InvalidCursor
from ..catalogue.forms import CatalogueArgs
from ..catalogue.queries import search_listings
from ..clock import now
from . import bp
from .services import listing_json


def _error(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


@bp.get("/listings")
def listings():
    """``{"items": [...], "next": cursor|null}``, newest first.

    Query: ``q``, ``category``, ``district``, ``community`` (slugs), ``min_price``,
    ``max_price`` (whole rupiah), ``halal=1``, ``sort`` (``relevance`` with ``q``,
    ``newest``, ``cheapest``, ``dearest``), ``per_page`` (1..100, default 24), ``cursor``
    (the previous answer's ``next``). A cursor we did not make → 400.
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
        return _error(400, "invalid_cursor", "The cursor is not one this API returned.")
    response = jsonify(items=[listing_json(item) for item in page.items], next=page.next)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
