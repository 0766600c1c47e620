"""Public queries: what shoppers may see, found, filtered and paged.

Every function takes ``now`` (aware UTC) and returns only *public* listings: approved and
their round published at ``now`` (``listings.services.public_listing_filter``). Results
are ordered newest first by ``(approved_at desc, id desc)``; pages are cut by keyset
(an opaque cursor naming the last row's sort key), so page 500 costs what page 1 costs.

Everything a template shows is eager-loaded here: business (+ district), round, category
(joined) and photos → image → variants (selectin). Templates never query.
"""
from __future__ import annotations

import base64
import binascii
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from ..auth.models import Community, CommunityStatus
from ..extensions import db
from ..listings.models import Business, Listing
from ..listings.services import public_listing_filter
from ..reference.models import Category, District
from ..rounds.models import Round
from ..rounds.services import showcase_round

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 24
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)


class InvalidCursor(ValueError):
    """A pagination cursor that we did not make (or that was cut or altered)."""


# --- the cursor ------------------------------------------------------------------------------

def encode_cursor(listing: Listing, direction: str = "a") -> str:
    """An opaque token for the position just after (``a``) or before (``b``) ``listing``."""
    us = (listing.approved_at - _EPOCH) // _US if listing.approved_at else -1
    raw = f"{direction}:{us}:{listing.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_CURSOR_RE = re.compile(r"^([ab]):(-1|\d{1,17}):(\d{1,18})$")


def decode_cursor(token: str) -> tuple[str, datetime | None, int]:
    """``(direction, approved_at or None, id)``; raises InvalidCursor for anything odd."""
    if not token or len(token) > 64:
        raise InvalidCursor(token)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(token) from None
    m = _CURSOR_RE.match(raw)
    if not m:
        raise InvalidCursor(token)
    direction, us, ident = m.group(1), int(m.group(2)), int(m.group(3))
    try:
        at = None if us < 0 else _EPOCH + us * _US
    except OverflowError:
        raise InvalidCursor(token) from None
    if at is not None and at.year > 9000:
        raise InvalidCursor(token)
    return direction, at, ident


def _after(at: datetime | None, ident: int):
    """Rows after (older than) the key, in ``approved_at desc nulls last, id desc`` order."""
    if at is None:
        return sa.and_(Listing.approved_at.is_(None), Listing.id < ident)
    return sa.or_(Listing.approved_at < at,
                  sa.and_(Listing.approved_at == at, Listing.id < ident),
                  Listing.approved_at.is_(None))


def _before(at: datetime | None, ident: int):
    """Rows before (newer than) the key in that order."""
    if at is None:
        return sa.or_(Listing.approved_at.is_not(None), Listing.id > ident)
    return sa.or_(Listing.approved_at > at, sa.and_(Listing.approved_at == at, Listing.id > ident))


