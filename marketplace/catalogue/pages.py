"""Reads for the pages around the listings: home, counts, a business, community or round.

Also the filter menus and the ways out of an empty result (``empty_suggestions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..auth.models import Community, CommunityStatus
from ..extensions import db
from ..listings.models import Business, Listing
from ..listings.permits import wib_date
from ..listings.state import public_listing_filter
from ..reference import queries as reference
from ..reference.models import Category, District
from ..rounds.models import Round
from ..rounds.services import showcase_round
from . import fragments, search
from .queries import Filters, Page, count_listings, query_words, search_listings


def _cached(key: str, compute, now: datetime):
    """Aggregate numbers (counts on the home page cost a scan of every public listing),
    kept in ``fragments`` until the next change to public data or publication."""
    return fragments.remember(("counts", key), compute, now)


def _category_counts(now: datetime) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(Listing.category_id, sa.func.count(Listing.id))
            .where(public_listing_filter(now))
            .group_by(Listing.category_id)
        ).all()
    )


def _district_counts(now: datetime) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(Business.district_id, sa.func.count(Listing.id))
            .join(Listing.business)
            .where(public_listing_filter(now))
            .group_by(Business.district_id)
        ).all()
    )


def categories_with_counts(now: datetime) -> list[tuple[Category, int]]:
    """Active categories in their order, each with its number of public listings (the
    numbers may be up to ``CATALOGUE_COUNTS_TTL`` seconds old)."""
    counts = _cached("categories", lambda: _category_counts(now), now)
    categories, _districts = filter_choices()
    return [(c, counts.get(c.id, 0)) for c in categories]


def districts_with_counts(now: datetime) -> list[tuple[District, int]]:
    """Every district in order, each with its number of public listings (cached as above)."""
    counts = _cached("districts", lambda: _district_counts(now), now)
    _categories, districts = filter_choices()
    return [(d, counts.get(d.id, 0)) for d in districts]


@dataclass
class HomeData:
    """What the home page shows. ``listings`` is the showcase round's newest (or, when that
    round has none, the newest public listings overall)."""

    round: Round | None
    listings: list  # card rows (``listing_cards.card_select``), for ``listing_cards.card_grid``
    categories: list[tuple[Choice, int]]
    districts: list[tuple[Choice, int]]
    more: bool = False
    #: when the showcase round holds fewer than ``n``: the newest public listings of other
    #: rounds, so the first screen is never one lonely product (shown under their own heading)
    earlier: list = field(default_factory=list)  # card rows too


def _other_rounds_public(now: datetime, round_id: int) -> bool:
    """Whether any public listing is outside ``round_id`` (one indexed probe, run on every
    home render so the page's statement count does not depend on how full the showcase is)."""
    return (
        db.session.execute(
            sa.select(Listing.id)
            .join(Listing.round)
            .where(public_listing_filter(now), Listing.round_id != round_id)
            .limit(1)
        ).first()
        is not None
    )


def home_data(now: datetime, n: int = 12) -> HomeData:
    """The showcase round (``rounds.services.showcase_round``) and its newest ``n`` listings,
    topped up to ``n`` from recent rounds (``earlier``) when it holds fewer; categories and
    districts with counts."""
    rnd = showcase_round(now)
    page = search_listings(now, round_id=rnd.id, per_page=n, cards=True) if rnd else Page([])
    earlier: list = []
    if not page.items:
        rnd = None
        page = search_listings(now, per_page=n, cards=True)
    elif _other_rounds_public(now, rnd.id) and len(page.items) < n:
        shown = {row.id for row in page.items}
        newest = search_listings(now, per_page=n + len(shown), cards=True).items
        earlier = [row for row in newest if row.id not in shown][: n - len(shown)]
    return HomeData(
        round=rnd,
        earlier=earlier,
        listings=page.items,
        categories=categories_with_counts(now),
        districts=districts_with_counts(now),
        more=page.next is not None,
    )


def public_business(business_id: int, now: datetime) -> Business | None:
    """A business that has at least one public listing (others are not published)."""
    has_public = sa.exists(
        sa.select(Listing.id)
        .join(Listing.round)
        .where(Listing.business_id == Business.id, public_listing_filter(now))
    )
    return (
        db.session.execute(
            sa.select(Business)
            .options(joinedload(Business.community))
            .where(Business.id == business_id, has_public)
        )
        .unique()
        .scalar_one_or_none()
    )


def public_community(slug: str) -> Community | None:
    """A verified (or since suspended) community by slug; pending ones are not public."""
    return (
        db.session.execute(
            sa.select(Community).where(
                Community.slug == slug[:140], Community.status != CommunityStatus.PENDING
            )
        )
        .unique()
        .scalar_one_or_none()
    )


def published_round(edition: int, now: datetime) -> Round | None:
    """The round with this edition number if it is published at ``now``."""
    if not 0 < edition < 2**31:
        return None
    return db.session.execute(
        sa.select(Round).where(Round.edition == edition, Round.publishes_at <= now)
    ).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class Choice:
    """A category or district as the public pages show it (menus, chips, headings): plain
    values, kept between requests in ``fragments``; ``name`` in the reader's language."""

    id: int
    slug: str
    name: str


def _choices() -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    return (
        tuple(Choice(c.id, c.slug, c.name) for c in reference.categories()),
        tuple(Choice(d.id, d.slug, d.name) for d in reference.districts()),
    )


def filter_choices() -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """Active categories and every district, in their display order (the filter menus), as
    ``Choice`` values kept per locale until public data changes."""
    from flask_babel import get_locale

    return fragments.remember(("choices", str(get_locale() or "id")), _choices)


def result_count(now: datetime, q: str | None, filters: Filters, cap: int = 1000) -> int:
    """``queries.count_listings`` kept in ``fragments`` per normalised query (the words
    searched, so ``Kopi  GAYO`` and ``kopi gayo`` share it), filters and cap; with the halal
    filter also per WIB day (a permit expires by the calendar)."""
    from dataclasses import astuple

    key = (
        "count",
        tuple(search.words(" ".join(query_words(q)))) if q else (),
        bool(q and q.strip()),
        astuple(filters),
        cap,
        wib_date(now) if filters.halal else None,
    )
    return fragments.remember(key, lambda: count_listings(now, q, filters, cap=cap), now)


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
        relaxed = replace(
            args,
            q=args.q if "q" not in change else "",
            category=None if "kategori" in change else args.category,
            district=None if "kecamatan" in change else args.district,
            community=None if "komunitas" in change else args.community,
            price_min=None if "harga_min" in change else args.price_min,
            price_max=None if "harga_max" in change else args.price_max,
            halal=False if "halal" in change else args.halal,
        )
        n = result_count(now, relaxed.q, relaxed.filters)
        if n:
            out.append(Suggestion(label=label, args=args.url_args(**change), count=n))
    return out
