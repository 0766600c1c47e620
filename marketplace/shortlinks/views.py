"""``/k/<code>``: a short code typed from a poster or read from a QR code → the listing."""

from __future__ import annotations

from flask import abort, redirect, url_for

from ..catalogue.queries import public_listing
from ..catalogue.urls import listing_path_values
from ..clock import now
from . import bp
from .codes import listing_id


@bp.get("/k/<code>")
def resolve(code: str):
    """302 to the listing's page when the code names a public listing, else 404."""
    ident = listing_id(code)
    item = public_listing(ident, now()) if ident is not None and ident < 2**31 else None
    if item is None:
        abort(404)
    response = redirect(url_for("catalogue.listing", **listing_path_values(item)), 302)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
