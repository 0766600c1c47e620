"""The public "Laporkan produk" form: no account, no JavaScript, rate limited per address; an
address's report on one listing counts once a day (``services.first_report_today``)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..catalogue.queries import public_listing
from ..clock import now
from ..errors import InvalidInput
from ..extensions import db, limiter
from ..slugs import slugify
from . import bp
from .forms import ReportForm
from .services import file_report, first_report_today

report_limit = limiter.limit(
    lambda: current_app.config.get("REPORT_RATE_LIMIT", "5 per hour"),
    methods=["POST"],
    key_func=lambda: f"report:{request.remote_addr}",
)


@bp.route("/produk/<int:listing_id>/laporkan", methods=["GET", "POST"])
@report_limit
def report(listing_id: int):
    """GET: the form; POST: count the report, then back to the listing with a thank-you."""
    listing = public_listing(listing_id, now())
    if listing is None:
        abort(404)
    form = ReportForm()
    back = url_for("catalogue.listing", listing_id=listing.id, slug=slugify(listing.title))

    def show(status=200):
        return render_template("reports/report.html", form=form, listing=listing, back=back), status

    if form.validate_on_submit():
        try:
            if first_report_today(request.remote_addr, listing.id):
                file_report(listing, form.reason.data or "", form.note.data or "", now=now())
        except InvalidInput as exc:
            db.session.rollback()
            form.reason.errors = [exc.message] if "alasan" in exc.message.lower() else []
            if not form.reason.errors:
                form.note.errors = [exc.message]
            return show(400)
        db.session.commit()
        flash(_("Terima kasih. Laporan Anda sudah kami terima dan akan diperiksa staf."), "success")
        # Reports may just have hidden the listing: thank the shopper on the catalogue then,
        # not on a "not found" page.
        return redirect(back if listing.hidden_at is None else url_for("catalogue.catalogue"))
    return show(400 if request.method == "POST" else 200)
