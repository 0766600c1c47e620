"""Taps on a listing's WhatsApp button: counted per listing and day (no personal data)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db


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
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.listing_id, table.c.day], set_={"taps": table.c.taps + 1}
    )
    db.session.execute(stmt)


def whatsapp_taps(listing_ids: list[int], since=None, until=None) -> dict[int, int]:
    """Taps per listing (for round statistics), optionally between two WIB dates
    (inclusive); listings never tapped are absent."""
    from .models import WhatsappTap

    if not listing_ids:
        return {}
    stmt = (
        sa.select(WhatsappTap.listing_id, sa.func.sum(WhatsappTap.taps))
        .where(WhatsappTap.listing_id.in_(listing_ids))
        .group_by(WhatsappTap.listing_id)
    )
    if since is not None:
        stmt = stmt.where(WhatsappTap.day >= since)
    if until is not None:
        stmt = stmt.where(WhatsappTap.day <= until)
    return {lid: int(n) for lid, n in db.session.execute(stmt).all()}
