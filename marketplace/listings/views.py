"""The community portal: dashboard, businesses, listings (thin views over services)."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import now
from ..errors import DomainError, FormErrors, ImageRejected, InvalidInput
from ..extensions import db
from ..media.models import Image
from ..media.services import read_upload, save_upload
from ..reference.models import Category, District
from ..rounds.services import next_round, open_round
from . import bp, services
from .forms import ActionForm, BusinessForm, ListingForm
from .models import Business, Listing, ListingStatus


def member_required(view):
    """Logged in as a member of a community; staff and others get a 404."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.is_staff or current_user.community_id is None:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


def own_or_404(model, obj_id: int):
    """The record if it belongs to the current user's community, else 404."""
    obj = db.session.get(model, obj_id)
    if obj is None or obj.community_id != current_user.community_id:
        abort(404)
    return obj


def _district_choices():
    return [(d.id, d.name) for d in db.session.execute(
        sa.select(District).order_by(District.sort_order)).scalars()]


def _category_choices():
    return [(c.id, c.name) for c in db.session.execute(
        sa.select(Category).where(Category.is_active).order_by(Category.sort_order)).scalars()]


def _add_errors(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


# --- dashboard -------------------------------------------------------------------------------

@bp.route("/")
@member_required
def dashboard():
    at = now()
    community = current_user.community
    rnd = open_round(at)
    upcoming = next_round(at) if rnd is None else None
    listings = services.community_listings(community.id)
    feedback = services.latest_feedback([l.id for l in listings])
    used = services.slots_used(community.id, rnd.id) if rnd else 0
    return render_template(
        "listings/dashboard.html", community=community, round=rnd, upcoming=upcoming,
        listings=listings, feedback=feedback, used=used, now=at,
        businesses=services.community_businesses(community.id), action_form=ActionForm(),
        status_label=services.status_label, remaining=_remaining(rnd.closes_at - at) if rnd else None)


def _remaining(delta) -> str:
    """A countdown in words: "3 hari 4 jam", "5 jam 10 menit", "12 menit"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s hari %(h)s jam", d=days, h=hours)
    if hours:
        return _("%(h)s jam %(m)s menit", h=hours, m=mins)
    return _("%(m)s menit", m=max(mins, 0))


# --- businesses ------------------------------------------------------------------------------

@bp.route("/usaha")
@member_required
def businesses():
    return render_template("listings/businesses.html",
                           businesses=services.community_businesses(current_user.community_id))


@bp.route("/usaha/baru", methods=["GET", "POST"])
@bp.route("/usaha/<int:business_id>/ubah", methods=["GET", "POST"])
@member_required
def business_form(business_id: int | None = None):
    business = own_or_404(Business, business_id) if business_id else None
    form = BusinessForm(obj=business)
    form.district_id.choices = [(0, _("— pilih kecamatan —"))] + _district_choices()
    if request.method == "GET" and business is None:
        form.district_id.data = current_user.community.district_id
    if form.validate_on_submit():
        data = services.BusinessInput(**{k: getattr(form, k).data or ("" if k != "district_id" else 0)
                                         for k in services.BusinessInput.__dataclass_fields__})
        try:
            saved = services.save_business(business, data, actor=current_user, now=now())
        except FormErrors as exc:
            _add_errors(form, exc.errors)
            return render_template("listings/business_form.html", form=form, business=business), 400
        db.session.commit()
        flash(_("Data usaha %(name)s tersimpan.", name=saved.name), "success")
        return redirect(request.args.get("lanjut") == "produk" and url_for(".listing_new")
                        or url_for(".businesses"))
    return render_template("listings/business_form.html", form=form, business=business)


# --- listings --------------------------------------------------------------------------------

def _listing_form(listing: Listing | None) -> ListingForm:
    form = ListingForm(obj=listing)
    businesses = services.community_businesses(current_user.community_id)
    form.business_id.choices = [(0, _("— pilih usaha —"))] + [(b.id, b.name) for b in businesses]
    form.category_id.choices = [(0, _("— pilih kategori —"))] + _category_choices()
    form.unit.choices = [(u, u) for u in services.UNITS]
    if request.method == "GET" and listing is not None:
        form.price.data = str(listing.price) if listing.price is not None else ""
    if request.method == "GET" and listing is None and len(businesses) == 1:
        form.business_id.data = businesses[0].id
    return form


def _int_list(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


def _upload_photos(form: ListingForm, at) -> tuple[list[Image], list[str]]:
    """Run every uploaded file through the photo pipeline; return accepted images and one
    message per refused file (named by the user's own file name, for them only)."""
    accepted, refused = [], []
    for storage in form.photos.data or []:
        if not getattr(storage, "filename", None):
            continue
        name = storage.filename[-60:]
        try:
            data = read_upload(storage)
            accepted.append(save_upload(data, uploaded_by=current_user, now=at))
        except ImageRejected as exc:
            refused.append(f"{name}: {exc.message}")
    return accepted, refused


def _save_listing(listing: Listing | None):
    """Shared by new and edit: validate, take photos, create/update, maybe submit."""
    at = now()
    form = _listing_form(listing)
    template = "listings/listing_form.html"
    kept = [p.image for p in listing.photos if p.image_id in set(_int_list("keep_photo"))] if listing else []
    pending = services.pending_images(_int_list("pending_image"), actor=current_user)

    def again(errors: dict[str, str], photo_errors: list[str], status: int = 400):
        _add_errors(form, errors)
        db.session.commit()  # keep accepted photos (and refusal audit) for the next try
        return render_template(template, form=form, listing=listing, kept=kept, pending=pending,
                               photo_errors=photo_errors, limits=_limits()), status

    if not form.validate_on_submit():
        if request.method == "POST":
            return again({}, [_("Sesi formulir kedaluwarsa. Periksa isian lalu kirim lagi.")])
        return render_template(template, form=form, listing=listing, kept=kept, pending=pending,
                               photo_errors=[], limits=_limits())
    new_images, photo_errors = _upload_photos(form, at)
    pending = pending + new_images
    photos = kept + pending
    values, errors = services.validate_listing(services.ListingInput(
        business_id=form.business_id.data or 0, category_id=form.category_id.data or 0,
        title=form.title.data or "", description=form.description.data or "",
        price=form.price.data or "", unit=form.unit.data or "pcs",
        is_halal=form.is_halal.data, has_pirt=form.has_pirt.data), actor=current_user)
    limit = current_app.config["MAX_PHOTOS_PER_LISTING"]
    if not photos and not photo_errors:
        photo_errors.append(_("Tambahkan paling sedikit 1 foto produk."))
    if len(photos) > limit:
        photo_errors.append(_("Paling banyak %(n)s foto per produk; hapus %(x)s foto.",
                              n=limit, x=len(photos) - limit))
    if errors or photo_errors:
        return again(errors, photo_errors)
    try:
        if listing is None:
            listing = services.create_listing(values, photos, actor=current_user, now=at)
        else:
            services.update_listing(listing, values, photos, actor=current_user, now=at)
    except InvalidInput as exc:
        return again({}, [exc.message])
    submit_msg = None
    if request.form.get("action") == "submit":
        action = {"draft": "submit", "changes_requested": "resubmit"}.get(listing.status.value)
        if action:
            try:
                with db.session.begin_nested():
                    services.transition(listing, action, actor=current_user, now=at)
            except DomainError as exc:
                submit_msg = exc.message
    db.session.commit()
    if submit_msg:
        flash(_("Produk tersimpan sebagai draf, tetapi belum diajukan: %(why)s", why=submit_msg), "warning")
    elif listing.status == ListingStatus.SUBMITTED:
        flash(_("Produk \"%(t)s\" diajukan ke %(r)s. Anda akan melihat hasil moderasi di sini.",
                t=listing.title, r=listing.round.title), "success")
    else:
        flash(_("Produk \"%(t)s\" tersimpan.", t=listing.title), "success")
    return redirect(url_for(".listing_detail", listing_id=listing.id))


def _limits() -> dict:
    cfg = current_app.config
    return {"photos": cfg["MAX_PHOTOS_PER_LISTING"], "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
            "min_side": cfg["MIN_IMAGE_SIDE"]}


@bp.route("/produk/baru", methods=["GET", "POST"])
@member_required
def listing_new():
    if not services.community_businesses(current_user.community_id):
        flash(_("Tambahkan data usaha dulu, lalu produknya."), "info")
        return redirect(url_for(".business_form", lanjut="produk"))
    try:
        services.target_round(now())
    except DomainError as exc:
        flash(exc.message, "warning")
        return redirect(url_for(".dashboard"))
    return _save_listing(None)


@bp.route("/produk/<int:listing_id>")
@member_required
def listing_detail(listing_id: int):
    listing = own_or_404(Listing, listing_id)
    at = now()
    return render_template(
        "listings/listing_detail.html", listing=listing, now=at,
        history=services.listing_history(listing.id),
        feedback=services.latest_feedback([listing.id]).get(listing.id),
        can_edit=services.can_edit(listing, current_user, at),
        actions=services.allowed_actions(listing, current_user),
        status_label=services.status_label, action_form=ActionForm())


@bp.route("/produk/<int:listing_id>/ubah", methods=["GET", "POST"])
@member_required
def listing_edit(listing_id: int):
    listing = own_or_404(Listing, listing_id)
    if not services.can_edit(listing, current_user, now()):
        flash(_("Produk ini tidak dapat diubah lagi. Salin ke periode berikutnya bila ingin mengubahnya."),
              "warning")
        return redirect(url_for(".listing_detail", listing_id=listing.id))
    return _save_listing(listing)


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
        services.transition(listing, action, actor=current_user, now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".listing_detail", listing_id=listing_id))
    db.session.commit()
    flash(_("Produk diajukan.") if verb == "ajukan" else _("Produk ditarik."), "success")
    return redirect(url_for(".listing_detail", listing_id=listing_id))
