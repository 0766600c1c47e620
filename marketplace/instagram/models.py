"""The staff's choice of listings for a round's Instagram kit: which go in, in what order."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db import UTCDateTime
from ..extensions import db


class KitEntry(db.Model):
    """One listing's place in a round's kit. With no entries for a round the kit holds every
    approved listing in approval order; once staff save a choice, ``position`` orders the
    slides and ``included`` False leaves a listing out. Listings approved after the choice
    was saved have no entry and go in at the end."""

    __tablename__ = "instagram_kit_entries"
    __table_args__ = (
        sa.UniqueConstraint(
            "round_id", "listing_id", name="uq_instagram_kit_entries_round_listing"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("listings.id"))
    position: Mapped[int] = mapped_column(default=0)
    included: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
