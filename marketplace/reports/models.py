"""A shopper's report on a public listing, counted per (listing, reason) while open."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.labels import register_labels
from ..clock import now
from ..db import UTCDateTime, enum_type
from ..extensions import db
from ..listings.models import Listing


class ReportReason(str, enum.Enum):
    FRAUD = "fraud"
    NOT_AS_PICTURED = "not_as_pictured"
    NOT_SOLD = "not_sold"
    RULES = "rules"
    OTHER = "other"


REASON_LABELS = {
    ReportReason.FRAUD: _l("Penipuan / nomor WhatsApp salah"),
    ReportReason.NOT_AS_PICTURED: _l("Produk tidak sesuai foto"),
    ReportReason.NOT_SOLD: _l("Sudah tidak dijual"),
    ReportReason.RULES: _l("Melanggar aturan"),
    ReportReason.OTHER: _l("Lainnya"),
}


class ReportStatus(str, enum.Enum):
    OPEN = "open"
    DISMISSED = "dismissed"
    TAKEN_DOWN = "taken_down"


register_labels(
    {
        "report.file": _l("Produk dilaporkan"),
        "report.hide": _l("Produk disembunyikan karena laporan"),
        "report.dismiss": _l("Laporan diabaikan"),
        "report.take_down": _l("Diturunkan karena laporan"),
    }
)


class Report(db.Model):
    """Open reports of one reason on one listing: ``count`` reports so far (first at
    ``created_at``, last at ``last_at``), ``notes`` up to 10 distinct plain-text notes.
    Nothing about who reported (no address, no cookie id)."""

    __tablename__ = "reports"
    __table_args__ = (sa.Index("ix_reports_listing_status", "listing_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("listings.id", ondelete="CASCADE"))
    reason: Mapped[ReportReason] = mapped_column(enum_type(ReportReason))
    status: Mapped[ReportStatus] = mapped_column(
        enum_type(ReportStatus), default=ReportStatus.OPEN, index=True
    )
    count: Mapped[int] = mapped_column(default=1)
    notes: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship()

    @property
    def label(self):
        return REASON_LABELS[self.reason]
