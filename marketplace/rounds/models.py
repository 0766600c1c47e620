"""Rounds (periode promosi) and their phases, derived from the clock."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now as clock_now
from ..clock import to_wib
from ..db import UTCDateTime
from ..extensions import db

SHOWCASE_DAYS = 14


class Phase(str, enum.Enum):
    """scheduled → open → in_review → published → archived, always from the clock."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


PHASE_LABELS = {
    Phase.SCHEDULED: _l("Terjadwal"),
    Phase.OPEN: _l("Dibuka"),
    Phase.IN_REVIEW: _l("Moderasi"),
    Phase.PUBLISHED: _l("Tayang"),
    Phase.ARCHIVED: _l("Arsip"),
}


def phase_label(phase: Phase | str) -> str:
    """The Indonesian (translatable) name of a round phase; a Jinja global for every page."""
    return str(PHASE_LABELS[Phase(phase)])


class Round(db.Model):
    """A promotion round. Times are aware UTC; ``opens_at`` inclusive, ``closes_at`` exclusive.

    ``showcase_ends_at`` defaults to ``publishes_at`` + 14 days. ``quota_per_community`` is
    the number of listings a community may have submitted, changes_requested or approved.
    """

    __tablename__ = "rounds"
    __table_args__ = (
        sa.CheckConstraint("opens_at < closes_at", name="opens_before_closes"),
        sa.CheckConstraint("closes_at <= publishes_at", name="closes_before_publishes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[int | None] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    publishes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    showcase_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quota_per_community: Mapped[int] = mapped_column(default=10)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)

    def phase(self, now: datetime) -> Phase:
        """The round's phase at ``now`` (aware datetime)."""
        if now < self.opens_at:
            return Phase.SCHEDULED
        if now < self.closes_at:
            return Phase.OPEN
        if now < self.publishes_at:
            return Phase.IN_REVIEW
        if now < self.showcase_ends_at:
            return Phase.PUBLISHED
        return Phase.ARCHIVED

    def accepts_submissions(self, now: datetime) -> bool:
        """True from ``opens_at`` (inclusive) to ``closes_at`` (exclusive)."""
        return self.opens_at <= now < self.closes_at

    def is_published(self, now: datetime) -> bool:
        """True once ``publishes_at`` has passed: approved listings are public."""
        return now >= self.publishes_at

    @property
    def title(self) -> str:
        """ "Edisi 14" in the reader's language ("Edition 14"); the name if it has no edition."""
        return gettext("Edisi %(n)s", n=self.edition) if self.edition else self.name

    @property
    def own_name(self) -> str | None:
        """The name when it says more than the edition number ("Edisi Akhir Tahun"), else None."""
        if not self.edition or not self.name or self.name == f"Edisi {self.edition}":
            return None
        return self.name

    def wib(self, field: str) -> datetime:
        return to_wib(getattr(self, field))

    @staticmethod
    def default_showcase_end(publishes_at: datetime) -> datetime:
        return publishes_at + timedelta(days=SHOWCASE_DAYS)

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.name}>"


class QuotaOverride(db.Model):
    """Staff gave one community a different quota in one round (replaces
    ``Round.quota_per_community`` for it; ``rounds.allowances.quota_for`` reads it)."""

    __tablename__ = "round_quota_overrides"
    __table_args__ = (sa.UniqueConstraint("round_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    quota: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class LateEntry(db.Model):
    """A late-entry code staff issued for one community in one round: once the community
    redeems it (``redeemed_at``), it may submit after ``closes_at`` until ``valid_until``
    (before ``publishes_at``). One code, one use."""

    __tablename__ = "round_late_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redeemed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class ReminderMark(db.Model):
    """Staff marked one WhatsApp reminder of a round "terkirim": the group broadcast
    (``community_id`` None) or the message to one community, for one event (``opened``,
    ``closes_3d``, ``closes_1d``, ``published``). Written once (``rounds.reminders.mark_sent``)."""

    __tablename__ = "round_reminder_marks"
    __table_args__ = (sa.UniqueConstraint("round_id", "event", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(sa.String(16))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
