"""What a public page's share card shows (``og:image``) and what its link preview says.

A card (1200×630, drawn by ``sharecards``) holds the site's brand, a heading (the category
and kecamatan, the business, the community or the edition), a one-line summary that says
what is there ("42 produk makanan dari Pamulang", also the page's description) and the cover
photos of the page's first listings, newest first. Its ``key`` is a hash of all of that
(each listing by id, version and cover photo), so a card is drawn once per content and a
new listing or a take-down yields a new URL (link previews are cached by URL).

Reads only. ``sharecards`` serves ``/kartu/…``; this module only builds the spec and the
``og:image`` URL (``url_for`` by endpoint name: catalogue does not import ``sharecards``).
The key travels as ``?v=<key>``: link previews and CDNs cache by the whole URL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..auth.models import Community
from ..extensions import db
from ..listings.models import Business, Listing
from ..listings.state import public_listing_filter
from ..rounds.models import Round
from .cursor import SORT_NEWEST
from .queries import Filters, search_listings
from .sharing import OgImage
from .summaries import catalogue_summary
from .urls import absolute_url_for

CARD_WIDTH, CARD_HEIGHT = 1200, 630
CARD_MAX_BYTES = 300 * 1024
CARD_PHOTOS = 4
# Part of every key: a change to the drawing (sharecards.render) bumps it, so cards drawn
# the old way are never served for the new.
CARD_DESIGN = 1
COUNT_CAP = 1000
# The image routes (``sharecards.views``), by the kind of page.
CARD_ENDPOINTS = {
    "katalog": "sharecards.catalogue_card",
    "usaha": "sharecards.business_card",
    "komunitas": "sharecards.community_card",
    "edisi": "sharecards.round_card",
}
DEFAULT_LOCALE = "id"


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or DEFAULT_LOCALE)


@dataclass
class CardSpec:
    """One page's card. ``kind`` and ``ident`` name the page (``"katalog"`` with the filter
    slugs in ``params``; ``"usaha"`` + business id; ``"komunitas"`` + slug; ``"edisi"`` +
    edition number); ``listings`` are the first ones the page shows (at most 4)."""

    kind: str
    ident: str
    heading: str
    summary: str
    listings: list[Listing] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    locale: str = field(default_factory=lambda: _locale())

    @property
    def key(self) -> str:
        """24 hex characters of SHA-256 over the design, the texts and each listing's id,
        version and cover photo."""
        content = [
            CARD_DESIGN,
            self.kind,
            self.ident,
            self.locale,
            sorted(self.params.items()),
            self.heading,
            self.summary,
            [(item.id, item.version, _cover_image_id(item)) for item in self.listings],
        ]
        raw = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()[:24]

    def url_values(self) -> dict:
        """``url_for`` values of the card's image: its ``sharecards`` endpoint, the page's
        path argument, the filters, the content key (``v``) and the language (``bahasa``,
        left out for Indonesian) its texts are in."""
        path = {
            "katalog": {},
            "usaha": {"business_id": self.ident},
            "komunitas": {"slug": self.ident},
            "edisi": {"edition": self.ident},
        }[self.kind]
        values = {"endpoint": CARD_ENDPOINTS[self.kind], **path, **self.params, "v": self.key}
        if self.locale != DEFAULT_LOCALE:
            values["bahasa"] = self.locale
        return values

    def og(self) -> OgImage | None:
        """The ``og:image`` of the page (absolute URL of ``sharecards.card``), or None when
        the page has no listing to show (no picture rather than an empty card)."""
        if not self.listings:
            return None
        return OgImage(
            url=absolute_url_for(**self.url_values()),
            width=CARD_WIDTH,
            height=CARD_HEIGHT,
            content_type="image/jpeg",
        )


def _cover_image_id(item) -> int | None:
    """The cover's image id of a ``Listing`` or of a card row (``listing_cards``)."""
    if hasattr(item, "cover_image_id"):
        return item.cover_image_id
    return item.cover.image_id if item.cover else None


def _count(now: datetime, **where) -> int:
    """Public listings with ``Listing.<column> == value`` for each of ``where``, up to the cap."""
    stmt = (
        sa.select(Listing.id)
        .join(Listing.round)
        .join(Listing.business)
        .where(public_listing_filter(now), *(getattr(Listing, k) == v for k, v in where.items()))
    )
    return db.session.execute(
        sa.select(sa.func.count()).select_from(stmt.limit(COUNT_CAP).subquery())
    ).scalar_one()


def _n(count: int) -> str:
    return "1000+" if count >= COUNT_CAP else str(count)


