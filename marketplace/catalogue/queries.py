"""Public listings found, filtered and paged: the catalogue's searches.

Every function takes ``now`` (aware UTC) and returns only *public* listings: approved and
their round published at ``now`` (``listings.state.public_listing_filter``). Results
are ordered newest first by ``(approved_at desc, id desc)``; pages are cut by keyset
(an opaque cursor naming the last row's sort key, ``cursor``), so page 500 costs what
page 1 costs.

With ``cards=True`` (the public pages) a page holds plain rows of the columns a card shows
(``listing_cards.card_select``; ``listing_cards.card_grid`` renders them); otherwise (the
API, feeds, the poster) ``Listing`` objects with everything a template shows eager-loaded:
business (+ district), round, category (joined) and photos → image → variants (selectin).
Templates never query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ..auth.models import Community
from ..extensions import db
from ..listings.models import Business, Listing, PermitKind, StockStatus
from ..listings.permits import valid_permit_clause
from ..listings.state import public_listing_filter
from ..reference.models import Category, District
from . import search
from .cursor import (
    DEFAULT_PER_PAGE,
    SORT_CHEAPEST,
    SORT_NEWEST,
    SORT_RELEVANCE,
    InvalidCursor,
    _after,
    _before,
    _order,
    clamp_per_page,
    clean_sort,
    decode_cursor,
    encode_cursor,
)
from .listing_cards import card_select

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8


def query_words(q: str | None) -> list[str]:
    """The words of a search as typed: trimmed, at most 8 words of 40 characters."""
    text = " ".join((q or "").split())[:MAX_QUERY_CHARS]
    return [w[:40] for w in text.split(" ") if w][:MAX_QUERY_WORDS]


def _public_select(now: datetime):
    """SELECT Listing, joined to its round and business (reused for eager loading)."""
    return (
        sa.select(Listing)
        .join(Listing.round)
        .join(Listing.business)
        .options(contains_eager(Listing.round), contains_eager(Listing.business))
        .where(public_listing_filter(now))
    )


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
    available: bool = False  # leave out sold-out listings (else they come last: ``_segments``)

    def apply(self, stmt, now: datetime):
        if self.category:
            stmt = stmt.where(
                Listing.category_id
                == sa.select(Category.id).where(Category.slug == self.category).scalar_subquery()
            )
        if self.district:
            stmt = stmt.where(
                Business.district_id
                == sa.select(District.id).where(District.slug == self.district).scalar_subquery()
            )
        if self.community:
            stmt = stmt.where(
                Listing.community_id
                == sa.select(Community.id).where(Community.slug == self.community).scalar_subquery()
            )
        if self.price_min is not None:
            stmt = stmt.where(Listing.price >= self.price_min)
        if self.price_max is not None:
            stmt = stmt.where(Listing.price <= self.price_max)
        if self.halal:  # a checked, unexpired halal permit of the business (Business.badges)
            stmt = stmt.where(valid_permit_clause(PermitKind.HALAL, now, Listing.business_id))
        if self.available:
            stmt = stmt.where(Listing.stock != StockStatus.SOLD_OUT)
        return stmt

    def segments(self) -> list:
        """The conditions a result list is walked in, one after the other: listings not sold
        out, then sold-out ones (none when ``available``). A cursor names its segment."""
        first = Listing.stock != StockStatus.SOLD_OUT
        return [first] if self.available else [first, Listing.stock == StockStatus.SOLD_OUT]


def search_listings(
    now: datetime,
    q: str | None = None,
    category: str | None = None,
    district: str | None = None,
    after: str | None = None,
    per_page: int = DEFAULT_PER_PAGE,
    *,
    sort: str | None = None,
    filters: Filters | None = None,
    business_id: int | None = None,
    community_id: int | None = None,
    round_id: int | None = None,
    cards: bool = False,
) -> Page:
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
    if match is not None and match.unsearchable:
        # Only symbols or emoji: nothing to look up, no query to run (search.Match).
        if after:
            decode_cursor(after)  # still refuse a cursor we did not make
        return Page(items=[], per_page=per_page, sort=sort, match=match)

    stmt = filters.apply(card_select(now) if cards else _public_select(now), now)
    load = _rows if cards else _objects
    if business_id is not None:
        stmt = stmt.where(Listing.business_id == business_id)
    if community_id is not None:
        stmt = stmt.where(Listing.community_id == community_id)
    if round_id is not None:
        stmt = stmt.where(Listing.round_id == round_id)

    direction, key, ident, segment = "a", None, None, 0
    if after:
        cursor_sort, direction, key, ident, segment = decode_cursor(after)
        if cursor_sort != sort:
            raise InvalidCursor(after)
    segments = filters.segments()
    if segment >= len(segments):  # a sold-out row's cursor while sold-out ones are hidden
        return Page(items=[], per_page=per_page, sort=sort, match=match)
    if sort == SORT_RELEVANCE:
        return _relevance_page(
            stmt, match, segments, direction, key, ident, segment, per_page, load
        )

    if match is not None:
        stmt = match.join(stmt)[0] if match.join is not None else stmt.where(match.condition)
    if sort == SORT_NEWEST:
        col, asc = Listing.approved_at, False
    else:
        col, asc = Listing.price, sort == SORT_CHEAPEST
    # The sort key is never NULL in a page (``cursor._order``): the ORDER BY then matches
    # the keyset index on both engines, whatever their NULL ordering.
    stmt = stmt.where(col.is_not(None))

    def fetch(part, edge, reverse, limit):
        query = stmt.where(segments[part])
        if edge:
            query = query.where((_before if reverse else _after)(col, asc, key, ident))
        return load(query.order_by(*_order(col, asc, reverse)).limit(limit))

    rows = _walk(len(segments), segment, direction, ident is not None, per_page, fetch)
    return _page(
        rows,
        direction,
        ident is not None,
        per_page,
        lambda row, part, way: encode_cursor(row, way, sort, segment=part),
        sort=sort,
        match=match,
    )


def _objects(stmt) -> list:
    """The listings a statement selects (eager loads joined: one row per listing)."""
    return list(db.session.execute(stmt).unique().scalars())


def _rows(stmt) -> list:
    """The rows a column statement selects (``listing_cards.card_select``)."""
    return list(db.session.execute(stmt).all())


def _walk(parts: int, start: int, direction: str, from_edge: bool, per_page: int, fetch):
    """Up to ``per_page + 1`` rows from consecutive result parts (segments, or segments ×
    relevance tiers), from part ``start`` on (``a``) or back towards part 0 (``b``).
    ``fetch(part, edge, reverse, limit)`` gives a part's rows in walking order, only those
    past the cursor's row when ``edge``. Returns ``[(row, part)]``."""
    rows: list = []
    order = range(start, parts) if direction == "a" else range(start, -1, -1)
    for part in order:
        edge = from_edge and part == start
        got = fetch(part, edge, direction == "b", per_page + 1 - len(rows))
        rows += [(row, part) for row in got]
        if len(rows) > per_page:
            break
    return rows


