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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from ..auth.models import Community, CommunityStatus
from ..extensions import db
from ..listings.models import Business, Listing
from ..listings.state import public_listing_filter
from ..reference.models import Category, District
from ..rounds.models import Round
from ..rounds.services import showcase_round
from ..reference import queries as reference
from ..slugs import slugify
from ..whatsapp import wa_me_url
from . import search

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 24
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)


class InvalidCursor(ValueError):
    """A pagination cursor that we did not make (or that was cut or altered)."""


# --- sort orders ----------------------------------------------------------------------------

SORT_NEWEST, SORT_CHEAPEST, SORT_DEAREST, SORT_RELEVANCE = "baru", "murah", "mahal", "relevan"
SORTS = (SORT_RELEVANCE, SORT_NEWEST, SORT_CHEAPEST, SORT_DEAREST)
SORT_ALIASES = {"newest": SORT_NEWEST, "cheapest": SORT_CHEAPEST, "dearest": SORT_DEAREST,
                "relevance": SORT_RELEVANCE}
_SORT_CODES = {SORT_NEWEST: "n", SORT_CHEAPEST: "c", SORT_DEAREST: "d", SORT_RELEVANCE: "r"}


def clean_sort(value: str | None, has_query: bool) -> str:
    """A known sort name; relevance only for a text search (and its default there)."""
    text = (value or "").strip().lower()
    text = SORT_ALIASES.get(text, text)
    if text not in SORTS or (text == SORT_RELEVANCE and not has_query):
        return SORT_RELEVANCE if has_query else SORT_NEWEST
    return text


# --- the cursor ------------------------------------------------------------------------------
#
# ``<sort code><a|b>:<key>:<id>`` in URL-safe base64: the position just after (``a``) or
# before (``b``) a row in that sort. The key is the row's approved_at in microseconds
# (newest), its price (cheapest, dearest) or its relevance tier (``search.Match``); ``-`` is
# NULL.

def _sort_key(listing: Listing, sort: str, score: float | None = None):
    if sort == SORT_NEWEST:
        return (listing.approved_at - _EPOCH) // _US if listing.approved_at else None
    if sort == SORT_RELEVANCE:
        return int(score or 0)
    return listing.price


def encode_cursor(listing: Listing, direction: str = "a", sort: str = SORT_NEWEST,
                  score: float | None = None) -> str:
    """An opaque token for the position just after (``a``) or before (``b``) ``listing``."""
    key = _sort_key(listing, sort, score)
    raw = f"{_SORT_CODES[sort]}{direction}:{'-' if key is None else repr(key)}:{listing.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_CURSOR_RE = re.compile(r"^([ncdr])([ab]):(-|\d{1,19}):(\d{1,18})$")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_CODE_SORTS = {code: sort for sort, code in _SORT_CODES.items()}


def decode_cursor(token: str) -> tuple[str, str, object, int]:
    """``(sort, direction, key or None, id)``; raises InvalidCursor for anything odd.
    The key is an aware datetime (newest) or an int (a price, a relevance tier)."""
    if not token or len(token) > 96 or not _TOKEN_RE.match(token):
        raise InvalidCursor(token)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(token) from None
    m = _CURSOR_RE.match(raw)
    if not m:
        raise InvalidCursor(token)
    sort, direction, text, ident = _CODE_SORTS[m.group(1)], m.group(2), m.group(3), int(m.group(4))
    if text == "-":
        return sort, direction, None, ident
    try:
        if sort == SORT_RELEVANCE:
            key = int(text)
            if key > 15:
                raise ValueError(text)
        else:
            key = int(text)
            if sort == SORT_NEWEST:
                if key < 0:
                    raise ValueError(text)
                key = _EPOCH + key * _US
                if key.year > 9000:
                    raise ValueError(text)
            elif not 0 <= key < 2**62:
                raise ValueError(text)
    except (ValueError, OverflowError):
        raise InvalidCursor(token) from None
    return sort, direction, key, ident


def _order(col, asc: bool, reverse: bool = False):
    """ORDER BY for ``col`` then id, both ascending or both descending (NULL keys last);
    ``reverse`` flips it for walking back."""
    up = asc != reverse
    key = col.asc() if up else col.desc()
    key = key.nulls_first() if reverse else key.nulls_last()
    return [key, Listing.id.asc() if up else Listing.id.desc()]


def _after(col, asc: bool, key, ident: int):
    """Rows after ``(key, ident)`` in ``_order(col, asc)`` (row values: index-friendly)."""
    id_after = Listing.id > ident if asc else Listing.id < ident
    if key is None:
        return sa.and_(col.is_(None), id_after)
    pair = sa.tuple_(col, Listing.id)
    return sa.or_(pair > (key, ident) if asc else pair < (key, ident), col.is_(None))


