"""Site-wide settings that admins change from the web (``/staff/admin/pengaturan``).

One row (``id`` = 1) in ``site_settings``: the agency's name, colours and hashtags used by
the Instagram kit, and the defaults for new rounds (quota and the bi-weekly cadence).

Lives below every feature (like ``audit``) so any of them may read it: the round
scheduler reads ``get_settings().cadence_values()`` and ``default_quota``; the Instagram
kit reads the brand. Changing it goes through ``admin.services.update_settings`` (audited).
Reading never writes: with no row yet, ``get_settings()`` returns an unsaved row holding
the defaults below.
"""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime
from .extensions import db

DEFAULTS = {
    "agency_name": "Dinas Koperasi dan UMKM Kota Tangerang Selatan",
    "brand_color": "#0E4D92",
    "accent_color": "#F9B233",
    "text_color": "#FFFFFF",
    "hashtags": "#UMKMTangsel #EtalaseUMKM #BanggaBuatanIndonesia #TangerangSelatan",
    "instagram_handle": None,
    "default_quota": 10,
    "cadence_every_days": 14,
    "cadence_opens_weekday": 0,  # Monday (0 = Monday … 6 = Sunday)
    "cadence_opens_time": time(8, 0),  # WIB wall clock
    "cadence_closes_weekday": 5,  # Saturday
    "cadence_closes_time": time(0, 0),
    "cadence_publishes_weekday": 0,  # Monday
    "cadence_publishes_time": time(9, 0),
    "cadence_showcase_days": 14,
}


class SiteSettings(db.Model):
    """The single settings row. Colours are ``#RRGGBB``; ``hashtags`` is space-separated
    (``#UMKMTangsel #EtalaseUMKM``); cadence times are naive WIB wall-clock times and
    weekdays 0 = Monday … 6 = Sunday."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_name: Mapped[str] = mapped_column(sa.String(160), default=DEFAULTS["agency_name"])
    brand_color: Mapped[str] = mapped_column(sa.String(7), default=DEFAULTS["brand_color"])
    accent_color: Mapped[str] = mapped_column(sa.String(7), default=DEFAULTS["accent_color"])
    text_color: Mapped[str] = mapped_column(sa.String(7), default=DEFAULTS["text_color"])
    hashtags: Mapped[str] = mapped_column(sa.String(600), default=DEFAULTS["hashtags"])
    instagram_handle: Mapped[str | None] = mapped_column(sa.String(30))
    default_quota: Mapped[int] = mapped_column(default=DEFAULTS["default_quota"])
    cadence_every_days: Mapped[int] = mapped_column(default=DEFAULTS["cadence_every_days"])
    cadence_opens_weekday: Mapped[int] = mapped_column(default=DEFAULTS["cadence_opens_weekday"])
    cadence_opens_time: Mapped[time] = mapped_column(
        sa.Time, default=DEFAULTS["cadence_opens_time"]
    )
    cadence_closes_weekday: Mapped[int] = mapped_column(default=DEFAULTS["cadence_closes_weekday"])
    cadence_closes_time: Mapped[time] = mapped_column(
        sa.Time, default=DEFAULTS["cadence_closes_time"]
    )
    cadence_publishes_weekday: Mapped[int] = mapped_column(
        default=DEFAULTS["cadence_publishes_weekday"]
    )
    cadence_publishes_time: Mapped[time] = mapped_column(
        sa.Time, default=DEFAULTS["cadence_publishes_time"]
    )
    cadence_showcase_days: Mapped[int] = mapped_column(default=DEFAULTS["cadence_showcase_days"])
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def hashtag_list(self) -> list[str]:
        """The hashtags in order, each starting with ``#``."""
        return [h for h in (self.hashtags or "").split() if h.startswith("#")]

    def cadence_values(self) -> dict:
        """Keyword arguments for ``rounds.services.Cadence`` (same field names)."""
        return {
            "every_days": self.cadence_every_days,
            "opens_weekday": self.cadence_opens_weekday,
            "opens_time": self.cadence_opens_time,
            "closes_weekday": self.cadence_closes_weekday,
            "closes_time": self.cadence_closes_time,
            "publishes_weekday": self.cadence_publishes_weekday,
            "publishes_time": self.cadence_publishes_time,
            "showcase_days": self.cadence_showcase_days,
            "quota": self.default_quota,
        }

    def as_dict(self) -> dict:
        """Every setting as JSON-friendly values (for the audit trail)."""
        out = {}
        for key in DEFAULTS:
            value = getattr(self, key)
            out[key] = value.strftime("%H:%M") if isinstance(value, time) else value
        return out


def get_settings() -> SiteSettings:
    """The settings row; with none stored yet, an unsaved row with the defaults (no write)."""
    row = db.session.get(SiteSettings, 1)
    if row is None:
        row = SiteSettings(id=1, **DEFAULTS)
    return row
