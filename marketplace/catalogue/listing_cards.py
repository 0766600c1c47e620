"""Product cards as plain rows: the columns a card shows, one batched cover lookup, what
every card repeats formatted once, and each card's HTML kept per listing version.

A page of 24 cards used to load ~300 ORM objects (listing, business, district, round,
category, photos, images, variants, permits) and run the picture macro, Babel's currency
formatting and a storage-key check per card and per URL. Here:

1. ``card_select(now)`` is the catalogue's query for cards: only the columns a card shows
   (id, title, price, unit, version, the business's name and district, and per badge the id
   of a valid permit or NULL: ``listings.permits.valid_permit_select``, the rule of
   ``Business.badges``; a per-row subquery, not an EXISTS that PostgreSQL hashes whole),
   plus what the keyset cursor reads (``approved_at``, ``price``, ``id``). Rows, no objects.
2. ``card_grid(rows, now, marks)`` turns those rows into HTML. Each card's HTML is kept in
   ``fragments`` keyed by listing id and version, its badges, the locale and the searched
   words, so a card is rendered once per generation whatever page, filter or sort shows it.
   For the cards not kept yet: **one** query for their covers (each cover photo's variants),
   then one ``card`` macro call per card (``templates/catalogue/_card.html``) with the price
   (``Rp15.000``), unit, link, ``src``/``srcset`` and badges already formatted (``Card``).

The grid also gives the first card's Open Graph image (``CardGrid.og``), so list pages need
no other photo query.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy.orm import aliased

from ..extensions import db
from ..formatting import rupiah
from ..listings.models import PERMIT_KINDS, PERMIT_LABELS, Business, Listing, Photo
from ..listings.permits import valid_permit_select
from ..listings.state import public_listing_filter
from ..media.models import ImageVariant
from ..media.services import variant_url
from ..reference.models import District
from ..reference.units import unit_name
from ..rounds.models import Round
from ..slugs import slugify
from . import fragments
from .search import highlight
from .sharing import OG_IMAGE_MAX_BYTES, OgImage
from .urls import absolute

#: The ``sizes`` of a card's photo: 2 columns on a phone, 3 from 40em, 14rem from 60em.
CARD_SIZES = "(min-width: 60em) 14rem, (min-width: 40em) 30vw, 48vw"
_BADGE = {kind: f"badge_{kind.value}" for kind in PERMIT_KINDS}


def card_select(now: datetime):
    """SELECT the card columns of public listings at ``now`` (joined to round, business and
    district), for ``queries.search_listings`` to filter, order and page."""
    return (
        sa.select(
            Listing.id,
            Listing.title,
            Listing.price,
            Listing.unit,
            Listing.approved_at,
            Listing.version,
            Business.name.label("business_name"),
            District.name.label("district_name"),
            # the stock mark (``listings.stock.public_mark``) and the share card's key
            Listing.stock,
            Listing.stock_checked_at,
            Round.showcase_ends_at,
            _cover_image_id().label("cover_image_id"),
            *[
                valid_permit_select(kind, now, Listing.business_id)
                .limit(1)
                .scalar_subquery()
                .label(label)
                for kind, label in _BADGE.items()
            ],
        )
        .select_from(Listing)
        .join(Listing.round)
        .join(Listing.business)
        .join(District, District.id == Business.district_id)
        .where(public_listing_filter(now))
    )


def _cover_image_id():
    """The cover photo's image id (lowest position; no ORDER BY, which would sort per row)."""
    first = aliased(Photo, name="first_photo")
    lowest = (
        sa.select(sa.func.min(first.position))
        .where(first.listing_id == Listing.id)
        .scalar_subquery()
    )
    return (
        sa.select(sa.func.min(Photo.image_id))
        .where(Photo.listing_id == Listing.id, Photo.position == lowest)
        .scalar_subquery()
    )