def _before(col, asc: bool, key, ident: int):
    """Rows before ``(key, ident)`` in that order."""
    id_before = Listing.id < ident if asc else Listing.id > ident
    if key is None:
        return sa.or_(col.is_not(None), id_before)
    pair = sa.tuple_(col, Listing.id)
    return sa.and_(pair < (key, ident) if asc else pair > (key, ident), col.is_not(None))


def clamp_per_page(value, default: int = DEFAULT_PER_PAGE) -> int:
    """Any value → an int in 1..MAX_PER_PAGE (junk gives ``default``)."""
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return max(1, min(MAX_PER_PAGE, n))


# --- text search ------------------------------------------------------------------------------

def query_words(q: str | None) -> list[str]:
    """The words of a search as typed: trimmed, at most 8 words of 40 characters."""
    text = " ".join((q or "").split())[:MAX_QUERY_CHARS]
    return [w[:40] for w in text.split(" ") if w][:MAX_QUERY_WORDS]


# --- queries --------------------------------------------------------------------------------

def _public_select(now: datetime):
    """SELECT Listing, joined to its round and business (reused for eager loading)."""
    return (sa.select(Listing)
            .join(Listing.round).join(Listing.business)
            .options(contains_eager(Listing.round), contains_eager(Listing.business))
            .where(public_listing_filter(now)))


@dataclass
class Page:
    """One page of listings; ``next``/``prev`` are cursors (None at either end).

    ``match`` tells what a text search really looked for (``search.Match``: the words to
    highlight, a corrected query); ``sort`` is the order used."""

    items: list[Listing]
    next: str | None = None
    prev: str | None = None
    per_page: int = DEFAULT_PER_PAGE
    sort: str = SORT_NEWEST
    match: search.Match | None = None


@dataclass
class Filters:
    """What a shopper narrowed the catalogue by. Slugs that name nothing match nothing;
    prices are whole rupiah (a price range leaves out listings without a price)."""

    category: str | None = None
    district: str | None = None
    community: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    halal: bool = False

    def apply(self, stmt):
        if self.category:
            stmt = stmt.where(Listing.category_id == sa.select(Category.id)
                              .where(Category.slug == self.category).scalar_subquery())
        if self.district:
            stmt = stmt.where(Business.district_id == sa.select(District.id)
                              .where(District.slug == self.district).scalar_subquery())
        if self.community:
            stmt = stmt.where(Listing.community_id == sa.select(Community.id)
                              .where(Community.slug == self.community).scalar_subquery())
        if self.price_min is not None:
            stmt = stmt.where(Listing.price >= self.price_min)
        if self.price_max is not None:
            stmt = stmt.where(Listing.price <= self.price_max)
        if self.halal:
            stmt = stmt.where(Listing.is_halal.is_(True))
        return stmt


def search_listings(now: datetime, q: str | None = None, category: str | None = None,
                    district: str | None = None, after: str | None = None,
                    per_page: int = DEFAULT_PER_PAGE, *, sort: str | None = None,
                    filters: Filters | None = None, business_id: int | None = None,
                    community_id: int | None = None, round_id: int | None = None) -> Page:
    """A page of public listings in ``sort`` order.

    ``sort``: ``relevan`` (best match first; the default with ``q``), ``baru`` (newest
    approved first; the default without), ``murah`` / ``mahal`` (by price; listings without a
    price are left out). ``q`` is free text (``search.resolve``). ``category`` and
    ``district`` are slugs (the district is the business's), as are the other ``filters``;
    unknown slugs match nothing. ``after`` is a cursor from a previous ``Page.next`` or
    ``Page.prev`` of the same sort; anything else raises InvalidCursor. ``per_page`` is
    clamped to 1..100.
    """
    per_page = clamp_per_page(per_page)
    filters = filters or Filters()
    if category:
        filters.category = category
    if district:
        filters.district = district
    match = search.resolve(" ".join(query_words(q)))
    sort = clean_sort(sort, has_query=match is not None and match.join is not None)

    stmt = filters.apply(_public_select(now))
    if business_id is not None:
        stmt = stmt.where(Listing.business_id == business_id)
    if community_id is not None:
        stmt = stmt.where(Listing.community_id == community_id)
    if round_id is not None:
        stmt = stmt.where(Listing.round_id == round_id)

    direction, key, ident = "a", None, None
    if after:
        cursor_sort, direction, key, ident = decode_cursor(after)
        if cursor_sort != sort:
            raise InvalidCursor(after)
    if sort == SORT_RELEVANCE:
        return _relevance_page(stmt, match, direction, key, ident, per_page)

    if match is not None:
        stmt = match.join(stmt)[0] if match.join is not None else stmt.where(match.condition)
    if sort == SORT_NEWEST:
        col, asc = Listing.approved_at, False
    else:
        col, asc = Listing.price, sort == SORT_CHEAPEST
        stmt = stmt.where(Listing.price.is_not(None))

    def cursor(row, way):
        return encode_cursor(row, way, sort)

    def fetch(condition, reverse):
        query = stmt.where(condition) if condition is not None else stmt
        return list(db.session.execute(
            query.order_by(*_order(col, asc, reverse)).limit(per_page + 1)).unique().scalars())

    if direction == "b":
        rows = fetch(_before(col, asc, key, ident), reverse=True)
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return Page(items=rows, per_page=per_page, sort=sort, match=match,
                    next=cursor(rows[-1], "a") if rows else None,
                    prev=cursor(rows[0], "b") if rows and more_before else None)
    rows = fetch(_after(col, asc, key, ident) if ident is not None else None, reverse=False)
    items = rows[:per_page]
    return Page(items=items, per_page=per_page, sort=sort, match=match,
                next=cursor(items[-1], "a") if len(rows) > per_page else None,
                prev=cursor(items[0], "b") if items and ident is not None else None)


