"""Listing rules in one place: the state machine, the quota, the deadline, permissions,
and creating/editing businesses and listings.

Every function takes ``now`` (aware UTC) and the acting ``User``; none commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit
from datetime import datetime
from typing import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from flask_babel import lazy_gettext as _l

from .. import audit
from ..auth.models import Community, Role, User
from ..errors import (FormErrors, InvalidInput, InvalidTransition, NotAllowed, QuotaExceeded, RoundClosed,
                      StaleVersion)
from ..db import get_by_id
from ..extensions import db
from ..inputs import clean_text, parse_instagram, parse_phone, parse_price
from ..media.models import Image
from ..reference.models import Category, District
from ..rounds.models import Round
from ..rounds.services import next_round, open_round
from .models import Business, Listing, ListingStatus, Photo

S = ListingStatus

# action → (allowed from-states, to-state, who may do it: "community" or "staff")
TRANSITIONS: dict[str, tuple[frozenset[ListingStatus], ListingStatus, str]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED, "community"),
    "resubmit": (frozenset({S.CHANGES_REQUESTED}), S.SUBMITTED, "community"),
    "approve": (frozenset({S.SUBMITTED}), S.APPROVED, "staff"),
    "request_changes": (frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED, "staff"),
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED, "staff"),
    "withdraw": (frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED}), S.WITHDRAWN, "community"),
    "take_down": (frozenset({S.APPROVED}), S.REMOVED, "staff"),
}
REASON_REQUIRED = frozenset({"request_changes", "reject", "take_down"})
QUOTA_STATUSES = (S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED)
EDITABLE_STATUSES = (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED)

STATUS_LABELS = {
    S.DRAFT: _l("Draf"), S.SUBMITTED: _l("Menunggu moderasi"), S.CHANGES_REQUESTED: _l("Perlu perbaikan"),
    S.APPROVED: _l("Disetujui"), S.REJECTED: _l("Ditolak"), S.WITHDRAWN: _l("Ditarik"),
    S.REMOVED: _l("Diturunkan"),
}


def status_label(status: ListingStatus) -> str:
    """The Indonesian (translatable) label for a status."""
    return str(STATUS_LABELS[status])


# --- permissions ------------------------------------------------------------------------

def is_own(listing_or_business, user: User | None) -> bool:
    """True if ``user`` is an active member of the record's community."""
    return (user is not None and getattr(user, "is_authenticated", False)
            and user.role == Role.MEMBER and user.community_id == listing_or_business.community_id)


def can_edit(listing: Listing, user: User | None, now: datetime) -> bool:
    """A member of its community, while it is a draft, submitted before the round closes,
    or sent back for changes before the round publishes. Approved listings are frozen."""
    if not is_own(listing, user):
        return False
    if listing.status == S.DRAFT:
        return not listing.round.is_published(now)
    if listing.status == S.SUBMITTED:
        return now < listing.round.closes_at
    if listing.status == S.CHANGES_REQUESTED:
        return now < listing.round.publishes_at
    return False