@dataclass(frozen=True, slots=True)
class Picture:
    """A cover as the card's ``<img>`` shows it: ``src`` (the w640 WebP, else the widest),
    ``srcset`` of every WebP width, and the pixel size of ``src`` (so nothing jumps)."""

    src: str
    srcset: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Cover:
    """A listing's cover: its card picture and its link-preview image (a site-relative or
    storage URL; ``CardGrid.og`` makes it absolute)."""

    picture: Picture | None
    og: OgImage | None


@dataclass(frozen=True, slots=True)
class Card:
    """Everything one card shows, formatted: what the ``card`` macro reads."""

    id: int
    href: str
    title: Markup
    price: str
    unit: str | None
    business: str
    district: str
    badges: tuple[str, ...]
    picture: Picture | None
    stock: tuple[str, str] | None = None  # (css modifier, label): "Stok habis", "Pre-order"
    sizes: str = CARD_SIZES


@dataclass(frozen=True, slots=True)
class CardGrid:
    """The HTML of a row of cards (``{{ grid }}`` in a template) and the first card's Open
    Graph image (absolute URL), for the page's link preview."""

    html: Markup
    og: OgImage | None

    def __html__(self) -> str:
        return self.html

    def __bool__(self) -> bool:
        return bool(self.html)


def _cover_from(variants: list) -> Cover:
    """A ``Cover`` from one image's variant rows (``name, backend, key, content_type, size,
    width, height``), with the same choices as the picture macro and ``sharing.og_image``."""
    web = sorted((v for v in variants if v.content_type == "image/webp"), key=lambda v: v.width)
    widths: dict[int, object] = {}
    for v in web:
        widths.setdefault(v.width, v)
    web = list(widths.values())
    picture = None
    if web:
        fallback = next((v for v in variants if v.name == "w640"), None) or web[-1]
        picture = Picture(
            src=variant_url(fallback),
            srcset=", ".join(f"{variant_url(v)} {v.width}w" for v in web),
            width=fallback.width,
            height=fallback.height,
        )
    og = None
    ig = [v for v in variants if v.name == "ig1080"]
    for v in ig + sorted(web, key=lambda v: -v.width):
        if (v.size or 0) <= OG_IMAGE_MAX_BYTES:
            og = OgImage(
                url=variant_url(v), width=v.width, height=v.height, content_type=v.content_type
            )
            break
    return Cover(picture=picture, og=og)


@functools.cache
def _covers_query():
    """The covers statement, built once (an expanding ``ids`` parameter): building it per
    page cost more than running it."""
    cover_photo = aliased(Photo, name="cover_photo")
    first = (
        sa.select(sa.func.min(cover_photo.position))
        .where(cover_photo.listing_id == Photo.listing_id)
        .scalar_subquery()
    )
    return (
        sa.select(
            Photo.listing_id,
            Photo.id.label("photo_id"),
            ImageVariant.name,
            ImageVariant.backend,
            ImageVariant.key,
            ImageVariant.content_type,
            ImageVariant.size,
            ImageVariant.width,
            ImageVariant.height,
        )
        .join(ImageVariant, ImageVariant.image_id == Photo.image_id)
        .where(Photo.listing_id.in_(sa.bindparam("ids", expanding=True)), Photo.position == first)
        .order_by(Photo.listing_id, Photo.id)
    )


def covers(listing_ids: list[int]) -> dict[int, Cover]:
    """The cover (first photo by position) of each listing, in one query over photos and
    their image's variants. Listings without a photo are left out."""
    if not listing_ids:
        return {}
    rows = db.session.execute(_covers_query(), {"ids": list(listing_ids)}).all()
    by_listing: dict[int, list] = {}
    photo_of: dict[int, int] = {}
    for row in rows:
        # Two photos at the same position: the first one saved is the cover.
        if photo_of.setdefault(row.listing_id, row.photo_id) == row.photo_id:
            by_listing.setdefault(row.listing_id, []).append(row)
    return {lid: _cover_from(vs) for lid, vs in by_listing.items()}


