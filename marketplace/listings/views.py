"""The community portal: dashboard, businesses, listings (thin views over services)."""
from __future__ import annotations

import secrets
from functools import wraps

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import now
from ..reference.queries import category_choices, district_choices
from ..errors import DomainError, FormErrors, ImageRejected, InvalidInput, add_errors
from ..auth.services import confirm_password
from ..auth.sessions import is_fresh, mark_fresh
from ..extensions import db, limiter
from ..inputs import parse_phone
from ..media.models import Image
from ..media import sweep as media_sweep
from ..media.services import read_upload, save_upload
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


def _phone_changed(business: Business, typed: str) -> bool:
    try:
        return parse_phone(typed) != business.whatsapp
    except InvalidInput:
        return False  # the save reports the typing error


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
    form.district_id.choices = [(0, _("— pilih kecamatan —"))] + district_choices()
    if request.method == "GET" and business is None:
        form.district_id.data = current_user.community.district_id
    if form.validate_on_submit():
        data = services.BusinessInput(**{k: getattr(form, k).data or ("" if k != "district_id" else 0)
                                         for k in services.BusinessInput.__dataclass_fields__})
        if business is not None and _phone_changed(business, data.whatsapp) and not is_fresh():
            # A changed WhatsApp number redirects every shopper: it needs a fresh login.
            if not confirm_password(current_user, request.form.get("current_password"), now=now()):
                db.session.commit()  # keep the audit entry of a wrong password
                form.whatsapp.errors = [_("Untuk mengganti nomor WhatsApp, masukkan kata sandi Anda "
                                          "di kolom di bawahnya.")]
                return render_template("listings/business_form.html", form=form, business=business,
                                       needs_password=True), 400
            mark_fresh()
        try:
            saved = services.save_business(business, data, actor=current_user, now=now())
        except FormErrors as exc:
            add_errors(form, exc.errors)
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
    form.category_id.choices = [(0, _("— pilih kategori —"))] + category_choices()
    form.unit.choices = [(u, u) for u in services.UNITS]
    if request.method == "GET" and listing is not None:
        form.price.data = str(listing.price) if listing.price is not None else ""
    if request.method == "GET" and listing is None and len(businesses) == 1:
        form.business_id.data = businesses[0].id
    return form


def _int_list(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit() and len(v) < 12]


def _form_photos(listing: Listing | None) -> list[Image]:
    """The photos the form holds, in order (the first is the cover).

    On GET: the listing's photos. On POST: the ids in ``photo_order`` ("12,5,7", one
    hidden field the photo buttons and upload.js keep up to date; present but empty
    means "all removed"), or the older ``keep_photo`` + ``pending_image`` fields. An id
    counts only if it is one of the listing's own photos or a photo the current user
    uploaded in an earlier attempt that no listing uses yet; anything else is ignored."""
    own = {p.image_id: p.image for p in listing.photos} if listing else {}
    if request.method != "POST":
        return list(own.values())
    if "photo_order" in request.form:
        ids = [int(v) for v in request.form["photo_order"].split(",")[:20]
               if v.strip().isdigit() and len(v.strip()) < 12]
    else:
        ids = [i for i in _int_list("keep_photo") if i in own] + _int_list("pending_image")
    ids = list(dict.fromkeys(ids))[:20]
    pending = {img.id: img for img in services.pending_images(
        [i for i in ids if i not in own], actor=current_user)}
    return [own.get(i) or pending[i] for i in ids if i in own or i in pending]


def _photo_op(photos: list[Image]) -> tuple[str, Image | None] | None:
    """The photo button pressed (``photo_op`` = ``add:0``, ``up:ID``, ``down:ID``,
    ``cover:ID`` or ``remove:ID``) and its photo, if the ID is one of ``photos``."""
    verb, _sep, raw = (request.form.get("photo_op") or "").partition(":")
    if verb == "add":
        return ("add", None)
    if verb not in ("up", "down", "cover", "remove") or not raw.isdigit() or len(raw) > 11:
        return None
    image = next((img for img in photos if img.id == int(raw)), None)
    return (verb, image) if image is not None else None


