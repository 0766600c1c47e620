"""The daily demand tables: counts only, never who searched.

A row holds a day (WIB), a normalised query and the filters it was searched with; no
address, cookie, user id, user agent or finer time. Distinct visitors are a number per day
and query, computed from daily-salted address hashes that never leave memory (``counters``).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

KIND_SEARCH = "search"
KIND_ASK = "ask"  # the "Saya cari…" form: a stronger signal than a search


class DemandSearch(db.Model):
    """How many times, on one WIB day, a normalised query was searched (``kind`` "search")
    or asked for (``kind`` "ask"), with which result bucket (``"0"``, ``"1-5"``, ``"6+"``)
    and filters (category and kecamatan slugs, ``""`` for none)."""

    __tablename__ = "demand_searches"
    __table_args__ = (
        sa.UniqueConstraint("day", "kind", "query", "bucket", "category", "district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    kind: Mapped[str] = mapped_column(sa.String(8), default=KIND_SEARCH)
    query: Mapped[str] = mapped_column(sa.String(200))
    bucket: Mapped[str] = mapped_column(sa.String(4))
    category: Mapped[str] = mapped_column(sa.String(60), default="")
    district: Mapped[str] = mapped_column(sa.String(60), default="")
    searches: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DemandSearch {self.day} {self.kind} {self.query!r} {self.bucket} {self.searches}>"


class DemandVisitors(db.Model):
    """How many distinct visitors searched (or asked for) a normalised query on one WIB day:
    the number K-anonymity is judged by. A count, never the hashes."""

    __tablename__ = "demand_visitors"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    query: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    visitors: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DemandVisitors {self.day} {self.query!r} {self.visitors}>"


class ListingView(db.Model):
    """How many times, on one WIB day, shoppers opened a listing's page (``views``, page-cache
    hits and misses alike) and how many distinct visitors they were (``visitors``, from the
    daily-salted hashes that never leave memory). Counts only; bots and staff not counted."""

    __tablename__ = "listing_views"

    listing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
    visitors: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ListingView {self.listing_id} {self.day} {self.views}/{self.visitors}>"
