"""Pre-checks that point a moderator at what deserves a closer look (never a decision).

- Text, on the description: a phone number, a URL, "transfer ke rekening" (``text_findings``;
  cheap, so the flags read it from the listing as it is now).
- Photos, measured with Pillow on each photo's w640 WebP derivative, once per image
  (``ImageCheck``): blurry (variance of the Laplacian below ``PRECHECK_BLUR_MIN_SHARPNESS``),
  too dark or too bright (mean grey level at most ``PRECHECK_DARK_MAX_LUMINANCE`` / at least
  ``PRECHECK_BRIGHT_MIN_LUMINANCE``), and the same photo already on a listing of another
  business (a 64-bit difference hash at most ``PRECHECK_DUPLICATE_MAX_DISTANCE`` bits apart).
- The same title already submitted this round by another community.

The photo and title checks run when a listing is submitted, resubmitted or edited while
waiting (``listings.state.on_submitted`` calls ``check_listing``) and are kept with the
listing version (``ListingPrecheck``); pages only read them. Why no ``imagehash``: it pulls
numpy, scipy and PyWavelets (tens of MB) for what is 20 lines of Pillow here.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image as PILImage
from PIL import ImageFilter, ImageStat

from ..auth.models import Community
from ..extensions import db
from ..listings import state
from ..listings.models import Listing, ListingStatus, Photo
from ..media.models import Image
from ..media.storage import storage_for
from .models import ImageCheck, ListingPrecheck

log = logging.getLogger(__name__)
S = ListingStatus

# 08xx / +62 8xx / 62 8xx with optional separators, 9-13 digits after the prefix.
PHONE_RE = re.compile(r"(?<!\d)(?:\+?62|0)[\s.\-()]*8(?:[\s.\-()]*\d){7,11}(?!\d)")
URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|id|co\.id|net|org|me|ly)\b")
TRANSFER_RE = re.compile(
    r"(?i)\btransfer\s+(?:ke\s+)?(?:rek(?:ening)?|norek|bank)\b|\bno\.?\s*rek\b"
)


def text_findings(text: str | None) -> list[str]:
    """Codes of what the text contains: ``"phone"``, ``"url"``, ``"transfer"`` (in that
    order, each at most once); [] for empty text."""
    text = text or ""
    found = []
    if PHONE_RE.search(text):
        found.append("phone")
    if URL_RE.search(text):
        found.append("url")
    if TRANSFER_RE.search(text):
        found.append("transfer")
    return found


# --- measuring one photo -----------------------------------------------------------------------

LAPLACIAN = ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), scale=1, offset=128)
MEASURED_VARIANT = "w640"
# A hash with almost every bit equal says "no detail" (a flat picture): it would match every
# other flat picture, so it is not compared.
MIN_HASH_BITS, MAX_HASH_BITS = 4, 60


@dataclass(frozen=True)
class Measure:
    """``sharpness``: variance of the Laplacian of the grey image (grey levels², higher is
    sharper); ``luminance``: mean grey level 0–255; ``dhash``: 64-bit difference hash
    (unsigned)."""

    sharpness: float
    luminance: float
    dhash: int


def measure_photo(data: bytes) -> Measure:
    """Measure an image we encoded ourselves (a WebP/JPEG derivative; never an upload:
    only ``media.images`` opens those). Raises OSError / PIL errors on unreadable bytes."""
    with PILImage.open(io.BytesIO(data), formats=("WEBP", "JPEG", "PNG")) as im:
        grey = im.convert("L")
    return Measure(
        sharpness=ImageStat.Stat(grey.filter(LAPLACIAN)).var[0],
        luminance=ImageStat.Stat(grey).mean[0],
        dhash=difference_hash(grey),
    )


def difference_hash(grey: PILImage.Image) -> int:
    """dHash: the picture shrunk to 9×8 grey pixels; bit = "left brighter than right" for
    the 8 neighbours of each row, row by row (64 bits, the first pixel pair highest)."""
    small = grey.resize((9, 8), PILImage.Resampling.BOX)
    px = small.get_flattened_data()
    h = 0
    for row in range(8):
        for col in range(8):
            h = (h << 1) | (px[row * 9 + col] > px[row * 9 + col + 1])
    return h


def hamming(a: int, b: int) -> int:
    """Bits that differ between two unsigned 64-bit hashes."""
    return (a ^ b).bit_count()


def to_signed(h: int) -> int:
    """An unsigned 64-bit hash as the signed BIGINT the database stores."""
    return h - (1 << 64) if h >= 1 << 63 else h


def to_unsigned(h: int) -> int:
    return h + (1 << 64) if h < 0 else h


def hash_bands(h: int) -> tuple[int, int, int, int]:
    """The four 16-bit quarters of an unsigned 64-bit hash, highest first. Two hashes at most
    3 bits apart share at least one quarter (the index ``ImageCheck`` is searched by)."""
    return tuple((h >> shift) & 0xFFFF for shift in (48, 32, 16, 0))  # type: ignore[return-value]


def informative(h: int) -> bool:
    return MIN_HASH_BITS <= h.bit_count() <= MAX_HASH_BITS


def image_checks(images: list[Image]) -> dict[int, ImageCheck]:
    """The ``ImageCheck`` of each image, by image id, measuring (and adding) the missing ones
    from their stored w640 derivative; an image without a readable w640 is left out (logged).
    Flushes."""
    ids = [img.id for img in images]
    found = {
        c.image_id: c
        for c in db.session.execute(
            sa.select(ImageCheck).where(ImageCheck.image_id.in_(ids))
        ).scalars()
    }
    for img in images:
        if img.id in found:
            continue
        variant = img.variant(MEASURED_VARIANT)
        if variant is None:
            continue
        try:
            m = measure_photo(storage_for(variant).open(variant.key))
        except Exception as exc:  # a missing or unreadable file: no measure, no flag
            log.warning("pre-check: image %s not measured: %r", img.id, exc)
            continue
        b0, b1, b2, b3 = hash_bands(m.dhash)
        check = ImageCheck(
            image_id=img.id,
            sharpness=m.sharpness,
            luminance=m.luminance,
            dhash=to_signed(m.dhash),
            band0=b0,
            band1=b1,
            band2=b2,
            band3=b3,
        )
        db.session.add(check)
        found[img.id] = check
    db.session.flush()
    return found


# --- findings for a listing --------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    blur_min_sharpness: float
    dark_max_luminance: float
    bright_min_luminance: float
    duplicate_max_distance: int

    @classmethod
    def from_config(cls) -> Thresholds:
        c = current_app.config
        return cls(
            blur_min_sharpness=c.get("PRECHECK_BLUR_MIN_SHARPNESS", 70),
            dark_max_luminance=c.get("PRECHECK_DARK_MAX_LUMINANCE", 45),
            bright_min_luminance=c.get("PRECHECK_BRIGHT_MIN_LUMINANCE", 225),
            duplicate_max_distance=min(int(c.get("PRECHECK_DUPLICATE_MAX_DISTANCE", 3)), 3),
        )


def photo_findings(
    photos: list[Photo], checks: dict[int, ImageCheck], limits: Thresholds
) -> list[dict]:
    """Pure: ``{"code": "blurry" | "dark" | "bright", "photos": [1-based positions],
    "values": [measured, rounded], "limit": threshold}`` for each kind that applies."""
    out = []
    rules = (
        ("blurry", "sharpness", lambda v: v < limits.blur_min_sharpness, limits.blur_min_sharpness),
        ("dark", "luminance", lambda v: v <= limits.dark_max_luminance, limits.dark_max_luminance),
        (
            "bright",
            "luminance",
            lambda v: v >= limits.bright_min_luminance,
            limits.bright_min_luminance,
        ),
    )
    for code, attr, hit, limit in rules:
        positions, values = [], []
        for n, photo in enumerate(photos, start=1):
            check = checks.get(photo.image_id)
            if check is not None and hit(getattr(check, attr)):
                positions.append(n)
                values.append(round(getattr(check, attr)))
        if positions:
            out.append({"code": code, "photos": positions, "values": values, "limit": limit})
    return out


def _other(listing_id: int, title: str, community: str) -> dict:
    return {"id": listing_id, "title": title, "community": community}


def duplicate_findings(
    listing: Listing, checks: dict[int, ImageCheck], max_distance: int
) -> list[dict]:
    """``[{"code": "duplicate_photo", "photos": [positions], "others": [{id, title,
    community}, … at most 3]}]`` when a photo of ``listing`` is (nearly) the same as a photo of
    a listing of another business (drafts not counted); [] otherwise. One query."""
    own = []
    for n, photo in enumerate(listing.photos, start=1):
        check = checks.get(photo.image_id)
        if check is not None and informative(to_unsigned(check.dhash)):
            own.append((n, to_unsigned(check.dhash)))
    if not own:
        return []
    c = ImageCheck
    same_band = [
        col == band
        for _n, h in own
        for col, band in zip((c.band0, c.band1, c.band2, c.band3), hash_bands(h), strict=True)
    ]
    rows = db.session.execute(
        sa.select(c.dhash, Listing.id, Listing.title, Community.name)
        .join(Photo, Photo.image_id == c.image_id)
        .join(Listing, Photo.listing_id == Listing.id)
        .join(Community, Community.id == Listing.community_id)
        .where(
            sa.or_(*same_band),
            Listing.id != listing.id,
            Listing.business_id != listing.business_id,
            Listing.status != S.DRAFT,
        )
        .order_by(Listing.id)
    ).all()
    positions, others = [], {}
    for n, h in own:
        for dhash, other_id, title, community in rows:
            if hamming(h, to_unsigned(dhash)) <= max_distance:
                if n not in positions:
                    positions.append(n)
                others.setdefault(other_id, _other(other_id, title, community))
    if not positions:
        return []
    return [{"code": "duplicate_photo", "photos": positions, "others": list(others.values())[:3]}]


def same_title_findings(listing: Listing) -> list[dict]:
    """``[{"code": "same_title", "others": [{id, title, community}, … at most 3]}]`` when
    another community's listing of the same round (waiting, sent back or approved) has the
    same title, ignoring case and surrounding spaces; [] otherwise. One query."""
    key = " ".join(listing.title.split()).lower()
    rows = db.session.execute(
        sa.select(Listing.id, Listing.title, Community.name)
        .join(Community, Community.id == Listing.community_id)
        .where(
            Listing.round_id == listing.round_id,
            Listing.community_id != listing.community_id,
            Listing.status.in_((S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED)),
            sa.func.lower(sa.func.trim(Listing.title)) == key,
        )
        .order_by(Listing.id)
        .limit(3)
    ).all()
    if not rows:
        return []
    return [{"code": "same_title", "others": [_other(*row) for row in rows]}]


def check_listing(listing: Listing, *, now: datetime) -> ListingPrecheck:
    """Run the photo, duplicate and title checks on ``listing`` as it is now and keep the
    findings with its version (one ``ListingPrecheck`` per listing, replaced each time);
    ``flagged`` also counts the text findings. Flushes, never commits."""
    limits = Thresholds.from_config()
    checks = image_checks([p.image for p in listing.photos])
    findings = (
        photo_findings(listing.photos, checks, limits)
        + duplicate_findings(listing, checks, limits.duplicate_max_distance)
        + same_title_findings(listing)
    )
    row = db.session.get(ListingPrecheck, listing.id)
    if row is None:
        row = ListingPrecheck(listing_id=listing.id)
        db.session.add(row)
    row.listing_version = listing.version
    row.checked_at = now
    row.findings = findings
    row.flagged = bool(findings or text_findings(listing.description))
    db.session.flush()
    return row


def _on_submitted(listing: Listing, now: datetime) -> None:
    """The hook ``listings.state`` calls: never lets a pre-check failure stop a submit."""
    try:
        with db.session.begin_nested():
            check_listing(listing, now=now)
    except Exception:
        log.exception("pre-checks failed for listing %s", listing.id)


state.on_submitted(_on_submitted)


def stored_findings(listing_ids: list[int]) -> dict[int, list[dict]]:
    """The kept findings of these listings, by listing id (one query; [] when never
    checked)."""
    if not listing_ids:
        return {}
    rows = db.session.execute(
        sa.select(ListingPrecheck.listing_id, ListingPrecheck.findings).where(
            ListingPrecheck.listing_id.in_(listing_ids)
        )
    )
    return {listing_id: findings or [] for listing_id, findings in rows}


# --- the flags pages show ----------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A hint that a listing deserves a closer look (never a decision by itself).

    ``code`` is stable (tests, CSS), ``label`` the short badge text, ``explanation`` the one
    line shown beside it (both already translated)."""

    code: str
    label: str
    explanation: str