def _apply_photo_op(photos: list[Image], verb: str, image: Image | None) -> list[Image]:
    photos = list(photos)
    if image is None:
        return photos
    i = photos.index(image)
    if verb == "remove":
        photos.pop(i)
    elif verb == "cover":
        photos.insert(0, photos.pop(i))
    elif verb == "up" and i > 0:
        photos[i - 1], photos[i] = photos[i], photos[i - 1]
    elif verb == "down" and i < len(photos) - 1:
        photos[i + 1], photos[i] = photos[i], photos[i + 1]
    return photos


def _upload_photos(form: ListingForm, at, room: int) -> tuple[list[Image], list[str]]:
    """Run the uploaded files through the photo pipeline, at most ``room`` of them; return
    the accepted images and one message per refused file (named by the user's own file
    name, shown only to them). Files past ``room`` are not processed and say so."""
    accepted, refused = [], []
    limit = current_app.config["MAX_PHOTOS_PER_LISTING"]
    for storage in form.photos.data or []:
        if not getattr(storage, "filename", None):
            continue
        name = storage.filename[-60:]
        if len(accepted) >= room:
            refused.append(_("%(name)s: tidak diproses, sudah ada %(n)s foto (paling banyak %(n)s). "
                             "Hapus foto lain dulu bila ingin menggantinya.", name=name, n=limit))
            continue
        try:
            data = read_upload(storage)
            accepted.append(save_upload(data, uploaded_by=current_user, now=at))
        except ImageRejected as exc:
            refused.append(f"{name}: {exc.message}")
    return accepted, refused


def _save_listing(listing: Listing | None):
    """Shared by new and edit: validate, take photos, arrange them, create/update, maybe
    submit. A photo button (up, down, cover, remove) re-shows the form with the photos
    rearranged and nothing else saved; files chosen meanwhile are accepted all the same."""
    at = now()
    form = _listing_form(listing)
    template = "listings/listing_form.html"
    photos = _form_photos(listing)
    limit = current_app.config["MAX_PHOTOS_PER_LISTING"]
    discarded: list[str] = []  # storage keys to delete once the commit is done

    def show(photo_errors: list[str], status: int, errors: dict[str, str] | None = None):
        add_errors(form, errors or {})
        db.session.commit()  # keep accepted photos (and refusal audit) for the next try
        media_sweep.delete_unreferenced_objects(discarded)
        return render_template(template, form=form, listing=listing, photos=photos,
                               photo_errors=photo_errors, limits=_limits()), status

    if not form.validate_on_submit():
        if request.method == "POST":
            return show([_("Sesi formulir kedaluwarsa. Periksa isian lalu kirim lagi.")], 400)
        if listing is None:
            form.form_key.data = secrets.token_urlsafe(18)
        return render_template(template, form=form, listing=listing, photos=photos,
                               photo_errors=[], limits=_limits())
    if listing is None:
        done = services.listing_for_form_key(form.form_key.data, actor=current_user)
        if done is not None:  # a double tap: the first tap already made it
            return redirect(url_for(".listing_detail", listing_id=done.id))
    op = _photo_op(photos)
    if op is not None:
        photos = _apply_photo_op(photos, *op)
        verb, image = op
        if verb == "remove" and (listing is None or image.id not in {p.image_id for p in listing.photos}):
            # A photo uploaded in this form and taken out again: nothing else can use it.
            discarded = media_sweep.discard_images([image.id])
    new_images, photo_errors = _upload_photos(form, at, room=max(limit - len(photos), 0))
    photos = photos + new_images
    if op is not None:
        return show(photo_errors, 400 if photo_errors else 200)
    values, errors = services.validate_listing(services.ListingInput(
        business_id=form.business_id.data or 0, category_id=form.category_id.data or 0,
        title=form.title.data or "", description=form.description.data or "",
        price=form.price.data or "", unit=form.unit.data or "pcs",
        is_halal=form.is_halal.data, has_pirt=form.has_pirt.data), actor=current_user)
    if not photos and not photo_errors:
        photo_errors.append(_("Tambahkan paling sedikit 1 foto produk."))
    if len(photos) > limit:
        photo_errors.append(_("Paling banyak %(n)s foto per produk; hapus %(x)s foto.",
                              n=limit, x=len(photos) - limit))
    if errors or photo_errors:
        return show(photo_errors, 400, errors)
    before = [p.image_id for p in listing.photos] if listing else []
    try:
        if listing is None:
            listing = services.create_listing(values, photos, actor=current_user, now=at,
                                              form_key=form.form_key.data or None)
        else:
            services.update_listing(listing, values, photos, actor=current_user, now=at)
    except InvalidInput as exc:
        return show([exc.message], 400)
    except sa.exc.IntegrityError:
        return _double_tap(form.form_key.data)
    # Photos taken off the listing: their rows go in this commit when nothing else uses
    # them, their stored files only after it.
    discarded = media_sweep.discard_images(set(before) - {img.id for img in photos})
    submit_msg = None
    if request.form.get("action") == "submit":
        action = {"draft": "submit", "changes_requested": "resubmit"}.get(listing.status.value)
        if action:
            try:
                with db.session.begin_nested():
                    services.transition(listing, action, actor=current_user, now=at)
            except DomainError as exc:
                submit_msg = exc.message
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        return _double_tap(form.form_key.data)
    media_sweep.delete_unreferenced_objects(discarded)
    if submit_msg:
        flash(_("Produk tersimpan sebagai draf, tetapi belum diajukan: %(why)s", why=submit_msg), "warning")
    elif listing.status == ListingStatus.SUBMITTED:
        flash(_("Produk \"%(t)s\" diajukan ke %(r)s. Anda akan melihat hasil moderasi di sini.",
                t=listing.title, r=listing.round.title), "success")
    else:
        flash(_("Produk \"%(t)s\" tersimpan.", t=listing.title), "success")
    return redirect(url_for(".listing_detail", listing_id=listing.id))


