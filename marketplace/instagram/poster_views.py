"""Printable PDFs for staff (the blueprint's ``require_staff`` guards them): a community's
A4 stand poster and a round's A6 price cards (the kit's listings, in kit order)."""

from __future__ import annotations

from flask import abort, current_app, make_response
from flask_babel import force_locale

from ..auth.models import Community, CommunityStatus
from ..clock import now
from ..extensions import db
from ..rounds.models import Round
from . import bp
from .poster_data import poster_item, stand_poster_for
from .posters import price_cards, stand_poster
from .services import kit_listings, kit_ready


def _pdf(data: bytes, name: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/komunitas/<int:community_id>/poster.pdf")
def stand_poster_pdf(community_id: int):
    """A4: the community's name, a QR code to its page, up to 12 products with codes."""
    community = db.get_or_404(Community, community_id)
    if community.status == CommunityStatus.PENDING:
        abort(404)
    with force_locale("id"):
        data = stand_poster(stand_poster_for(community, now()))
    return _pdf(data, f"poster-{community.slug}.pdf")


@bp.route("/<int:round_id>/kartu-harga.pdf")
def price_cards_pdf(round_id: int):
    """A6 price cards of the round's kit listings, one a page (published rounds only)."""
    rnd = db.get_or_404(Round, round_id)
    if not kit_ready(rnd, now()):
        abort(404)
    with force_locale("id"):
        items = [poster_item(listing) for listing in kit_listings(rnd)]
        data = price_cards(items, current_app.config["SITE_NAME"])
    return _pdf(data, f"kartu-harga-edisi-{rnd.edition or rnd.id}.pdf")