def allowed_actions(listing: Listing, user: User | None) -> list[str]:
    """Actions the table allows from the listing's status for this kind of user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    side = "staff" if user.is_staff else "community"
    return [a for a, (froms, _to, who) in TRANSITIONS.items() if listing.status in froms and who == side]


# --- quota and deadline ------------------------------------------------------------------

def slots_used(community_id: int, round_id: int) -> int:
    """Listings of the community in the round that hold a slot (submitted,
    changes_requested, approved)."""
    return db.session.execute(
        sa.select(sa.func.count(Listing.id)).where(
            Listing.community_id == community_id, Listing.round_id == round_id,
            Listing.status.in_(QUOTA_STATUSES))
    ).scalar_one()


def lock_community(community_id: int) -> None:
    """Make parallel submits of one community queue up until this transaction ends, so two
    requests (in any worker process) never both count the last free slot.

    PostgreSQL locks the community's row with ``SELECT … FOR NO KEY UPDATE``: that waits
    for another submit's lock but not for the ``FOR KEY SHARE`` locks that inserting a
    listing or photo (foreign keys to the community) takes, so two requests that each
    inserted a row first cannot deadlock (plain FOR UPDATE did, in bench/rush.py). SQLite has no row locks
    and ignores FOR UPDATE: a no-op UPDATE of the row takes the database's write lock now,
    before the count, instead of at the listing's own UPDATE after it (WAL readers are not
    blocked; other writers wait up to the busy timeout)."""
    if db.session.get_bind().dialect.name == "sqlite":
        table = Community.__table__
        db.session.execute(sa.update(table).where(table.c.id == community_id)
                           .values(id=table.c.id))
    else:
        db.session.execute(sa.select(Community.id).where(Community.id == community_id)
                           .with_for_update(key_share=True))


def check_can_submit(listing: Listing, now: datetime) -> None:
    """Raise RoundClosed outside ``[opens_at, closes_at)`` and QuotaExceeded when no slot
    is free. Holds the community's lock (``lock_community``) until the caller's commit or
    rollback, so the count and the submit are one step for parallel requests."""
    rnd = listing.round
    if not listing.community.is_verified:
        raise NotAllowed(_("Komunitas Anda belum diverifikasi staf Dinas, jadi produk belum bisa "
                           "diajukan. Simpan sebagai draf dulu."))
    if not rnd.accepts_submissions(now):
        if now < rnd.opens_at:
            raise RoundClosed(_("Periode %(name)s belum dibuka.", name=rnd.title))
        raise RoundClosed(_("Batas waktu %(name)s sudah lewat. Produk tidak dapat diajukan lagi.",
                            name=rnd.title))
    lock_community(listing.community_id)
    if slots_used(listing.community_id, rnd.id) >= rnd.quota_per_community:
        raise QuotaExceeded(_("Kuota komunitas untuk %(name)s sudah penuh (%(n)s produk). Tarik "
                              "produk lain atau tunggu periode berikutnya.",
                              name=rnd.title, n=rnd.quota_per_community))


# --- the one transition function ---------------------------------------------------------

def transition(listing: Listing, action: str, *, actor: User, now: datetime,
               reason: str | None = None, note: str | None = None,
               details: dict | None = None) -> Listing:
    """Move ``listing`` by ``action`` if the table allows it; stamp, bump the version and
    write the audit entry. Raises InvalidTransition, NotAllowed, RoundClosed or
    QuotaExceeded with a user-facing message. Flushes; never commits."""
    if action not in TRANSITIONS:
        raise InvalidTransition()
    froms, to, who = TRANSITIONS[action]
    if who == "staff" and not actor.is_staff:
        raise NotAllowed()
    if who == "community" and not is_own(listing, actor):
        raise NotAllowed()
    if listing.status not in froms:
        raise InvalidTransition(_("Produk berstatus \"%(status)s\" tidak dapat %(action)s.",
                                  status=status_label(listing.status), action=_action_verb(action)))
    if action in REASON_REQUIRED and not (reason or "").strip():
        raise InvalidInput(_("Alasan wajib diisi."))
    if action == "submit":
        check_can_submit(listing, now)
        listing.submitted_at = now
    elif action == "resubmit":
        if now >= listing.round.publishes_at:
            raise RoundClosed(_("%(name)s sudah tayang; perbaikan tidak dapat diajukan lagi.",
                                name=listing.round.title))
        listing.submitted_at = now
    elif action in ("approve", "request_changes", "reject"):
        listing.decided_at = now
        if action == "approve":
            listing.approved_at = now
    before = listing.status
    listing.status = to
    listing.version += 1
    listing.updated_at = now
    flush_listing()
    audit.record(f"listing.{action}", actor=actor, object_type="listing", object_id=listing.id,
                 community_id=listing.community_id, from_state=before.value, to_state=to.value,
                 reason=reason, note=note, at=now,
                 details={"version": listing.version, **(details or {})})
    return listing


def flush_listing() -> None:
    """Flush a listing change; a write based on a stale read (someone decided or edited it
    meanwhile: the version moved on) raises StaleVersion with a message, nothing written."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(_("Produk ini baru saja diubah atau diputuskan oleh orang lain. "
                             "Muat ulang halaman untuk melihat versi terbaru.")) from None


def _action_verb(action: str) -> str:
    return {
        "submit": _("diajukan"), "resubmit": _("diajukan ulang"), "approve": _("disetujui"),
        "request_changes": _("diminta perbaikan"), "reject": _("ditolak"),
        "withdraw": _("ditarik"), "take_down": _("diturunkan"),
    }[action]


# --- businesses ----------------------------------------------------------------------------

@dataclass
class BusinessInput:
    """What the business form sends, as typed (strings)."""

    name: str
    owner_name: str
    district_id: int
    whatsapp: str
    instagram: str = ""
    tokopedia_url: str = ""
    shopee_url: str = ""
    nib: str = ""
    halal_number: str = ""
    pirt_number: str = ""
    story: str = ""


