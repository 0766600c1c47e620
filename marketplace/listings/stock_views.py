"""The portal's stock marks: set "Tersedia" / "Stok habis" / "Pre-order" on an approved
listing, and answer "masih dijual?" (``listings.stock``)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..errors import DomainError
from ..extensions import db
from ..security import is_safe_next
from . import bp
from .access import member_required, own_or_404
from .forms import ActionForm
from .models import Listing
from .stock import confirm_stock, parse_stock, set_stock, stock_label


def _back(listing_id: int):
    target = request.form.get("next") or ""
    if target and is_safe_next(target):
        return redirect(target)
    return redirect(url_for(".listing_detail", listing_id=listing_id))


@bp.route("/produk/<int:listing_id>/stok", methods=["POST"])
@member_required
def listing_stock(listing_id: int):
    """``stok=in_stock|sold_out|preorder`` sets the mark; ``stok=masih`` answers "masih
    dijual?" with yes (the mark stays)."""
    listing = own_or_404(Listing, listing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = request.form.get("stok", "")
    stock = parse_stock(raw)
    if stock is None and raw != "masih":
        flash(_("Pilih keadaan stok: tersedia, stok habis atau pre-order."), "error")
        return _back(listing_id)
    try:
        if stock is None:
            confirm_stock(listing, actor=current_user, now=now())
        else:
            set_stock(listing, stock, actor=current_user, now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back(listing_id)
    db.session.commit()
    if stock is None:
        flash(_("Terima kasih: produk ditandai masih dijual."), "success")
    else:
        flash(_("Stok ditandai: %(mark)s.", mark=stock_label(stock)), "success")
    return _back(listing_id)