def badges_of(row) -> tuple:
    """The badge kinds a card row carries, in ``PERMIT_KINDS`` order."""
    return tuple(kind for kind, label in _BADGE.items() if getattr(row, label) is not None)


@functools.lru_cache(maxsize=4096)
def _price_text(amount: int | None, locale: str) -> str:
    """``formatting.rupiah`` per amount and locale, formatted once per process (Babel's
    currency formatting cost ~0.5 ms a card; prices repeat)."""
    return rupiah(amount)


class _StockView:
    """What ``listings.stock.public_mark`` reads of a listing, from a card row."""

    __slots__ = ("stock", "stock_checked_at", "round", "showcase_ends_at")

    def __init__(self, row):
        self.stock = row.stock
        self.stock_checked_at = row.stock_checked_at
        self.round = self  # public_mark reads listing.round.showcase_ends_at
        self.showcase_ends_at = row.showcase_ends_at


def stock_of(row, now: datetime):
    """The card's stock mark (``listings.stock.public_mark``) or None; the round cut-offs
    are read once per request, and not at all for a recent listing."""
    from flask import g

    from ..listings.stock import NO_CUTOFFS, cutoffs, may_be_stale, public_mark

    view = _StockView(row)
    marks = g.get("stock_cutoffs")
    if marks is None and not may_be_stale(view, now):
        marks = NO_CUTOFFS  # no query for a recent listing
    elif marks is None:
        marks = g.stock_cutoffs = cutoffs(now)
    mark = public_mark(view, marks)
    return (mark[0], str(mark[1])) if mark else None


def card_of(
    row, cover: Cover | None, marks: tuple[str, ...] = (), stock: tuple | None = None
) -> Card:
    """A ``Card`` from a ``card_select`` row and its cover; ``marks`` are searched words to
    highlight in the title."""
    return Card(
        id=row.id,
        href=url_for("catalogue.listing", listing_id=row.id, slug=slugify(row.title)),
        title=highlight(row.title, list(marks)) if marks else escape(row.title),
        price=_price_text(row.price, str(get_locale() or "id")),
        unit=unit_name(row.unit) if row.price is not None else None,
        business=row.business_name,
        district=row.district_name,
        badges=tuple(str(PERMIT_LABELS[k]) for k in badges_of(row)),
        picture=cover.picture if cover else None,
        stock=stock,
    )


def _key(row, locale: str, marks: tuple[str, ...], stock) -> tuple:
    return (
        "card",
        locale,
        request.script_root,
        row.id,
        row.version,
        badges_of(row),
        stock,
        marks,
    )


def card_grid(rows: list, now: datetime, marks=()) -> CardGrid:
    """The cards of ``rows`` (``card_select`` rows, in page order) as HTML, each card kept
    in ``fragments`` and built only when missing (one cover query for all the missing)."""
    if not rows:
        return CardGrid(html=Markup(""), og=None)
    marks = tuple(marks or ())
    locale = str(get_locale() or "id")
    stocks = [stock_of(row, now) for row in rows]
    keys = [_key(row, locale, marks, stock) for row, stock in zip(rows, stocks, strict=True)]
    found, store = fragments.lookup(keys, now)
    missing = [
        (row, key, stock)
        for row, key, stock in zip(rows, keys, stocks, strict=True)
        if key not in found
    ]
    if missing:
        found_covers = covers([row.id for row, _key, _stock in missing])
        macro = current_app.jinja_env.get_template("catalogue/_card.html").module.card
        for row, key, stock in missing:
            cover = found_covers.get(row.id)
            value = (Markup(macro(card_of(row, cover, marks, stock))), cover.og if cover else None)
            found[key] = value
            fragments.keep(store, key, value)
    og = found[keys[0]][1]
    if og is not None:
        og = OgImage(
            url=absolute(og.url), width=og.width, height=og.height, content_type=og.content_type
        )
    return CardGrid(html=Markup("").join(found[key][0] for key in keys), og=og)