# The marketplaces a business may link to, by the hosts their shop and share links use. A
# link elsewhere is refused: shoppers trust a "Shopee" button to open Shopee.
MARKETPLACE_HOSTS = {
    "Tokopedia": ("tokopedia.com", "tokopedia.link"),
    "Shopee": ("shopee.co.id", "shope.ee", "shp.ee"),
}


def _clean_url(raw: str, field: str) -> str | None:
    """A shop link on the marketplace ``field`` names, as an https URL; empty → None.

    Raises InvalidInput for a malformed link or one on another site."""
    text = (raw or "").strip()
    if not text:
        return None
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if len(text) > 300 or any(ch.isspace() for ch in text) or not host:
        raise InvalidInput(_("Tautan %(field)s tidak valid.", field=field))
    allowed = MARKETPLACE_HOSTS[field]
    if not any(host == h or host.endswith("." + h) for h in allowed):
        raise InvalidInput(_("Tautan %(field)s harus alamat %(host)s.", field=field, host=allowed[0]))
    return "https://" + text.split("://", 1)[1]


def _apply_business(business: Business, data: BusinessInput) -> dict[str, str]:
    """Parse every field; collect messages per field so the form can show them all."""
    errors: dict[str, str] = {}

    def take(field, fn):
        try:
            setattr(business, field, fn())
        except InvalidInput as exc:
            errors[field] = exc.message

    take("name", lambda: clean_text(data.name, max_length=120, field=_("Nama usaha"), required=True))
    take("owner_name", lambda: clean_text(data.owner_name, max_length=120, field=_("Nama pemilik")))
    take("whatsapp", lambda: parse_phone(data.whatsapp))
    take("instagram", lambda: parse_instagram(data.instagram))
    take("tokopedia_url", lambda: _clean_url(data.tokopedia_url, "Tokopedia"))
    take("shopee_url", lambda: _clean_url(data.shopee_url, "Shopee"))
    take("nib", lambda: clean_text(data.nib, max_length=20, field="NIB") or None)
    take("halal_number", lambda: clean_text(data.halal_number, max_length=60, field=_("Nomor halal")) or None)
    take("pirt_number", lambda: clean_text(data.pirt_number, max_length=30, field="P-IRT") or None)
    take("story", lambda: clean_text(data.story, max_length=1000, field=_("Cerita usaha"), multiline=True))
    if get_by_id(District, data.district_id) is None:
        errors["district_id"] = _("Pilih kecamatan.")
    else:
        business.district_id = data.district_id
    return errors


def save_business(business: Business | None, data: BusinessInput, *, actor: User,
                  now: datetime) -> Business:
    """Create (``business`` None) or update a business of the actor's community.

    Raises FormErrors (field → message) when any field is wrong; nothing is changed then.
    """
    if actor.role != Role.MEMBER or actor.community_id is None:
        raise NotAllowed()
    target = Business(community_id=actor.community_id) if business is None else business
    if business is not None and not is_own(business, actor):
        raise NotAllowed()
    public_fields = ("name", "whatsapp", "instagram", "tokopedia_url", "shopee_url", "district_id", "story")
    before = {f: getattr(target, f) for f in public_fields}
    with db.session.no_autoflush:
        errors = _apply_business(target, data)
    if errors:
        if business is not None:
            db.session.refresh(target)  # undo the half-applied edit
        raise FormErrors(errors)
    if business is None:
        target.created_at = now
        db.session.add(target)
    target.updated_at = now
    db.session.flush()
    # Old → new for every public field that changed: staff answering a complaint ("the
    # number on your site is not the seller's") can see what it was and who changed it.
    changes = {f: [before[f], getattr(target, f)] for f in public_fields
               if business is not None and before[f] != getattr(target, f)}
    audit.record("business.create" if business is None else "business.update", actor=actor,
                 object_type="business", object_id=target.id, community_id=target.community_id, at=now,
                 details={"changes": changes} if changes else None)
    return target


def community_businesses(community_id: int) -> list[Business]:
    """A community's businesses, by name."""
    return list(db.session.execute(
        sa.select(Business).where(Business.community_id == community_id).order_by(Business.name)
    ).scalars())


# --- listings -------------------------------------------------------------------------------

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


UNITS = ("pcs", "pack", "box", "botol", "kg", "gram", "liter", "porsi", "set", "lusin", "meter", "jasa")