def _relevance_page(stmt, match: search.Match, direction: str, tier: int | None,
                    ident: int | None, per_page: int) -> Page:
    """A page in relevance order: tier by tier (``search.Match``), newest id first within a
    tier; the cursor names the tier and id of the row at the edge."""
    rows: list[tuple[Listing, int]] = []
    if direction == "b":
        for t in range(min(tier or 0, match.tiers - 1), -1, -1):
            query, id_col = match.join(stmt, t)
            if t == tier:
                query = query.where(id_col > ident)
            rows += [(x, t) for x in db.session.execute(
                query.order_by(id_col.asc()).limit(per_page + 1 - len(rows))).unique().scalars()]
            if len(rows) > per_page:
                break
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return Page(items=[r[0] for r in rows], per_page=per_page, sort=SORT_RELEVANCE, match=match,
                    next=encode_cursor(rows[-1][0], "a", SORT_RELEVANCE, rows[-1][1]) if rows else None,
                    prev=(encode_cursor(rows[0][0], "b", SORT_RELEVANCE, rows[0][1])
                          if rows and more_before else None))
    first = tier if ident is not None else 0
    for t in range(first, match.tiers):
        query, id_col = match.join(stmt, t)
        if ident is not None and t == first:
            query = query.where(id_col < ident)
        rows += [(x, t) for x in db.session.execute(
            query.order_by(id_col.desc()).limit(per_page + 1 - len(rows))).unique().scalars()]
        if len(rows) > per_page:
            break
    page_rows = rows[:per_page]
    return Page(items=[r[0] for r in page_rows], per_page=per_page, sort=SORT_RELEVANCE, match=match,
                next=(encode_cursor(page_rows[-1][0], "a", SORT_RELEVANCE, page_rows[-1][1])
                      if len(rows) > per_page else None),
                prev=(encode_cursor(page_rows[0][0], "b", SORT_RELEVANCE, page_rows[0][1])
                      if page_rows and ident is not None else None))


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
    return [(c, counts.get(c.id, 0)) for c in reference.categories()]


def districts_with_counts(now: datetime) -> list[tuple[District, int]]:
    """Every district in order, each with its number of public listings (cached as above)."""
    counts = _cached("districts", lambda: _district_counts(now))
    return [(d, counts.get(d.id, 0)) for d in reference.districts()]


@dataclass
class HomeData:
    """What the home page shows. ``listings`` is the showcase round's newest (or, when that
    round has none, the newest public listings overall)."""

    round: Round | None
    listings: list[Listing]
    categories: list[tuple[Category, int]]
    districts: list[tuple[District, int]]
    more: bool = False
    og: "OgImage | None" = None


def home_data(now: datetime, n: int = 12) -> HomeData:
    """The showcase round (``rounds.services.showcase_round``) and its newest ``n`` listings,
    categories and districts with counts."""
    rnd = showcase_round(now)
    page = search_listings(now, round_id=rnd.id, per_page=n) if rnd else Page(items=[])
    if not page.items:
        rnd = None
        page = search_listings(now, per_page=n)
    return HomeData(round=rnd, listings=page.items, categories=categories_with_counts(now),
                    districts=districts_with_counts(now), more=page.next is not None,
                    og=og_image(page.items[0]) if page.items else None)


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
    return reference.categories(), reference.districts()