def _first(now: datetime, items: list[Listing] | None, **search) -> list[Listing]:
    """The page's first listings in its default order (newest first): ``items`` when the
    page already loaded them (its first page in that order), else one small query."""
    if items is not None:
        return list(items[:CARD_PHOTOS])
    return search_listings(now, sort=SORT_NEWEST, per_page=CARD_PHOTOS, **search).items


def catalogue_card(
    now: datetime,
    *,
    category=None,
    district=None,
    community: Community | None = None,
    total: int | None = None,
    items: list[Listing] | None = None,
) -> CardSpec:
    """The card of ``/katalog`` narrowed (or not) by a category, a kecamatan and a community
    (the reference rows); ``total`` and ``items`` when the page already knows them."""
    filters = Filters(
        category=category.slug if category else None,
        district=district.slug if district else None,
        community=community.slug if community else None,
    )
    if total is None:  # kept in the fragment store, as the page's own count
        from .pages import result_count

        total = result_count(now, None, filters, cap=COUNT_CAP)
    from flask_babel import gettext as _

    parts = [p.name for p in (category, district, community) if p is not None]
    params = {
        name: obj.slug
        for name, obj in (("kategori", category), ("kecamatan", district), ("komunitas", community))
        if obj is not None
    }
    return CardSpec(
        kind="katalog",
        ident="",
        heading=" · ".join(parts) if parts else _("Katalog produk"),
        summary=catalogue_summary(
            total, category.name if category else None, district.name if district else None
        ),
        listings=_first(now, items, filters=filters),
        params=params,
    )


def _seller_card(now: datetime, kind: str, ident: str, owner, items, **where) -> CardSpec:
    """A business's or a community's card: "12 produk dari <name>, <kecamatan>", its public
    listings selected by ``where`` (``business_id=`` or ``community_id=``)."""
    from flask_babel import gettext as _

    return CardSpec(
        kind=kind,
        ident=ident,
        heading=owner.name,
        summary=_(
            "%(n)s produk dari %(name)s, %(where)s",
            n=_n(_count(now, **where)),
            name=owner.name,
            where=owner.district.name,
        ),
        listings=_first(now, items, **where),
    )


def business_card(now: datetime, business: Business, items=None) -> CardSpec:
    """The card of a business page: "12 produk dari Keripik Bu Sri, Pamulang"."""
    return _seller_card(now, "usaha", str(business.id), business, items, business_id=business.id)


def community_card(now: datetime, community: Community, items=None) -> CardSpec:
    """The card of a community page: "18 produk dari Komunitas …, Pamulang"."""
    return _seller_card(
        now, "komunitas", community.slug, community, items, community_id=community.id
    )


def round_card(now: datetime, rnd: Round, items=None) -> CardSpec:
    """The card of an edition's page: "Edisi 14: 40 produk UMKM Tangerang Selatan"."""
    from flask_babel import gettext as _

    n = _n(_count(now, round_id=rnd.id))
    return CardSpec(
        kind="edisi",
        ident=str(rnd.edition),
        heading=rnd.title,
        summary=_("%(edition)s: %(n)s produk UMKM Tangerang Selatan", edition=rnd.title, n=n),
        listings=_first(now, items, round_id=rnd.id),
    )


def spec_for(kind: str, ident: str, args, now: datetime) -> CardSpec | None:
    """The card a public page would show now, from a ``sharecards`` URL: ``kind``, ``ident``
    (``""`` for the catalogue) and, for the catalogue, the ``kategori``, ``kecamatan`` and
    ``komunitas`` slugs in ``args``. None when there is no such public page. Uses the
    request's locale."""
    from .pages import filter_choices, public_business, public_community, published_round

    if kind == "katalog":
        categories, districts = filter_choices()
        picked = []
        for name, choices in (("kategori", categories), ("kecamatan", districts)):
            slug = args.get(name)
            found = next((c for c in choices if c.slug == slug), None) if slug else None
            if slug and found is None:
                return None
            picked.append(found)
        slug = args.get("komunitas")
        community = public_community(slug) if slug else None
        if slug and community is None:
            return None
        return catalogue_card(now, category=picked[0], district=picked[1], community=community)
    if kind in ("usaha", "edisi"):
        if not ident.isdecimal() or len(ident) > 15:
            return None
        if kind == "usaha":
            business = public_business(int(ident), now)
            return business_card(now, business) if business else None
        rnd = published_round(int(ident), now)
        return round_card(now, rnd) if rnd else None
    if kind == "komunitas":
        community = public_community(ident)
        return community_card(now, community) if community else None
    return None