def validate_listing(data: ListingInput, *, actor: User) -> tuple[dict, dict[str, str]]:
    """Parse the form's fields → (clean values, errors by field). Raises nothing."""
    values: dict = {}
    errors: dict[str, str] = {}

    def take(field, fn):
        try:
            values[field] = fn()
        except InvalidInput as exc:
            errors[field] = exc.message

    take("title", lambda: clean_text(data.title, max_length=80, field=_("Nama produk"), required=True))
    take("description", lambda: clean_text(data.description, max_length=2000, field=_("Deskripsi"),
                                           multiline=True))
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


def create_listing(values: dict, images: Iterable[Image], *, actor: User, now: datetime,
                   rnd: Round | None = None, form_key: str | None = None) -> Listing:
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
        business=business, community_id=business.community_id, round=rnd,
        category=values["category"], title=values["title"], description=values["description"],
        price=values["price"], unit=values["unit"], is_halal=values["is_halal"],
        has_pirt=values["has_pirt"], status=S.DRAFT, version=1, created_by_id=actor.id,
        created_at=now, updated_at=now, form_key=form_key)
    listing.photos = [Photo(image=img, position=i) for i, img in enumerate(images)]
    db.session.add(listing)
    db.session.flush()
    audit.record("listing.create", actor=actor, object_type="listing", object_id=listing.id,
                 community_id=listing.community_id, to_state=S.DRAFT.value, at=now,
                 details={"version": 1, "photos": len(images)})
    return listing


FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


def listing_for_form_key(form_key: str | None, *, actor: User) -> Listing | None:
    """The listing the actor's community already created from this form (a double tap or a
    resent request), or None. Keys of another format are ignored."""
    if not form_key or not FORM_KEY_RE.match(form_key) or actor.community_id is None:
        return None
    return db.session.execute(sa.select(Listing).where(
        Listing.form_key == form_key, Listing.community_id == actor.community_id)).scalar_one_or_none()


def update_listing(listing: Listing, values: dict, photos: list[Image], *, actor: User,
                   now: datetime) -> Listing:
    """Edit a listing the actor may edit (see ``can_edit``); ``photos`` is the new ordered
    list (kept and new images). Bumps the version so a moderator's open view goes stale."""
    if not can_edit(listing, actor, now):
        raise NotAllowed(_("Produk ini tidak dapat diubah lagi."))
    _check_photo_count(len(photos))
    business: Business = values["business"]
    listing.business, listing.community_id = business, business.community_id
    listing.category = values["category"]
    for field in ("title", "description", "price", "unit", "is_halal", "has_pirt"):
        setattr(listing, field, values[field])
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
    audit.record("listing.update", actor=actor, object_type="listing", object_id=listing.id,
                 community_id=listing.community_id, from_state=listing.status.value,
                 to_state=listing.status.value, at=now,
                 details={"version": listing.version, "photos": len(photos)})
    return listing


def _check_photo_count(n: int) -> None:
    from flask import current_app
    limit = current_app.config["MAX_PHOTOS_PER_LISTING"]
    if n < 1:
        raise InvalidInput(_("Tambahkan paling sedikit 1 foto produk."))
    if n > limit:
        raise InvalidInput(_("Paling banyak %(n)s foto per produk.", n=limit))


def community_listings(community_id: int, round_id: int | None = None) -> list[Listing]:
    """A community's listings (optionally of one round), newest first."""
    q = sa.select(Listing).where(Listing.community_id == community_id)
    if round_id is not None:
        q = q.where(Listing.round_id == round_id)
    return list(db.session.execute(q.order_by(Listing.updated_at.desc(), Listing.id.desc())).scalars())


def latest_feedback(listing_ids: list[int]) -> dict[int, audit.AuditEvent]:
    """For each listing id, the newest audit event that carries a moderator's reason."""
    if not listing_ids:
        return {}
    rows = db.session.execute(
        sa.select(audit.AuditEvent).where(
            audit.AuditEvent.object_type == "listing",
            audit.AuditEvent.object_id.in_(listing_ids),
            audit.AuditEvent.reason.is_not(None),
            audit.AuditEvent.action.in_(["listing.request_changes", "listing.reject", "listing.take_down"]),
        ).order_by(audit.AuditEvent.id)
    ).scalars()
    return {e.object_id: e for e in rows}


def listing_history(listing_id: int) -> list[audit.AuditEvent]:
    """Every audit event of a listing, oldest first."""
    return list(db.session.execute(
        sa.select(audit.AuditEvent).where(audit.AuditEvent.object_type == "listing",
                                          audit.AuditEvent.object_id == listing_id)
        .order_by(audit.AuditEvent.id)).scalars())