def _numbers(positions: list[int]) -> str:
    return ", ".join(str(n) for n in positions)


def _others(others: list[dict]) -> str:
    return "; ".join(f"\u201c{o['title']}\u201d ({o['community']})" for o in others)


def finding_flags(findings: list[dict]) -> list[Flag]:
    """The flags of kept findings, translated for the reader; unknown codes are skipped."""
    flags = []
    for f in findings:
        code, photos = f.get("code"), f.get("photos") or []
        if code == "blurry":
            flags.append(
                Flag(
                    code,
                    _("Foto buram?"),
                    _(
                        "Foto %(photos)s tampak buram (ketajaman %(values)s, batas %(limit)s).",
                        photos=_numbers(photos),
                        values=_numbers(f.get("values") or []),
                        limit=f.get("limit"),
                    ),
                )
            )
        elif code in ("dark", "bright"):
            flags.append(
                Flag(
                    code,
                    _("Foto gelap") if code == "dark" else _("Foto terlalu terang"),
                    _(
                        "Foto %(photos)s terlalu gelap (kecerahan %(values)s dari 255).",
                        photos=_numbers(photos),
                        values=_numbers(f.get("values") or []),
                    )
                    if code == "dark"
                    else _(
                        "Foto %(photos)s terlalu terang (kecerahan %(values)s dari 255).",
                        photos=_numbers(photos),
                        values=_numbers(f.get("values") or []),
                    ),
                )
            )
        elif code == "duplicate_photo":
            flags.append(
                Flag(
                    code,
                    _("Foto sama dengan produk lain"),
                    _(
                        "Foto %(photos)s sudah dipakai produk usaha lain: %(others)s.",
                        photos=_numbers(photos),
                        others=_others(f.get("others") or []),
                    ),
                )
            )
        elif code == "same_title":
            flags.append(
                Flag(
                    code,
                    _("Nama sama"),
                    _(
                        "Nama yang sama sudah diajukan komunitas lain di periode ini: %(others)s.",
                        others=_others(f.get("others") or []),
                    ),
                )
            )
    return flags