# --- presentation helpers (pure) --------------------------------------------------------------

def whatsapp_url(business: Business, message: str) -> str | None:
    """``https://wa.me/<digits>?text=<message, URL-encoded>``, built only from the business's
    normalised digits; None when there are none."""
    digits = business.whatsapp_digits
    if not digits:
        return None
    return wa_me_url(digits, message)


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


# --- search presentation, suggestions ----------------------------------------------------------

highlight = search.highlight


def sort_labels(has_query: bool) -> list[tuple[str, str]]:
    """``(value, label)`` of the orders a shopper can choose (relevance only with a query)."""
    from flask_babel import gettext as _
    labels = [(SORT_NEWEST, _("Terbaru")), (SORT_CHEAPEST, _("Termurah")), (SORT_DEAREST, _("Termahal"))]
    return ([(SORT_RELEVANCE, _("Paling cocok"))] if has_query else []) + labels


def count_listings(now: datetime, q: str | None, filters: Filters, cap: int = 1000) -> int:
    """How many public listings match (counted up to ``cap``)."""
    stmt = filters.apply(sa.select(Listing.id).join(Listing.round).join(Listing.business)
                         .where(public_listing_filter(now)))
    match = search.resolve(" ".join(query_words(q)))
    if match is not None:
        stmt = match.join(stmt)[0] if match.join is not None else stmt.where(match.condition)
    return db.session.execute(sa.select(sa.func.count()).select_from(stmt.limit(cap).subquery())).scalar_one()


@dataclass
class Suggestion:
    """A way out of an empty result: the search without one of its conditions."""

    label: str
    args: dict
    count: int


def empty_suggestions(args, page: Page, now: datetime) -> list[Suggestion]:
    """For an empty first page of a filtered search: each condition the shopper could drop,
    with how many listings that would show (only those that show some)."""
    from flask_babel import gettext as _
    if page.items or args.cursor or not args.filtered:
        return []
    options = []
    if args.q:
        options.append((_("tanpa kata kunci \u201c%(q)s\u201d", q=args.q), {"q": None}))
    if args.category:
        options.append((_("di semua kategori"), {"kategori": None}))
    if args.district:
        options.append((_("di semua kecamatan"), {"kecamatan": None}))
    if args.community:
        options.append((_("dari semua komunitas"), {"komunitas": None}))
    if args.price_min is not None or args.price_max is not None:
        options.append((_("di semua harga"), {"harga_min": None, "harga_max": None}))
    if args.halal:
        options.append((_("termasuk yang belum bertanda halal"), {"halal": None}))
    out = []
    for label, change in options:
        relaxed = replace(args, q=args.q if "q" not in change else "",
                          category=None if "kategori" in change else args.category,
                          district=None if "kecamatan" in change else args.district,
                          community=None if "komunitas" in change else args.community,
                          price_min=None if "harga_min" in change else args.price_min,
                          price_max=None if "harga_max" in change else args.price_max,
                          halal=False if "halal" in change else args.halal)
        n = count_listings(now, relaxed.q, relaxed.filters)
        if n:
            out.append(Suggestion(label=label, args=args.url_args(**change), count=n))
    return out


# --- sharing: Open Graph image, schema.org, WhatsApp share ------------------------------------

OG_IMAGE_MAX_BYTES = 300 * 1024


@dataclass
class OgImage:
    url: str
    width: int
    height: int
    content_type: str


def og_image(listing: Listing) -> OgImage | None:
    """The cover photo for link previews: the Instagram JPEG (``ig1080``, what WhatsApp
    shows best) when it is under 300 KB, else the largest WebP under 300 KB."""
    image = listing.cover.image if listing.cover else None
    if image is None:
        return None
    candidates = [image.variant("ig1080")] + sorted(image.web_variants(), key=lambda v: -v.width)
    for v in candidates:
        if v is not None and (v.size or 0) <= OG_IMAGE_MAX_BYTES:
            return OgImage(url=absolute(media_src(v)), width=v.width, height=v.height,
                           content_type=v.content_type)
    return None


def product_data(listing: Listing, product_url: str, image: str | None) -> dict:
    """schema.org Product (rendered as JSON-LD by ``tojson``, which escapes ``<``, ``>``,
    ``&`` and quotes, so a title cannot close the script element)."""
    business = listing.business
    data = {"@context": "https://schema.org", "@type": "Product", "name": listing.title,
            "description": listing.description[:500], "url": product_url, "sku": str(listing.id),
            "category": listing.category.name, "brand": {"@type": "Brand", "name": business.name}}
    if image:
        data["image"] = [image]
    if listing.price is not None:
        data["offers"] = {"@type": "Offer", "price": listing.price, "priceCurrency": "IDR",
                          "availability": "https://schema.org/InStock", "url": product_url,
                          "seller": {"@type": "Organization", "name": business.name,
                                     "address": {"@type": "PostalAddress",
                                                 "addressLocality": business.district.name,
                                                 "addressRegion": "Banten",
                                                 "addressCountry": "ID"}}}
    return data


