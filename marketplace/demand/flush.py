"""Writing drained counts into the daily tables, in one transaction per batch."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .counters import CountKey, ViewKey, VisitorKey
from .models import DemandSearch, DemandVisitors, ListingView


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def write_counts(counts: dict[CountKey, int], visitors: dict[VisitorKey, int]) -> None:
    """Add ``counts`` (searches per day, kind, query, bucket, category, kecamatan) to
    ``demand_searches`` and raise ``demand_visitors`` to the day totals in ``visitors``
    (a total only grows: the larger of stored and new is kept). Upserts, so batches from
    several workers never collide. Never commits."""
    insert = _insert()
    if counts:
        table = DemandSearch.__table__
        rows = [
            dict(
                day=day,
                kind=kind,
                query=query,
                bucket=bucket,
                category=category,
                district=district,
                searches=n,
            )
            for (day, kind, query, bucket, category, district), n in counts.items()
        ]
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[
                table.c.day,
                table.c.kind,
                table.c.query,
                table.c.bucket,
                table.c.category,
                table.c.district,
            ],
            set_={"searches": table.c.searches + stmt.excluded.searches},
        )
        db.session.execute(stmt, rows)
    if visitors:
        table = DemandVisitors.__table__
        rows = [dict(day=day, query=query, visitors=n) for (day, query), n in visitors.items()]
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.day, table.c.query],
            set_={
                "visitors": sa.case(
                    (stmt.excluded.visitors > table.c.visitors, stmt.excluded.visitors),
                    else_=table.c.visitors,
                )
            },
        )
        db.session.execute(stmt, rows)


def write_views(views: dict[ViewKey, int], viewers: dict[ViewKey, int]) -> None:
    """Add ``views`` (page views per WIB day and listing) to ``listing_views`` and raise its
    ``visitors`` to the day totals in ``viewers`` (the larger of stored and new is kept).
    Listings gone since (deleted) are skipped. Upserts; never commits."""
    keys = set(views) | set(viewers)
    if not keys:
        return
    from ..listings.models import Listing

    ids = {listing_id for _day, listing_id in keys}
    existing = set(db.session.execute(sa.select(Listing.id).where(Listing.id.in_(ids))).scalars())
    rows = [
        dict(
            listing_id=listing_id,
            day=day,
            views=views.get((day, listing_id), 0),
            visitors=viewers.get((day, listing_id), 0),
        )
        for day, listing_id in sorted(keys)
        if listing_id in existing
    ]
    if not rows:
        return
    table = ListingView.__table__
    stmt = _insert()(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.listing_id, table.c.day],
        set_={
            "views": table.c.views + stmt.excluded.views,
            "visitors": sa.case(
                (stmt.excluded.visitors > table.c.visitors, stmt.excluded.visitors),
                else_=table.c.visitors,
            ),
        },
    )
    db.session.execute(stmt, rows)