def clamp_per_page(value, default: int = DEFAULT_PER_PAGE) -> int:
    """Any value → an int in 1..MAX_PER_PAGE (junk gives ``default``)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(MAX_PER_PAGE, n))


# --- text search ------------------------------------------------------------------------------

def query_words(q: str | None) -> list[str]:
    """The words of a search as typed: trimmed, at most 8 words of 40 characters."""
    text = " ".join((q or "").split())[:MAX_QUERY_CHARS]
    return [w[:40] for w in text.split(" ") if w][:MAX_QUERY_WORDS]


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_condition(q: str | None):
    """The SQL condition "every word appears in title, description or business name".

    This is the one place the search backend lives: today a case-insensitive LIKE with
    ``\\``, ``%`` and ``_`` escaped (quotes are bound parameters, so literal too). A FTS5 or
    PostgreSQL full-text backend replaces this function (it needs ``Business`` joined).
    Returns None when there is nothing to search for.
    """
    words = query_words(q)
    if not words:
        return None
    conds = []
    for word in words:
        pattern = f"%{_like_escape(word)}%"
        conds.append(sa.or_(Listing.title.ilike(pattern, escape="\\"),
                            Listing.description.ilike(pattern, escape="\\"),
                            Business.name.ilike(pattern, escape="\\")))
    return sa.and_(*conds)


# --- queries --------------------------------------------------------------------------------

def _public_select(now: datetime):
    """SELECT Listing, joined to its round and business (reused for eager loading)."""
    return (sa.select(Listing)
            .join(Listing.round).join(Listing.business)
            .options(contains_eager(Listing.round), contains_eager(Listing.business))
            .where(public_listing_filter(now)))


@dataclass
class Page:
    """One page of listings; ``next``/``prev`` are cursors (None at either end)."""

    items: list[Listing]
    next: str | None = None
    prev: str | None = None
    per_page: int = DEFAULT_PER_PAGE


def search_listings(now: datetime, q: str | None = None, category: str | None = None,
                    district: str | None = None, after: str | None = None,
                    per_page: int = DEFAULT_PER_PAGE, *, business_id: int | None = None,
                    community_id: int | None = None, round_id: int | None = None) -> Page:
    """A page of public listings, newest first.

    ``category`` and ``district`` are slugs (the district is the business's); unknown slugs
    match nothing. ``q`` is free text (see ``text_condition``). ``after`` is a cursor from a
    previous ``Page.next`` or ``Page.prev``; a cursor we did not make raises InvalidCursor.
    ``per_page`` is clamped to 1..100.
    """
    per_page = clamp_per_page(per_page)
    stmt = _public_select(now)
    if category:
        stmt = stmt.where(Listing.category_id == sa.select(Category.id)
                          .where(Category.slug == category).scalar_subquery())
    if district:
        stmt = stmt.where(Business.district_id == sa.select(District.id)
                          .where(District.slug == district).scalar_subquery())
    if business_id is not None:
        stmt = stmt.where(Listing.business_id == business_id)
    if community_id is not None:
        stmt = stmt.where(Listing.community_id == community_id)
    if round_id is not None:
        stmt = stmt.where(Listing.round_id == round_id)
    text = text_condition(q)
    if text is not None:
        stmt = stmt.where(text)

    direction, at, ident = decode_cursor(after) if after else ("a", None, None)
    if direction == "b":
        rows = list(db.session.execute(
            stmt.where(_before(at, ident))
            .order_by(Listing.approved_at.asc().nulls_first(), Listing.id.asc())
            .limit(per_page + 1)).unique().scalars())
        more_before = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        return Page(items=items,
                    next=encode_cursor(items[-1]) if items else None,
                    prev=encode_cursor(items[0], "b") if items and more_before else None,
                    per_page=per_page)
    if ident is not None:
        stmt = stmt.where(_after(at, ident))
    rows = list(db.session.execute(
        stmt.order_by(Listing.approved_at.desc().nulls_last(), Listing.id.desc())
        .limit(per_page + 1)).unique().scalars())
    items = rows[:per_page]
    return Page(items=items,
                next=encode_cursor(items[-1]) if len(rows) > per_page else None,
                prev=encode_cursor(items[0], "b") if items and ident is not None else None,
                per_page=per_page)


def public_listing(listing_id: int, now: datetime) -> Listing | None:
    """The listing if it is public at ``now``, else None."""
    return db.session.execute(
        _public_select(now).where(Listing.id == listing_id)).unique().scalar_one_or_none()


def related_listings(listing: Listing, now: datetime, n: int = 4) -> list[Listing]:
    """Up to ``n`` other public listings of the same category, newest first."""
    return list(db.session.execute(
        _public_select(now).where(Listing.category_id == listing.category_id,
                                  Listing.id != listing.id)
        .order_by(Listing.approved_at.desc().nulls_last(), Listing.id.desc()).limit(n)
    ).unique().scalars())


def _cached(key: str, compute):
    """A small per-process cache for aggregate numbers that may be a minute old (counts on
    the home page cost a scan of every public listing). ``CATALOGUE_COUNTS_TTL`` seconds,
    default 60 (0 under TESTING, so tests see every change at once)."""
    from flask import current_app
    ttl = current_app.config.get("CATALOGUE_COUNTS_TTL", 0 if current_app.testing else 60)
    if not ttl:
        return compute()
    store = current_app.extensions.setdefault("catalogue_counts", {})
    hit = store.get(key)
    stamp = time.monotonic()
    if hit is not None and stamp - hit[0] < ttl:
        return hit[1]
    value = compute()
    store[key] = (stamp, value)
    return value


def _category_counts(now: datetime) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Listing.category_id, sa.func.count(Listing.id))
        .where(public_listing_filter(now)).group_by(Listing.category_id)).all())


def _district_counts(now: datetime) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Business.district_id, sa.func.count(Listing.id))
        .join(Listing.business).where(public_listing_filter(now))
        .group_by(Business.district_id)).all())


def categories_with_counts(now: datetime) -> list[tuple[Category, int]]:
    """Active categories in their order, each with its number of public listings (the
    numbers may be up to ``CATALOGUE_COUNTS_TTL`` seconds old)."""
    counts = _cached("categories", lambda: _category_counts(now))
    cats = db.session.execute(
        sa.select(Category).where(Category.is_active.is_(True))
        .order_by(Category.sort_order, Category.name)).scalars()
    return [(c, counts.get(c.id, 0)) for c in cats]


def districts_with_counts(now: datetime) -> list[tuple[District, int]]:
    """Every district in order, each with its number of public listings (cached as above)."""
    counts = _cached("districts", lambda: _district_counts(now))
    dists = db.session.execute(sa.select(District).order_by(District.sort_order, District.name)).scalars()
    return [(d, counts.get(d.id, 0)) for d in dists]


@dataclass
class HomeData:
    """What the home page shows. ``listings`` is the showcase round's newest (or, when that
    round has none, the newest public listings overall)."""

    round: Round | None
    listings: list[Listing]
    categories: list[tuple[Category, int]]
    districts: list[tuple[District, int]]
    more: bool = False


def home_data(now: datetime, n: int = 12) -> HomeData:
    """The showcase round (``rounds.services.showcase_round``) and its newest ``n`` listings,
    categories and districts with counts."""
    rnd = showcase_round(now)
    page = search_listings(now, round_id=rnd.id, per_page=n) if rnd else Page(items=[])
    if not page.items:
        rnd = None
        page = search_listings(now, per_page=n)
    return HomeData(round=rnd, listings=page.items, categories=categories_with_counts(now),
                    districts=districts_with_counts(now), more=page.next is not None)


def public_business(business_id: int, now: datetime) -> Business | None:
    """A business that has at least one public listing (others are not published)."""
    has_public = sa.exists(sa.select(Listing.id).join(Listing.round).where(
        Listing.business_id == Business.id, public_listing_filter(now)))
    return db.session.execute(
        sa.select(Business).options(joinedload(Business.community))
        .where(Business.id == business_id, has_public)).unique().scalar_one_or_none()


def public_community(slug: str) -> Community | None:
    """A verified (or since suspended) community by slug; pending ones are not public."""
    return db.session.execute(
        sa.select(Community).where(Community.slug == slug[:140],
                                   Community.status != CommunityStatus.PENDING)
    ).unique().scalar_one_or_none()


def published_round(edition: int, now: datetime) -> Round | None:
    """The round with this edition number if it is published at ``now``."""
    if not 0 < edition < 2**31:
        return None
    return db.session.execute(
        sa.select(Round).where(Round.edition == edition, Round.publishes_at <= now)
    ).scalar_one_or_none()


def filter_choices() -> tuple[list[Category], list[District]]:
    """Active categories and every district, in their display order (the filter menus)."""
    categories = db.session.execute(
        sa.select(Category).where(Category.is_active.is_(True))
        .order_by(Category.sort_order, Category.name)).scalars().all()
    districts = db.session.execute(
        sa.select(District).order_by(District.sort_order, District.name)).scalars().all()
    return list(categories), list(districts)


# --- presentation helpers (pure) --------------------------------------------------------------

def slugify(text: str, max_length: int = 60) -> str:
    """``Keripik Singkong Balado!`` → ``keripik-singkong-balado``; empty → ``produk``."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or "produk"


