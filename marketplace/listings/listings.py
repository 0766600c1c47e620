"""Writing listings: validate the form, create, update, copy into another round, carry a
listing sent back for changes, and the one use case that saves the listing form."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import audit
from ..auth.models import Role, User
from ..db import get_by_id
from ..errors import (
    DomainError,
    ImageRejected,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    RoundClosed,
)
from ..extensions import db
from ..formatting import deadline, wib
from ..inputs import clean_text, parse_price
from ..media import sweep as media_sweep
from ..media.models import Image
from ..media.services import (
    PreparedUpload,
    add_upload,
    forget_stored,
    prepare_upload,
    read_upload,
    record_rejection,
)
from ..reference.models import Category
from ..rounds.models import Round
from ..rounds.services import next_round, open_round
from .models import ACTIONS, Business, Listing, ListingStatus, Photo
from .photos import apply_photo_op, photo_count_errors
from .state import can_edit, check_actor, flush_listing, run_submitted_hooks, transition

S = ListingStatus


@dataclass
class ListingInput:
    """What the listing form sends, as typed. ``price`` is the raw text (``15rb``…)."""

    business_id: int
    category_id: int
    title: str
    description: str
    price: str
    unit: str = "pcs"
    is_halal: bool = False
    has_pirt: bool = False


UNITS = (
    "pcs",
    "pack",
    "box",
    "botol",
    "kg",
    "gram",
    "liter",
    "porsi",
    "set",
    "lusin",
    "meter",
    "jasa",
)


def validate_listing(data: ListingInput, *, actor: User) -> tuple[dict, dict[str, str]]:
    """Parse the form's fields → (clean values, errors by field). Raises nothing."""
    values: dict = {}
    errors: dict[str, str] = {}

    def take(field, fn):
        try:
            values[field] = fn()
        except InvalidInput as exc:
            errors[field] = exc.message

    take(
        "title",
        lambda: clean_text(data.title, max_length=80, field=_("Nama produk"), required=True),
    )
    take(
        "description",
        lambda: clean_text(data.description, max_length=2000, field=_("Deskripsi"), multiline=True),
    )
    take("price", lambda: parse_price(data.price))
    values["unit"] = data.unit if data.unit in UNITS else "pcs"
    values["is_halal"], values["has_pirt"] = bool(data.is_halal), bool(data.has_pirt)
    business = get_by_id(Business, data.business_id)
    if business is None or business.community_id != actor.community_id:
        errors["business_id"] = _("Pilih usaha.")
    else:
        values["business"] = business
    category = get_by_id(Category, data.category_id)
    if category is None or not category.is_active:
        errors["category_id"] = _("Pilih kategori.")
    else:
        values["category"] = category
    return values, errors


def target_round(now: datetime) -> Round:
    """The round a new listing goes into: the open one, else the next scheduled one.

    Raises RoundClosed when there is neither.
    """
    rnd = open_round(now) or next_round(now)
    if rnd is None:
        raise RoundClosed(_("Belum ada periode promosi yang dibuka atau dijadwalkan."))
    return rnd