def public_listing_filter(now: datetime):
    """The SQL condition for a publicly visible listing at ``now`` (joins Round)."""
    return sa.and_(Listing.status == S.APPROVED, Listing.round_id == Round.id, Round.publishes_at <= now)


def pending_images(image_ids: list[int], *, actor: User) -> list[Image]:
    """Images the actor uploaded in an earlier, refused attempt of the form and that no
    listing uses yet (ids from hidden fields: never trusted beyond that)."""
    if not image_ids:
        return []
    used = sa.select(Photo.image_id)
    rows = db.session.execute(
        sa.select(Image).where(Image.id.in_(image_ids[:20]), Image.uploaded_by_id == actor.id,
                               Image.id.not_in(used))
    ).scalars().all()
    by_id = {img.id: img for img in rows}
    return [by_id[i] for i in dict.fromkeys(image_ids) if i in by_id]


# --- after the decision: copy a past listing, carry one sent back for changes -------------------

def _clone(source: Listing, rnd: Round, *, actor: User, now: datetime) -> Listing:
    clone = Listing(
        business=source.business, community_id=source.community_id, round=rnd, category=source.category,
        title=source.title, description=source.description, price=source.price, unit=source.unit,
        is_halal=source.is_halal, has_pirt=source.has_pirt, status=S.DRAFT, version=1,
        copied_from_id=source.id, created_by_id=actor.id, created_at=now, updated_at=now)
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
        raise RoundClosed(_("Belum ada periode lain yang dibuka atau dijadwalkan untuk produk ini."))
    return rnd


def copy_listing(listing: Listing, *, actor: User, now: datetime) -> Listing:
    """Copy a listing of the actor's community (any status but draft) into the open round
    (else the next scheduled one) as a new draft with the same photos. The original is
    untouched. Raises NotAllowed, InvalidTransition or RoundClosed."""
    if not is_own(listing, actor):
        raise NotAllowed()
    if listing.status == S.DRAFT:
        raise InvalidTransition(_("Draf bisa langsung diubah; tidak perlu disalin."))
    rnd = copy_target_round(listing, now)
    clone = _clone(listing, rnd, actor=actor, now=now)
    audit.record("listing.copy", actor=actor, object_type="listing", object_id=clone.id,
                 community_id=clone.community_id, to_state=S.DRAFT.value, at=now,
                 details={"version": 1, "copied_from": listing.id, "round_id": rnd.id})
    return clone


def carry_listing(listing: Listing, *, actor: User, now: datetime) -> Listing:
    """Carry a listing sent back for changes into the next round: a new draft there (same
    content and photos, ``copied_from`` the original, whose history it shows) and the
    original withdrawn so its slot is free. Raises NotAllowed, InvalidTransition, RoundClosed."""
    if not is_own(listing, actor):
        raise NotAllowed()
    if listing.status != S.CHANGES_REQUESTED:
        raise InvalidTransition(_("Hanya produk yang perlu perbaikan yang dapat dibawa ke periode berikutnya."))
    rnd = copy_target_round(listing, now)
    clone = _clone(listing, rnd, actor=actor, now=now)
    transition(listing, "withdraw", actor=actor, now=now, note=_("Dibawa ke %(round)s", round=rnd.title),
               details={"carried_to": clone.id})
    audit.record("listing.carry", actor=actor, object_type="listing", object_id=clone.id,
                 community_id=clone.community_id, to_state=S.DRAFT.value, at=now,
                 details={"version": 1, "copied_from": listing.id, "round_id": rnd.id})
    return clone


def lineage(listing: Listing, limit: int = 20) -> list[Listing]:
    """The listing's earlier versions in other rounds (what it was copied or carried from),
    oldest first."""
    chain: list[Listing] = []
    current = listing
    while current.copied_from_id and len(chain) < limit:
        current = db.session.get(Listing, current.copied_from_id)
        if current is None or current.community_id != listing.community_id:
            break
        chain.append(current)
    return list(reversed(chain))


def history_with_lineage(listing: Listing) -> list[tuple[Listing, list[audit.AuditEvent]]]:
    """(listing, its audit events) for each earlier listing in the chain, then this one."""
    return [(item, listing_history(item.id)) for item in lineage(listing) + [listing]]


def feedback_explanations(events: dict[int, audit.AuditEvent]) -> dict[int, str]:
    """For each listing id's feedback event, the preset reason's explanation if it had one."""
    return {lid: e.details["explanation"] for lid, e in events.items()
            if e.details and e.details.get("explanation")}
