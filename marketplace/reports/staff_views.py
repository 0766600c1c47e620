"""The staff "Laporan" queue: reported listings by count and age, dismiss or take down."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import staff_only
from ..clock import now
from ..db import get_by_id
from ..errors import DomainError
from ..extensions import db
from ..listings.models import Listing
from . import bp
from .forms import DismissForm, TakeDownForm
from .services import dismiss_reports, open_queue, take_down_reason, take_down_reported


def staff_view(view):
    """Deny by default: anonymous → login, anyone but staff → 404."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        denied = staff_only()
        return denied if denied is not None else view(*args, **kwargs)

    return wrapper


@bp.route("/staff/laporan")
@staff_view
def queue():
    rows = []
    for listing, reports in open_queue():
        take = TakeDownForm(formdata=None, prefix=f"l{listing.id}")
        take.version.data = listing.version
        take.reason.data = take_down_reason(reports)
        rows.append((listing, reports, take))
    return render_template(
        "reports/queue.html", rows=rows, dismiss_form=DismissForm(), staff_section="reports"
    )


def _listing(listing_id: int) -> Listing:
    listing = get_by_id(Listing, listing_id)
    if listing is None:
        abort(404)
    return listing


@bp.route("/staff/laporan/<int:listing_id>/abaikan", methods=["POST"])
@staff_view
def dismiss(listing_id: int):
    listing = _listing(listing_id)
    if not DismissForm().validate_on_submit():
        abort(400)
    dismiss_reports(listing, actor=current_user._get_current_object(), now=now())
    db.session.commit()
    flash(_("Laporan untuk \"%(title)s\" diabaikan.", title=listing.title), "success")
    return redirect(url_for(".queue"))


@bp.route("/staff/laporan/<int:listing_id>/turunkan", methods=["POST"])
@staff_view
def take_down(listing_id: int):
    listing = _listing(listing_id)
    form = TakeDownForm(prefix=f"l{listing.id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        take_down_reported(
            listing,
            seen_version=form.version.data or 0,
            reason=form.reason.data or "",
            actor=current_user._get_current_object(),
            now=now(),
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".queue"))
    db.session.commit()
    flash(_("\"%(title)s\" diturunkan.", title=listing.title), "success")
    return redirect(url_for(".queue"))
