"""The province report: one row per kecamatan and category of a round (listings, UMKM
promoted, new vs returning UMKM, WhatsApp taps, searches, unmet searches), for
``flask stats export --round N`` and the round page's demand figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..catalogue.models import WhatsappTap
from ..demand.board import window
from ..demand.models import KIND_SEARCH, DemandSearch
from ..demand.queries import QueryCount, search_totals, top_queries
from ..extensions import db
from ..listings.models import Business, Listing, ListingStatus
from ..reference.models import Category, District
from ..rounds.models import Round

HEADER = [
    "periode",
    "kecamatan",
    "kategori",
    "produk",
    "umkm_dipromosikan",
    "umkm_baru",
    "umkm_kembali",
    "ketukan_wa",
    "pencarian",
    "pencarian_tanpa_hasil",
]


def find_round(ref: str) -> Round | None:
    """A round by edition number, or by id when no round has that edition (``id:5`` says
    id explicitly)."""
    text = ref.strip().lower()
    if text.startswith("id:") and text[3:].isdecimal():
        return db.session.get(Round, int(text[3:]))
    if not text.isdecimal():
        return None
    found = db.session.execute(sa.select(Round).where(Round.edition == int(text))).scalar()
    return found or db.session.get(Round, int(text))


@dataclass
class Cell:
    """Figures for one (kecamatan, category) of a round."""

    listings: int = 0
    businesses: set[int] = field(default_factory=set)
    returning: set[int] = field(default_factory=set)
    taps: int = 0
    searches: int = 0
    unmet: int = 0


def province_rows(rnd: Round, now: datetime) -> list[list]:
    """The report rows of ``rnd`` (``HEADER`` order), by kecamatan then category name.

    Listings are the round's approved listings (by the business's kecamatan); an UMKM is
    "returning" when it had an approved listing in an earlier round. Taps are those of
    the round's listings on any day. Searches are the catalogue searches made in the
    round's window (publication → showcase end) with that kecamatan and category chosen as
    filters (searches without both filters are in no row; the round page has the totals)."""
    districts = {d.id: d for d in db.session.execute(sa.select(District)).scalars()}
    categories = {c.id: c for c in db.session.execute(sa.select(Category)).scalars()}
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    listed = db.session.execute(
        sa.select(Listing.id, Listing.business_id, Listing.category_id, Business.district_id)
        .join(Business, Listing.business_id == Business.id)
        .where(Listing.round_id == rnd.id, Listing.status == ListingStatus.APPROVED)
    ).all()
    earlier = set(
        db.session.execute(
            sa.select(Listing.business_id)
            .join(Round, Listing.round_id == Round.id)
            .where(
                Listing.status == ListingStatus.APPROVED,
                Round.publishes_at < rnd.publishes_at,
            )
        ).scalars()
    )
    taps = dict(
        db.session.execute(
            sa.select(WhatsappTap.listing_id, sa.func.sum(WhatsappTap.taps))
            .join(Listing, WhatsappTap.listing_id == Listing.id)
            .where(Listing.round_id == rnd.id)
            .group_by(WhatsappTap.listing_id)
        ).all()
    )
    for lid, business_id, category_id, district_id in listed:
        cell = cells[(district_id, category_id)]
        cell.listings += 1
        cell.businesses.add(business_id)
        if business_id in earlier:
            cell.returning.add(business_id)
        cell.taps += int(taps.get(lid, 0))
    since, until = window(rnd, now)
    by_slug_d = {d.slug: d.id for d in districts.values()}
    by_slug_c = {c.slug: c.id for c in categories.values()}
    unmet = sa.func.sum(sa.case((DemandSearch.bucket == "0", DemandSearch.searches), else_=0))
    for district, category, n, u in db.session.execute(
        sa.select(
            DemandSearch.district, DemandSearch.category, sa.func.sum(DemandSearch.searches), unmet
        )
        .where(DemandSearch.day.between(since, until), DemandSearch.kind == KIND_SEARCH)
        .group_by(DemandSearch.district, DemandSearch.category)
    ):
        key = (by_slug_d.get(district), by_slug_c.get(category))
        if None in key:
            continue
        cells[key].searches += int(n or 0)
        cells[key].unmet += int(u or 0)
    rows = []
    for (district_id, category_id), c in cells.items():
        d, cat = districts[district_id], categories[category_id]
        rows.append(
            [
                rnd.title,
                d.name,
                cat.name,
                c.listings,
                len(c.businesses),
                len(c.businesses - c.returning),
                len(c.returning),
                c.taps,
                c.searches,
                c.unmet,
            ]
        )
    rows.sort(key=lambda r: (r[1], r[2]))
    return rows


@dataclass
class RoundDemand:
    """Demand figures of a round for its statistics page."""

    searches: int
    zero: int
    top_unmet: list[QueryCount]

    @property
    def zero_share(self) -> float | None:
        return self.zero / self.searches if self.searches else None


def round_demand(rnd: Round, now: datetime, top: int = 10) -> RoundDemand:
    """Searches in the round's window, how many found nothing, and the top unmet queries
    (K-anonymous)."""
    since, until = window(rnd, now)
    searches, zero = search_totals(since, until)
    unmet = [q for q in top_queries(since, until, limit=top * 3) if q.unmet][:top]
    return RoundDemand(searches, zero, unmet)