def whatsapp_url(business: Business, message: str) -> str | None:
    """``https://wa.me/<digits>?text=<message, URL-encoded>``, built only from the business's
    normalised digits; None when there are none."""
    digits = business.whatsapp_digits
    if not digits:
        return None
    return f"https://wa.me/{digits}?text={quote(message, safe='')}"


def whatsapp_message(listing: Listing, product_url: str, site_name: str) -> str:
    """The prefilled message: names the product and its absolute URL."""
    from flask_babel import gettext as _
    return _("Halo, saya tertarik dengan %(title)s di %(site)s: %(url)s",
             title=listing.title, site=site_name, url=product_url)


# --- URLs (need an app and, without SITE_URL, a request) -------------------------------------

def absolute(url: str) -> str:
    """Make a site-relative URL absolute, with ``SITE_URL`` when set (behind a proxy or for
    links built outside a request), else the request's own root."""
    from flask import current_app, request
    if url.startswith(("http://", "https://")):
        return url
    base = current_app.config.get("SITE_URL") or request.url_root
    return base.rstrip("/") + "/" + url.lstrip("/")


def absolute_url_for(endpoint: str, **values) -> str:
    """``url_for`` made absolute (see ``absolute``)."""
    from flask import url_for
    return absolute(url_for(endpoint, **values))


def media_src(variant) -> str:
    """The URL of a stored image variant (local media view, CDN or presigned S3)."""
    from ..media.services import variant_url
    return variant_url(variant)


def best_variant(image, name: str = "w640"):
    """The named WebP variant, else the largest web variant, else the largest of any kind."""
    if image is None:
        return None
    v = image.variant(name)
    if v is not None:
        return v
    web = image.web_variants() or list(image.variants)
    return max(web, key=lambda x: x.width) if web else None


def listing_path_values(listing: Listing) -> dict:
    """``url_for`` values for the canonical listing URL."""
    return {"listing_id": listing.id, "slug": slugify(listing.title)}