def late_round(now: datetime) -> Round | None:
    """The round whose deadline passed most recently and that is not published yet (what a
    form posted just after the deadline was meant for), or None."""
    return db.session.execute(
        sa.select(Round)
        .where(Round.closes_at <= now, Round.publishes_at > now)
        .order_by(Round.closes_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def late_notice(missed: Round, saved_in: Round) -> str:
    """The plain message for a listing form posted after ``missed``'s deadline and kept as a
    draft in ``saved_in`` (the next round, or ``missed`` itself when none is scheduled)."""
    if saved_in.id != missed.id:
        return _(
            "Batas waktu %(name)s sudah lewat (%(at)s), jadi produk ini belum diajukan. "
            "Semua isian tersimpan sebagai draf untuk %(next)s: ajukan antara %(opens)s "
            "dan %(closes)s.",
            name=missed.title,
            at=wib(missed.closes_at),
            next=saved_in.title,
            opens=wib(saved_in.opens_at),
            closes=deadline(saved_in.closes_at),
        )
    return _(
        "Batas waktu %(name)s sudah lewat (%(at)s), jadi produk ini belum diajukan. Semua "
        "isian tersimpan sebagai draf; periode berikutnya belum dijadwalkan, dan tanggalnya "
        "akan tampil di beranda portal.",
        name=missed.title,
        at=wib(missed.closes_at),
    )


def create_listing(
    values: dict,
    images: Iterable[Image],
    *,
    actor: User,
    now: datetime,
    rnd: Round | None = None,
    form_key: str | None = None,
) -> Listing:
    """Create a draft in ``rnd`` (default: ``target_round(now)``) with the photos in order.

    ``values`` comes from ``validate_listing``. ``form_key`` is the new-listing form's
    one-time key (unique: a second listing with the same key fails at flush/commit with an
    IntegrityError; see ``listing_for_form_key``). Raises RoundClosed or InvalidInput.
    """
    if actor.role != Role.MEMBER or actor.community is None:
        raise NotAllowed()
    rnd = rnd or target_round(now)
    images = list(images)
    _check_photo_count(len(images))
    business: Business = values["business"]
    listing = Listing(
        business=business,
        community_id=business.community_id,
        round=rnd,
        category=values["category"],
        title=values["title"],
        description=values["description"],
        price=values["price"],
        unit=values["unit"],
        is_halal=values["is_halal"],
        has_pirt=values["has_pirt"],
        status=S.DRAFT,
        version=1,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        form_key=form_key,
    )
    listing.photos = [Photo(image=img, position=i) for i, img in enumerate(images)]
    db.session.add(listing)
    db.session.flush()
    audit.record(
        ACTIONS["create"].code,
        actor=actor,
        object_type="listing",
        object_id=listing.id,
        community_id=listing.community_id,
        to_state=S.DRAFT.value,
        at=now,
        details={"version": 1, "photos": len(images)},
    )
    return listing


FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


def listing_for_form_key(form_key: str | None, *, actor: User) -> Listing | None:
    """The listing the actor's community already created from this form (a double tap or a
    resent request), or None. Keys of another format are ignored."""
    if not form_key or not FORM_KEY_RE.match(form_key) or actor.community_id is None:
        return None
    return db.session.execute(
        sa.select(Listing).where(
            Listing.form_key == form_key, Listing.community_id == actor.community_id
        )
    ).scalar_one_or_none()


def update_listing(
    listing: Listing, values: dict, photos: list[Image], *, actor: User, now: datetime
) -> Listing:
    """Edit a listing the actor may edit (see ``can_edit``); ``photos`` is the new ordered
    list (kept and new images). Bumps the version so a moderator's open view goes stale."""
    if not can_edit(listing, actor, now):
        raise NotAllowed(_("Produk ini tidak dapat diubah lagi."))
    _check_photo_count(len(photos))
    business: Business = values["business"]
    listing.business, listing.community_id = business, business.community_id
    listing.category = values["category"]
    for name in ("title", "description", "price", "unit", "is_halal", "has_pirt"):
        setattr(listing, name, values[name])
    current = {p.image_id: p for p in listing.photos}
    new_photos = []
    for i, img in enumerate(photos):
        photo = current.pop(img.id, None) or Photo(image=img)
        photo.position = i
        new_photos.append(photo)
    listing.photos = new_photos
    listing.version += 1
    listing.updated_at = now
    flush_listing()
    audit.record(
        ACTIONS["update"].code,
        actor=actor,
        object_type="listing",
        object_id=listing.id,
        community_id=listing.community_id,
        from_state=listing.status.value,
        to_state=listing.status.value,
        at=now,
        details={"version": listing.version, "photos": len(photos)},
    )
    if listing.status == S.SUBMITTED:  # edited while waiting: the pre-checks run again
        run_submitted_hooks(listing, now)
    return listing


def _check_photo_count(n: int) -> None:
    limit = current_app.config["MAX_PHOTOS_PER_LISTING"]
    if n < 1:
        raise InvalidInput(_("Tambahkan paling sedikit 1 foto produk."))
    if n > limit:
        raise InvalidInput(_("Paling banyak %(n)s foto per produk.", n=limit))


def pending_images(image_ids: list[int], *, actor: User) -> list[Image]:
    """Images the actor uploaded in an earlier, refused attempt of the form and that no
    listing uses yet (ids from hidden fields: never trusted beyond that)."""
    if not image_ids:
        return []
    used = sa.select(Photo.image_id)
    rows = (
        db.session.execute(
            sa.select(Image).where(
                Image.id.in_(image_ids[:20]),
                Image.uploaded_by_id == actor.id,
                Image.id.not_in(used),
            )
        )
        .scalars()
        .all()
    )
    by_id = {img.id: img for img in rows}
    return [by_id[i] for i in dict.fromkeys(image_ids) if i in by_id]


# --- after the decision: copy a past listing, carry one sent back for changes -------------------


def _clone(source: Listing, rnd: Round, *, actor: User, now: datetime) -> Listing:
    clone = Listing(
        business=source.business,
        community_id=source.community_id,
        round=rnd,
        category=source.category,
        title=source.title,
        description=source.description,
        price=source.price,
        unit=source.unit,
        is_halal=source.is_halal,
        has_pirt=source.has_pirt,
        status=S.DRAFT,
        version=1,
        copied_from_id=source.id,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    clone.photos = [Photo(image_id=p.image_id, position=p.position) for p in source.photos]
    db.session.add(clone)
    db.session.flush()
    return clone


def copy_target_round(listing: Listing, now: datetime) -> Round:
    """Where a copy of ``listing`` goes: the open round, else the next scheduled one; its own
    round only when the community withdrew it and that round is still open (to start over).
    Raises RoundClosed when there is none."""
    rnd = open_round(now)
    if rnd is None or (rnd.id == listing.round_id and listing.status != S.WITHDRAWN):
        upcoming = next_round(now)
        rnd = upcoming if upcoming is not None and upcoming.id != listing.round_id else None
    if rnd is None:
        raise RoundClosed(
            _("Belum ada periode lain yang dibuka atau dijadwalkan untuk produk ini.")
        )
    return rnd


def copy_listing(listing: Listing, *, actor: User, now: datetime) -> Listing:
    """Copy a listing of the actor's community (any status but draft) into the open round
    (else the next scheduled one) as a new draft with the same photos. The original is
    untouched. Raises NotAllowed, InvalidTransition or RoundClosed."""
    check_actor(ACTIONS["copy"], listing, actor)
    if listing.status not in ACTIONS["copy"].froms:  # a draft
        raise InvalidTransition(_("Draf bisa langsung diubah; tidak perlu disalin."))
    rnd = copy_target_round(listing, now)
    clone = _clone(listing, rnd, actor=actor, now=now)
    audit.record(
        ACTIONS["copy"].code,
        actor=actor,
        object_type="listing",
        object_id=clone.id,
        community_id=clone.community_id,
        to_state=S.DRAFT.value,
        at=now,
        details={"version": 1, "copied_from": listing.id, "round_id": rnd.id},
    )
    return clone


def carry_listing(listing: Listing, *, actor: User, now: datetime) -> Listing:
    """Carry a listing sent back for changes into the next round: a new draft there (same
    content and photos, ``copied_from`` the original, whose history it shows) and the
    original withdrawn so its slot is free. Raises NotAllowed, InvalidTransition, RoundClosed."""
    check_actor(ACTIONS["carry"], listing, actor)
    if listing.status not in ACTIONS["carry"].froms:
        raise InvalidTransition(
            _("Hanya produk yang perlu perbaikan yang dapat dibawa ke periode berikutnya.")
        )
    rnd = copy_target_round(listing, now)
    clone = _clone(listing, rnd, actor=actor, now=now)
    transition(
        listing,
        "withdraw",
        actor=actor,
        now=now,
        note=_("Dibawa ke %(round)s", round=rnd.title),
        details={"carried_to": clone.id},
    )
    audit.record(
        ACTIONS["carry"].code,
        actor=actor,
        object_type="listing",
        object_id=clone.id,
        community_id=clone.community_id,
        to_state=S.DRAFT.value,
        at=now,
        details={"version": 1, "copied_from": listing.id, "round_id": rnd.id},
    )
    return clone


# --- the listing form, as one use case ----------------------------------------------------------


def form_photos(
    listing: Listing | None, photo_ids: list[int] | None, *, actor: User
) -> list[Image]:
    """The photos the form holds, in order (the first is the cover).

    ``photo_ids`` None (a GET): the listing's photos. Otherwise the posted ids (see
    ``photos.form_photo_ids``): an id counts only if it is one of the listing's own photos
    or an image ``actor`` uploaded in an earlier attempt that no listing uses yet."""
    own = {p.image_id: p.image for p in listing.photos} if listing else {}
    if photo_ids is None:
        return list(own.values())
    pending = {
        img.id: img for img in pending_images([i for i in photo_ids if i not in own], actor=actor)
    }
    return [own.get(i) or pending[i] for i in photo_ids if i in own or i in pending]


@dataclass
class ListingFormData:
    """The listing form as posted, parsed by the view (nothing here is trusted yet)."""

    fields: ListingInput
    photo_ids: list[int]  # the form's photo order, from ``photos.form_photo_ids``
    photo_op: tuple[str, int | None] | None = None  # a photo button, ``photos.parse_photo_op``
    uploads: list = field(default_factory=list)  # werkzeug FileStorage objects
    form_key: str | None = None  # the new-listing form's one-time key
    submit: bool = False  # "save and submit" rather than "save"


@dataclass
class SaveResult:
    """What saving the listing form came to.

    ``saved``: the listing was created or updated (``listing``); ``submit_error`` says why the
    submit that was asked for did not happen (the listing is saved all the same). Not saved:
    ``existing`` is the listing an earlier tap of the same new-listing form made (show it),
    else the form is shown again with ``photos``, ``errors`` (field → message) and
    ``photo_errors``, answered with ``status``. ``discarded`` are storage keys to delete
    once the commit is done (``media.sweep.delete_unreferenced_objects``).
    """

    listing: Listing | None = None
    photos: list[Image] = field(default_factory=list)
    saved: bool = False
    existing: Listing | None = None
    errors: dict[str, str] = field(default_factory=dict)
    photo_errors: list[str] = field(default_factory=list)
    submit_error: str | None = None
    discarded: list[str] = field(default_factory=list)
    status: int = 200
    late_notice: str | None = None  # a new listing posted after the deadline: why it is a draft


def _prepare_uploads(
    uploads, *, room: int, limit: int
) -> tuple[list[PreparedUpload], list[str], list[tuple[ImageRejected, int]]]:
    """Run the uploaded files through the photo pipeline and into storage, at most ``room``
    of them, touching no database (so no write transaction is open while photos decode).

    Returns the prepared uploads, one message per refused file (named by the user's own
    file name, shown only to them) and the refusals to audit with their sizes. Files past
    ``room`` are not processed and say so. Raises StorageFailed when storage fails, after
    deleting every object this call wrote (nothing half-written)."""
    prepared: list[PreparedUpload] = []
    refused: list[str] = []
    rejections: list[tuple[ImageRejected, int]] = []
    try:
        for storage in uploads or []:
            if not getattr(storage, "filename", None):
                continue
            name = storage.filename[-60:]
            if len(prepared) >= room:
                refused.append(
                    _(
                        "%(name)s: tidak diproses, sudah ada %(n)s foto (paling banyak %(n)s). "
                        "Hapus foto lain dulu bila ingin menggantinya.",
                        name=name,
                        n=limit,
                    )
                )
                continue
            data = b""
            try:
                data = read_upload(storage)
                prepared.append(prepare_upload(data))
            except ImageRejected as exc:
                refused.append(f"{name}: {exc.message}")
                rejections.append((exc, len(data)))
    except BaseException:
        forget_stored([key for p in prepared for key in p.written])
        raise
    return prepared, refused, rejections


def save_listing_form(
    listing: Listing | None,
    form: ListingFormData,
    *,
    actor: User,
    now: datetime,
    into: Round | None = None,
) -> SaveResult:
    """Save the new-listing (``listing`` None) or edit form: take the uploaded photos,
    arrange them, validate, create or update, and submit (or resubmit) when asked.

    Uploaded photos are decoded and stored before the first row is written (on SQLite a
    write transaction holds the database's one write lock: it must stay milliseconds
    long); raises StorageFailed, with nothing written anywhere, when storage fails.

    A photo button (``form.photo_op``: up, down, cover, remove, add) only rearranges: the
    form comes back with the new order and nothing else saved; files chosen meanwhile are
    accepted all the same (uploaded photos are kept for the next try in every outcome, so
    the caller commits whatever the result). Flushes, never commits; a second listing with
    the same form key raises IntegrityError at flush or commit (see ``listing_for_form_key``).

    ``into``: the round a new listing goes to (default ``target_round(now)``); a form posted
    after the deadline with no round open or scheduled passes ``late_round(now)`` so that
    nothing typed is lost. A new listing that stays a draft because the deadline passed
    gets ``late_notice``.
    """
    photos = form_photos(listing, form.photo_ids, actor=actor)
    if listing is None:
        done = listing_for_form_key(form.form_key, actor=actor)
        if done is not None:  # a double tap: the first tap already made it
            return SaveResult(existing=done)
    limit = current_app.config["MAX_PHOTOS_PER_LISTING"]
    own_ids = {p.image_id for p in listing.photos} if listing else set()
    discarded: list[str] = []
    op = form.photo_op
    if op is not None:
        verb, image_id = op
        image = next((img for img in photos if img.id == image_id), None)
        if verb != "add" and image is None:
            op = None  # a button for a photo the form does not hold: a plain save
    if op is not None:
        photos = apply_photo_op(photos, verb, image)
    # The slow part first, with no write transaction open: decode and store every photo.
    # Everything below writes, in one short transaction that the caller commits at once.
    prepared, photo_errors, rejections = _prepare_uploads(
        form.uploads, limit=limit, room=max(limit - len(photos), 0)
    )
    for exc, size in rejections:
        record_rejection(exc, size, uploaded_by=actor, now=now)
    photos = photos + [add_upload(p, uploaded_by=actor, now=now) for p in prepared]
    if op is not None and verb == "remove" and image.id not in own_ids:
        # A photo uploaded in this form and taken out again: nothing else can use it.
        discarded = media_sweep.discard_images([image.id])
    if op is not None:
        return SaveResult(
            listing=listing,
            photos=photos,
            photo_errors=photo_errors,
            discarded=discarded,
            status=400 if photo_errors else 200,
        )
    values, errors = validate_listing(form.fields, actor=actor)
    photo_errors += photo_count_errors(len(photos), limit, refused_any=bool(photo_errors))
    if errors or photo_errors:
        return SaveResult(
            listing=listing,
            photos=photos,
            errors=errors,
            photo_errors=photo_errors,
            discarded=discarded,
            status=400,
        )
    created = listing is None
    try:
        if listing is None:
            listing = create_listing(
                values, photos, actor=actor, now=now, rnd=into, form_key=form.form_key or None
            )
        else:
            update_listing(listing, values, photos, actor=actor, now=now)
    except InvalidInput as exc:
        return SaveResult(
            listing=listing,
            photos=photos,
            photo_errors=[exc.message],
            discarded=discarded,
            status=400,
        )
    # Photos taken off the listing: their rows go in this commit when nothing else uses
    # them, their stored files only after it.
    discarded = media_sweep.discard_images(own_ids - {img.id for img in photos})
    submit_error = None
    action = {S.DRAFT: "submit", S.CHANGES_REQUESTED: "resubmit"}.get(listing.status)
    if form.submit and action:
        try:
            with db.session.begin_nested():
                transition(listing, action, actor=actor, now=now)
        except DomainError as exc:
            submit_error = exc.message
    late = None
    if created and listing.status == S.DRAFT:
        missed = late_round(now)
        if missed is not None and (missed.id == listing.round_id or submit_error):
            late = late_notice(missed, listing.round)
    return SaveResult(
        listing=listing,
        photos=photos,
        saved=True,
        submit_error=submit_error,
        discarded=discarded,
        late_notice=late,
    )