def share_url(listing: Listing, product_url: str) -> str:
    """"Share on WhatsApp": ``https://wa.me/?text=`` with the product's URL first (so the
    preview is built from it), then its name and price."""
    from ..formatting import rupiah
    text = f"{product_url}\n{listing.title} · {rupiah(listing.price)}"
    return wa_me_url(None, text)


# --- WhatsApp taps ------------------------------------------------------------------------------

def count_whatsapp_tap(listing_id: int, now: datetime) -> None:
    """Add one tap to the listing's counter for today (WIB). No personal data. Upsert, so
    concurrent taps never lose a count or collide. Never commits."""
    from ..clock import to_wib
    from .models import WhatsappTap
    day = to_wib(now).date()
    table = WhatsappTap.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(listing_id=listing_id, day=day, taps=1)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.listing_id, table.c.day],
                                      set_={"taps": table.c.taps + 1})
    db.session.execute(stmt)


def whatsapp_taps(listing_ids: list[int], since=None, until=None) -> dict[int, int]:
    """Taps per listing (for round statistics), optionally between two WIB dates
    (inclusive); listings never tapped are absent."""
    from .models import WhatsappTap
    if not listing_ids:
        return {}
    stmt = (sa.select(WhatsappTap.listing_id, sa.func.sum(WhatsappTap.taps))
            .where(WhatsappTap.listing_id.in_(listing_ids)).group_by(WhatsappTap.listing_id))
    if since is not None:
        stmt = stmt.where(WhatsappTap.day >= since)
    if until is not None:
        stmt = stmt.where(WhatsappTap.day <= until)
    return {lid: int(n) for lid, n in db.session.execute(stmt).all()}


# --- sitemap ------------------------------------------------------------------------------------

SITEMAP_MAX_URLS = 50_000


@dataclass
class SitemapUrl:
    loc: str
    lastmod: datetime | None = None


def sitemap_urls(now: datetime) -> list[SitemapUrl]:
    """Absolute URLs of the public pages (the sitemap protocol allows 50,000 per file):
    home, catalogue, each category and district, published rounds, public communities,
    businesses with a public listing, then listings newest first."""
    from flask import url_for
    urls = [SitemapUrl(absolute_url_for("catalogue.home")), SitemapUrl(absolute_url_for("catalogue.catalogue"))]
    categories, districts = filter_choices()
    urls += [SitemapUrl(absolute_url_for("catalogue.catalogue", kategori=c.slug)) for c in categories]
    urls += [SitemapUrl(absolute_url_for("catalogue.catalogue", kecamatan=d.slug)) for d in districts]
    rounds = db.session.execute(
        sa.select(Round.edition, Round.publishes_at)
        .where(Round.publishes_at <= now, Round.edition.is_not(None))
        .order_by(Round.publishes_at.desc())).all()
    urls += [SitemapUrl(absolute_url_for("catalogue.round_page", edition=e), at) for e, at in rounds]
    communities = db.session.execute(
        sa.select(Community.slug).where(Community.status != CommunityStatus.PENDING)
        .order_by(Community.slug)).scalars()
    urls += [SitemapUrl(absolute_url_for("catalogue.community", slug=s)) for s in communities]
    public = (sa.select(Listing.id, Listing.title, Listing.approved_at, Listing.business_id)
              .join(Listing.round).where(public_listing_filter(now))
              .order_by(Listing.approved_at.desc(), Listing.id.desc())
              .limit(SITEMAP_MAX_URLS - len(urls) - 5000))
    rows = db.session.execute(public).all()
    businesses = {}
    for _id, _title, approved, business_id in rows:
        if business_id not in businesses and len(businesses) < 5000:
            businesses[business_id] = approved
    urls += [SitemapUrl(absolute_url_for("catalogue.business", business_id=b), at)
             for b, at in businesses.items()]
    base = absolute(url_for("catalogue.listing", listing_id=0, slug="x")).rsplit("/", 1)[0]
    urls += [SitemapUrl(f"{base}/{lid}-{slugify(title)}", approved) for lid, title, approved, _b in rows]
    return urls[:SITEMAP_MAX_URLS]
