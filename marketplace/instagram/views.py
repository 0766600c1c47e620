"""Staff pages for the Instagram kit: the rounds, a round's preview and choice of listings,
each slide as a JPEG, and the whole kit as one ZIP.

The kit (slides, captions, ZIP) is for the agency's Instagram, so it is made in Indonesian
(``force_locale("id")``) whatever language the staff member reads the pages in.

Every route needs staff (anonymous → login, members → 404). Views parse, call
``instagram.services``, commit once and redirect.
"""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import staff_only
from ..clock import now
from ..errors import DomainError
from ..extensions import db
from ..listings.models import Listing, ListingStatus
from ..rounds.models import Round
from ..site_settings import get_settings
from . import bp
from .forms import SelectionForm
from .services import (
    CAPTION_LIMIT,
    build_zip,
    cover_slide,
    kit_folder,
    kit_listings,
    kit_plan,
    kit_ready,
    listing_slide,
    save_selection,
    selection,
)


@bp.before_request
def require_staff():
    """Deny by default: anonymous → login, anyone but staff → 404."""
    return staff_only()


@bp.route("/")
def index():
    at = now()
    rounds = list(
        db.session.execute(
            sa.select(Round).where(Round.closes_at <= at).order_by(Round.publishes_at.desc())
        ).scalars()
    )
    counts = dict(
        db.session.execute(
            sa.select(Listing.round_id, sa.func.count(Listing.id))
            .where(Listing.status == ListingStatus.APPROVED)
            .group_by(Listing.round_id)
        ).all()
    )
    return render_template(
        "instagram/index.html", rows=[(r, counts.get(r.id, 0), kit_ready(r, at)) for r in rounds]
    )


@bp.route("/<int:round_id>")
def kit(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    return _render_kit(rnd, SelectionForm())


def _render_kit(rnd: Round, form: SelectionForm, status: int = 200):
    settings = get_settings()
    rows = selection(rnd, with_photos=False)  # once, for the editor and the captions
    with force_locale("id"):
        posts = kit_plan(rnd, settings, rows=rows)
    return render_template(
        "instagram/kit.html",
        rnd=rnd,
        form=form,
        rows=rows,
        posts=posts,
        ready=kit_ready(rnd, now()),
        caption_limit=CAPTION_LIMIT,
        settings=settings,
    ), status


@bp.route("/<int:round_id>/pilihan", methods=["POST"])
def save(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    form = SelectionForm()
    if not form.validate_on_submit():
        abort(400)
    rows = selection(rnd)
    keyed = []
    for index, row in enumerate(rows):
        raw = (request.form.get(f"posisi-{row.listing.id}") or "").strip()
        position = int(raw) if raw.isdecimal() and len(raw) < 6 else row.position
        keyed.append((position, index, row.listing.id))
    order = [listing_id for _p, _i, listing_id in sorted(keyed)]
    included = {row.listing.id for row in rows if request.form.get(f"masuk-{row.listing.id}")}
    try:
        save_selection(
            rnd, order=order, included=included, actor=current_user._get_current_object(), now=now()
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".kit", round_id=rnd.id))
    db.session.commit()
    flash(
        _("Pilihan kit %(name)s tersimpan: %(n)s produk.", name=rnd.title, n=len(included)),
        "success",
    )
    return redirect(url_for(".kit", round_id=rnd.id))


def _jpeg(data: bytes):
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/<int:round_id>/sampul.jpg")
def cover(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    with force_locale("id"):
        return _jpeg(cover_slide(rnd, kit_listings(rnd)).jpeg())


@bp.route("/<int:round_id>/slide/<int:listing_id>.jpg")
def slide(round_id: int, listing_id: int):
    rnd = db.get_or_404(Round, round_id)
    listing = db.get_or_404(Listing, listing_id)
    if listing.round_id != rnd.id or listing.status != ListingStatus.APPROVED:
        abort(404)
    with force_locale("id"):
        return _jpeg(listing_slide(listing, rnd).jpeg())


@bp.route("/<int:round_id>/kit.zip")
def download(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    if not kit_ready(rnd, now()):
        flash(
            _("%(name)s belum tayang. Kit dapat diunduh setelah periode tayang.", name=rnd.title),
            "warning",
        )
        return redirect(url_for(".kit", round_id=rnd.id))
    if not kit_listings(rnd):
        flash(_("Belum ada produk yang disetujui di %(name)s.", name=rnd.title), "warning")
        return redirect(url_for(".kit", round_id=rnd.id))
    with force_locale("id"):
        data = build_zip(rnd)
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{kit_folder(rnd)}.zip",
        max_age=0,
    )
