"""``/api/v1/rounds``: published rounds, and one round with its public listings."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..catalogue.cursor import InvalidCursor, clamp_per_page
from ..catalogue.queries import search_listings
from ..clock import now
from ..rounds.services import published_rounds
from . import bp
from .http import error, json_response
from .listings_views import bad_cursor
from .queries import published_round_by_id
from .serializers import listing_json, round_json


@bp.get("/rounds")
def rounds():
    """``{"items": [round]}``: every published round, newest first (a few dozen a year)."""
    return json_response({"items": [round_json(r) for r in published_rounds(now())]})


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id: int):
    """``{"round": round, "listings": {"items", "next"}}``: a published round and a page of
    its public listings, newest first (``per_page``, ``cursor`` as for ``/listings``)."""
    at = now()
    rnd = published_round_by_id(round_id, at)
    if rnd is None:
        return error(404, "not_found", _("Periode ini tidak ada atau belum terbit."))
    try:
        page = search_listings(
            at,
            round_id=rnd.id,
            after=request.args.get("cursor") or None,
            per_page=clamp_per_page(request.args.get("per_page")),
        )
    except InvalidCursor:
        return bad_cursor()
    return json_response(
        {
            "round": round_json(rnd),
            "listings": {"items": [listing_json(i) for i in page.items], "next": page.next},
        }
    )
