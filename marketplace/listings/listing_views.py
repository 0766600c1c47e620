"""The portal's listing pages: the listing form (new and edit), a listing with its history,
submit and withdraw, and copying or carrying a listing into another round."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..errors import DomainError, StorageFailed, add_errors
from ..extensions import db, limiter
from ..media import sweep as media_sweep
from ..reference.queries import category_choices
from ..reference.units import unit_name
from . import bp, listings
from .access import member_required, own_or_404
from .forms import ActionForm, ListingForm
from .models import Listing, ListingStatus
from .permits import community_marks
from .photos import form_photo_ids, parse_photo_op
from .published import is_public, public_links
from .queries import community_businesses, history_with_lineage, latest_feedback, listing_history
from .state import allowed_actions, can_edit, status_label, transition
from .stock import asks_still_sold, stock_options
from .stock import cutoffs as stock_cutoffs

TEMPLATE = "listings/listing_form.html"


def _listing_form(listing: Listing | None) -> ListingForm:
    form = ListingForm(obj=listing)
    businesses = community_businesses(current_user.community_id)
    form.business_id.choices = [(0, _("— pilih usaha —"))] + [(b.id, b.name) for b in businesses]
    form.category_id.choices = [(0, _("— pilih kategori —"))] + category_choices()
    form.unit.choices = [(u, unit_name(u)) for u in listings.UNITS]
    if request.method == "GET" and listing is not None:
        form.price.data = str(listing.price) if listing.price is not None else ""
    if request.method == "GET" and listing is None and len(businesses) == 1:
        form.business_id.data = businesses[0].id
    return form


def _posted_photo_ids(listing: Listing | None) -> list[int]:
    own = {p.image_id for p in listing.photos} if listing else set()
    return form_photo_ids(request.form, own)


def _form_data(form: ListingForm, listing: Listing | None) -> listings.ListingFormData:
    """The posted listing form, parsed for ``listings.save_listing_form``."""
    return listings.ListingFormData(
        fields=listings.ListingInput(
            business_id=form.business_id.data or 0,
            category_id=form.category_id.data or 0,
            title=form.title.data or "",
            description=form.description.data or "",
            price=form.price.data or "",
            unit=form.unit.data or "pcs",
        ),
        photo_ids=_posted_photo_ids(listing),
        photo_op=parse_photo_op(request.form.get("photo_op")),
        uploads=form.photos.data or [],
        form_key=form.form_key.data,
        submit=request.form.get("action") == "submit",
    )


def _draft_round(listing: Listing | None):
    """The round a new (or draft) listing is kept for when that round is not open yet, so the
    form can say so and offer only "save as draft"; None when it can be submitted now."""
    at = now()
    if listing is None:
        try:
            rnd = listings.target_round(at)
        except DomainError:
            return None
    elif listing.status == ListingStatus.DRAFT:
        rnd = listing.round
    else:
        return None
    return None if rnd.accepts_submissions(at) or rnd.closes_at <= at else rnd


def _show_form(form, listing, photos, photo_errors, status: int = 200):
    return render_template(
        TEMPLATE,
        form=form,
        listing=listing,
        photos=photos,
        photo_errors=photo_errors,
        limits=_limits(),
        draft_round=_draft_round(listing),
        marks=community_marks(community_businesses(current_user.community_id), now()),
    ), status


def _save_listing(listing: Listing | None, into=None):
    """Shared by new and edit: parse, one service call, commit once, then delete the stored
    photos it discarded, and show the form again or go to the listing."""
    form = _listing_form(listing)
    if not form.validate_on_submit():
        if request.method == "POST":
            photos = listings.form_photos(listing, _posted_photo_ids(listing), actor=current_user)
            messages = [_("Sesi formulir kedaluwarsa. Periksa isian lalu kirim lagi.")]
            if any(f.filename for f in request.files.getlist("photos")):
                # Files of a refused post are never processed: say so, not silently drop them.
                messages.append(
                    _("Foto yang baru Anda pilih belum tersimpan: pilih foto itu lagi.")
                )
            return _show_form(form, listing, photos, messages, 400)
        if listing is None:
            form.form_key.data = secrets.token_urlsafe(18)
        photos = listings.form_photos(listing, None, actor=current_user)
        return _show_form(form, listing, photos, [])
    try:
        result = listings.save_listing_form(
            listing, _form_data(form, listing), actor=current_user, now=now(), into=into
        )
        db.session.commit()  # also when not saved: keeps accepted photos (and refusal audit)
    except sa.exc.IntegrityError:
        return _double_tap(form.form_key.data)
    except StorageFailed as exc:
        # Nothing of this post was kept (the stored objects were deleted again, no row was
        # written): the form comes back as typed, with the photos it held before.
        db.session.rollback()
        photos = listings.form_photos(listing, _posted_photo_ids(listing), actor=current_user)
        return _show_form(form, listing, photos, [exc.message], exc.status_code)
    media_sweep.delete_unreferenced_objects(result.discarded)
    if result.existing is not None:
        return redirect(url_for(".listing_detail", listing_id=result.existing.id))
    if not result.saved:
        add_errors(form, result.errors)
        return _show_form(form, listing, result.photos, result.photo_errors, result.status)
    saved = result.listing
    if result.late_notice:
        flash(result.late_notice, "warning")
    elif result.submit_error:
        flash(
            _(
                "Produk tersimpan sebagai draf, tetapi belum diajukan: %(why)s",
                why=result.submit_error,
            ),
            "warning",
        )
    elif saved.status == ListingStatus.SUBMITTED:
        flash(
            _(
                "Produk \"%(t)s\" diajukan ke %(r)s. Anda akan melihat hasil moderasi di sini.",
                t=saved.title,
                r=saved.round.title,
            ),
            "success",
        )
    else:
        flash(_("Produk \"%(t)s\" tersimpan.", t=saved.title), "success")
    return redirect(url_for(".listing_detail", listing_id=saved.id))


def _double_tap(form_key: str | None):
    """Two taps of one new-listing form raced past the form-key check and the unique key
    refused the second: roll back and show the listing the first tap made."""
    db.session.rollback()
    done = listings.listing_for_form_key(form_key, actor=current_user)
    if done is None:
        raise
    return redirect(url_for(".listing_detail", listing_id=done.id))


def _limits() -> dict:
    cfg = current_app.config
    return {
        "photos": cfg["MAX_PHOTOS_PER_LISTING"],
        "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
        "min_side": cfg["MIN_IMAGE_SIDE"],
        "bytes": cfg["MAX_PHOTO_BYTES"],
        "request_bytes": cfg.get("MAX_CONTENT_LENGTH") or 0,
    }


def _uploader_key() -> str:
    return f"upload:{getattr(current_user, 'id', None) or request.remote_addr}"


# Photo uploads per account (SECURITY.md 8): only POSTs that carry files count.
upload_limit = limiter.limit(
    lambda: current_app.config.get("UPLOAD_RATE_LIMIT", "60 per 10 minutes"),
    methods=["POST"],
    key_func=_uploader_key,
    exempt_when=lambda: not any(f.filename for f in request.files.values()),
)


@bp.route("/produk/baru", methods=["GET", "POST"])
@member_required
@upload_limit
def listing_new():
    if not community_businesses(current_user.community_id):
        flash(_("Tambahkan data usaha dulu, lalu produknya."), "info")
        return redirect(url_for(".business_form", lanjut="produk"))
    into = None
    try:
        listings.target_round(now())
    except DomainError as exc:
        # A form posted just after the deadline, with no round scheduled yet: keep it all
        # as a draft of the round it was meant for (the message says so), never lose it.
        into = listings.late_round(now()) if request.method == "POST" else None
        if into is None:
            flash(exc.message, "warning")
            return redirect(url_for(".dashboard"))
    return _save_listing(None, into=into)


@bp.route("/produk/<int:listing_id>")
@member_required
def listing_detail(listing_id: int):
    listing = own_or_404(Listing, listing_id)
    at = now()
    return render_template(
        "listings/listing_detail.html",
        listing=listing,
        now=at,
        history=listing_history(listing.id),
        feedback=latest_feedback([listing.id]).get(listing.id),
        can_edit=can_edit(listing, current_user, at),
        actions=allowed_actions(listing, current_user),
        status_label=status_label,
        action_form=ActionForm(),
        lineage=history_with_lineage(listing)[:-1],
        copy_round=_copy_round(listing, at),
        published=public_links(listing) if is_public(listing, at) else None,
        stock_options=stock_options(),
        asks_still_sold=asks_still_sold(listing, stock_cutoffs(at), at),
    )


def _copy_round(listing: Listing, at):
    """The round a copy (or carry) of this listing would go to, or None."""
    try:
        return listings.copy_target_round(listing, at)
    except DomainError:
        return None


@bp.route("/produk/<int:listing_id>/ubah", methods=["GET", "POST"])
@member_required
@upload_limit
def listing_edit(listing_id: int):
    listing = own_or_404(Listing, listing_id)
    if not can_edit(listing, current_user, now()):
        flash(
            _(
                "Produk ini tidak dapat diubah lagi. Salin ke periode berikutnya bila "
                "ingin mengubahnya."
            ),
            "warning",
        )
        return redirect(url_for(".listing_detail", listing_id=listing.id))
    return _save_listing(listing)


@bp.route("/produk/<int:listing_id>/tarik")
@member_required
def listing_withdraw_confirm(listing_id: int):
    """The confirmation step before withdrawing (one tap must not undo a week's work)."""
    listing = own_or_404(Listing, listing_id)
    if "withdraw" not in allowed_actions(listing, current_user):
        return redirect(url_for(".listing_detail", listing_id=listing.id))
    return render_template(
        "listings/withdraw.html",
        listing=listing,
        action_form=ActionForm(),
        is_public=listing.is_public(now()),
    )


@bp.route("/produk/<int:listing_id>/<any(ajukan, tarik):verb>", methods=["POST"])
@member_required
def listing_action(listing_id: int, verb: str):
    listing = own_or_404(Listing, listing_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if verb == "ajukan":
        action = "resubmit" if listing.status == ListingStatus.CHANGES_REQUESTED else "submit"
    else:
        action = "withdraw"
    try:
        transition(listing, action, actor=current_user, now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".listing_detail", listing_id=listing_id))
    db.session.commit()
    flash(_("Produk diajukan.") if verb == "ajukan" else _("Produk ditarik."), "success")
    return redirect(url_for(".listing_detail", listing_id=listing_id))


@bp.route("/produk/<int:listing_id>/<any(salin, bawa):verb>", methods=["POST"])
@member_required
def listing_copy(listing_id: int, verb: str):
    """salin: copy into the open (else next) round; bawa: carry a changes_requested listing
    into the next round, withdrawing the original."""
    listing = own_or_404(Listing, listing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    fn = listings.copy_listing if verb == "salin" else listings.carry_listing
    try:
        clone = fn(listing, actor=current_user, now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".listing_detail", listing_id=listing_id))
    db.session.commit()
    flash(
        _("Produk disalin ke %(round)s sebagai draf. Periksa lalu ajukan.", round=clone.round.title)
        if verb == "salin"
        else _(
            "Produk dibawa ke %(round)s sebagai draf, dengan riwayatnya. Perbaiki lalu ajukan.",
            round=clone.round.title,
        ),
        "success",
    )
    return redirect(url_for(".listing_detail", listing_id=clone.id))
