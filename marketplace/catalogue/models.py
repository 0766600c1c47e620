"""The catalogue's own tables: WhatsApp taps per listing and day, and the page-cache
generation that every change to public data bumps."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class WhatsappTap(db.Model):
    """How many times shoppers tapped a listing's WhatsApp button on one day (WIB).

    Counted by the ``/produk/<id>/whatsapp`` redirect; holds no personal data: no address,
    no user, no time finer than the day.
    """

    __tablename__ = "whatsapp_taps"

    listing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    taps: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<WhatsappTap {self.listing_id} {self.day} {self.taps}>"


class CacheState(db.Model):
    """One row (id 1): ``generation`` grows with every committed change to public data.

    Cached public pages are keyed by it, so a publication, decision, withdrawal or
    take-down makes every page built before it obsolete in all workers at once.
    """

    __tablename__ = "catalogue_cache_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(sa.BigInteger, default=0)
