"""Public listings found, filtered and paged: the catalogue's searches.

Every function takes ``now`` (aware UTC) and returns only *public* listings: approved and
their round published at ``now`` (``listings.state.public_listing_filter``). Results
are ordered newest first by ``(approved_at desc, id desc)``; pages are cut by keyset
(an opaque cursor naming the last row's sort key, ``cursor``), so page 500 costs what
page 1 costs.

With ``cards=True`` (the public pages) a page holds plain rows of the columns a card shows
(``cards.card_select``; ``cards.card_grid`` renders them); otherwise (the API, the poster)
``Listing`` objects with everything a template shows eager-loaded: business (+ district),
round, category (joined) and photos → image → variants (selectin). Templates never query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ..auth.models import Community
from ..extensions import db
from ..listings.models import Business, Listing, PermitKind
from ..listings.permits import valid_permit_clause
from ..listings.state import public_listing_filter
from ..reference.models import Category, District
from . import search
from .cards import card_select
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
        return stmt


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
    clamped to 1..100. ``cards``: items are ``cards.card_select`` rows instead of
    ``Listing`` objects (what the public pages render).
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

    direction, key, ident = "a", None, None
    if after:
        cursor_sort, direction, key, ident = decode_cursor(after)
        if cursor_sort != sort:
            raise InvalidCursor(after)
    if sort == SORT_RELEVANCE:
        return _relevance_page(stmt, match, direction, key, ident, per_page, load)

    if match is not None:
        stmt = match.join(stmt)[0] if match.join is not None else stmt.where(match.condition)
    if sort == SORT_NEWEST:
        col, asc = Listing.approved_at, False
    else:
        col, asc = Listing.price, sort == SORT_CHEAPEST
    # The sort key is never NULL in a page (``cursor._order``): the ORDER BY then matches
    # the keyset index on both engines, whatever their NULL ordering.
    stmt = stmt.where(col.is_not(None))

    def cursor(row, way):
        return encode_cursor(row, way, sort)

    def fetch(condition, reverse):
        query = stmt.where(condition) if condition is not None else stmt
        return load(query.order_by(*_order(col, asc, reverse)).limit(per_page + 1))

    if direction == "b":
        rows = fetch(_before(col, asc, key, ident), reverse=True)
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return Page(
            items=rows,
            per_page=per_page,
            sort=sort,
            match=match,
            next=cursor(rows[-1], "a") if rows else None,
            prev=cursor(rows[0], "b") if rows and more_before else None,
        )
    rows = fetch(_after(col, asc, key, ident) if ident is not None else None, reverse=False)
    items = rows[:per_page]
    return Page(
        items=items,
        per_page=per_page,
        sort=sort,
        match=match,
        next=cursor(items[-1], "a") if len(rows) > per_page else None,
        prev=cursor(items[0], "b") if items and ident is not None else None,
    )


def _objects(stmt) -> list:
    """The listings a statement selects (eager loads joined: one row per listing)."""
    return list(db.session.execute(stmt).unique().scalars())


def _rows(stmt) -> list:
    """The rows a column statement selects."""
    return list(db.session.execute(stmt).all())


def _relevance_page(
    stmt,
    match: search.Match,
    direction: str,
    tier: int | None,
    ident: int | None,
    per_page: int,
    load=_objects,
) -> Page:
    """A page in relevance order: tier by tier (``search.Match``), newest id first within a
    tier; the cursor names the tier and id of the row at the edge."""
    found: list[tuple[object, int]] = []
    if direction == "b":
        for t in range(min(tier or 0, match.tiers - 1), -1, -1):
            query, id_col = match.join(stmt, t)
            if t == tier:
                query = query.where(id_col > ident)
            found += [
                (x, t) for x in load(query.order_by(id_col.asc()).limit(per_page + 1 - len(found)))
            ]
            if len(found) > per_page:
                break
        more_before = len(found) > per_page
        found = list(reversed(found[:per_page]))
        return Page(
            items=[r[0] for r in found],
            per_page=per_page,
            sort=SORT_RELEVANCE,
            match=match,
            next=encode_cursor(found[-1][0], "a", SORT_RELEVANCE, found[-1][1]) if found else None,
            prev=(
                encode_cursor(found[0][0], "b", SORT_RELEVANCE, found[0][1])
                if found and more_before
                else None
            ),
        )
    first = tier if ident is not None else 0
    for t in range(first, match.tiers):
        query, id_col = match.join(stmt, t)
        if ident is not None and t == first:
            query = query.where(id_col < ident)
        found += [
            (x, t) for x in load(query.order_by(id_col.desc()).limit(per_page + 1 - len(found)))
        ]
        if len(found) > per_page:
            break
    page_rows = found[:per_page]
    return Page(
        items=[r[0] for r in page_rows],
        per_page=per_page,
        sort=SORT_RELEVANCE,
        match=match,
        next=(
            encode_cursor(page_rows[-1][0], "a", SORT_RELEVANCE, page_rows[-1][1])
            if len(found) > per_page
            else None
        ),
        prev=(
            encode_cursor(page_rows[0][0], "b", SORT_RELEVANCE, page_rows[0][1])
            if page_rows and ident is not None
            else None
        ),
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
    (``cards.card_select``)."""
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