def _page(rows, direction, from_cursor, per_page, cursor, **kw) -> Page:
    """A Page from ``_walk``'s rows; ``cursor(row, part, way)`` makes a cursor."""
    if direction == "b":
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return Page(
            items=[r[0] for r in rows],
            per_page=per_page,
            next=cursor(*rows[-1], "a") if rows else None,
            prev=cursor(*rows[0], "b") if rows and more_before else None,
            **kw,
        )
    items = rows[:per_page]
    return Page(
        items=[r[0] for r in items],
        per_page=per_page,
        next=cursor(*items[-1], "a") if len(rows) > per_page else None,
        prev=cursor(*items[0], "b") if items and from_cursor else None,
        **kw,
    )


def _relevance_page(
    stmt,
    match: search.Match,
    segments: list,
    direction: str,
    tier: int | None,
    ident: int | None,
    segment: int,
    per_page: int,
    load=_objects,
) -> Page:
    """A page in relevance order: segment by segment (sold-out last), tier by tier within
    one (``search.Match``), newest id first within a tier; the cursor names the segment,
    tier and id of the row at the edge."""
    tiers = match.tiers
    tier = tier or 0
    # a tier past the last (a cursor made for another search) starts at the last, unbounded
    start = segment * tiers + min(tier, tiers - 1)
    from_edge = ident is not None and tier < tiers

    def fetch(part, edge, reverse, limit):
        query, id_col = match.join(stmt.where(segments[part // tiers]), part % tiers)
        if edge:
            query = query.where(id_col > ident if reverse else id_col < ident)
        order = id_col.asc() if reverse else id_col.desc()
        return load(query.order_by(order).limit(limit))

    if direction == "a" and ident is not None and tier >= tiers:
        rows = []  # nothing comes after a tier that does not exist
    else:
        rows = _walk(len(segments) * tiers, start, direction, from_edge, per_page, fetch)
    return _page(
        rows,
        direction,
        ident is not None,
        per_page,
        lambda row, part, way: encode_cursor(
            row, way, SORT_RELEVANCE, part % tiers, segment=part // tiers
        ),
        sort=SORT_RELEVANCE,
        match=match,
    )


def public_listing(listing_id: int, now: datetime) -> Listing | None:
    """The listing if it is public at ``now``, else None."""
    return (
        db.session.execute(_public_select(now).where(Listing.id == listing_id))
        .unique()
        .scalar_one_or_none()
    )


def related_listings(listing: Listing, now: datetime, n: int = 4) -> list:
    """Up to ``n`` other public listings of the same category, newest first, as card rows
    (``listing_cards.card_select``)."""
    return _rows(
        card_select(now)
        .where(
            Listing.category_id == listing.category_id,
            Listing.id != listing.id,
            Listing.approved_at.is_not(None),
        )
        .order_by(*_order(Listing.approved_at, asc=False))
        .limit(n)
    )


def count_listings(now: datetime, q: str | None, filters: Filters, cap: int = 1000) -> int:
    """How many public listings match (counted up to ``cap``)."""
    stmt = filters.apply(
        sa.select(Listing.id)
        .join(Listing.round)
        .join(Listing.business)
        .where(public_listing_filter(now)),
        now,
    )
    match = search.resolve(" ".join(query_words(q)))
    if match is not None and match.unsearchable:
        return 0
    if match is not None:
        stmt = match.join(stmt)[0] if match.join is not None else stmt.where(match.condition)
    return db.session.execute(
        sa.select(sa.func.count()).select_from(stmt.limit(cap).subquery())
    ).scalar_one()