def _double_tap(form_key: str | None):
    """Two taps of one new-listing form raced past the form-key check and the unique key
    refused the second: roll back and show the listing the first tap made."""
    db.session.rollback()
    done = services.listing_for_form_key(form_key, actor=current_user)
    if done is None:
        raise
    return redirect(url_for(".listing_detail", listing_id=done.id))


def _limits() -> dict:
    cfg = current_app.config
    return {"photos": cfg["MAX_PHOTOS_PER_LISTING"], "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
            "min_side": cfg["MIN_IMAGE_SIDE"], "bytes": cfg["MAX_PHOTO_BYTES"],
            "request_bytes": cfg.get("MAX_CONTENT_LENGTH") or 0}


def _uploader_key() -> str:
    return f"upload:{getattr(current_user, 'id', None) or request.remote_addr}"


# Photo uploads per account (SECURITY.md 8): only POSTs that carry files count.
upload_limit = limiter.limit(lambda: current_app.config.get("UPLOAD_RATE_LIMIT", "60 per 10 minutes"),
                             methods=["POST"], key_func=_uploader_key,
                             exempt_when=lambda: not any(f.filename for f in request.files.values()))


@bp.route("/produk/baru", methods=["GET", "POST"])
@member_required
@upload_limit
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
        status_label=services.status_label, action_form=ActionForm(),
        lineage=services.history_with_lineage(listing)[:-1], copy_round=_copy_round(listing, at))


def _copy_round(listing: Listing, at):
    """The round a copy (or carry) of this listing would go to, or None."""
    try:
        return services.copy_target_round(listing, at)
    except DomainError:
        return None


@bp.route("/produk/<int:listing_id>/ubah", methods=["GET", "POST"])
@member_required
@upload_limit
def listing_edit(listing_id: int):
    listing = own_or_404(Listing, listing_id)
    if not services.can_edit(listing, current_user, now()):
        flash(_("Produk ini tidak dapat diubah lagi. Salin ke periode berikutnya bila ingin mengubahnya."),
              "warning")
        return redirect(url_for(".listing_detail", listing_id=listing.id))
    return _save_listing(listing)


@bp.route("/produk/<int:listing_id>/tarik")
@member_required
def listing_withdraw_confirm(listing_id: int):
    """The confirmation step before withdrawing (one tap must not undo a week's work)."""
    listing = own_or_404(Listing, listing_id)
    if "withdraw" not in services.allowed_actions(listing, current_user):
        return redirect(url_for(".listing_detail", listing_id=listing.id))
    return render_template("listings/withdraw.html", listing=listing, action_form=ActionForm(),
                           is_public=listing.is_public(now()))


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
