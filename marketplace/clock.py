"""The one place that reads the wall clock.

Tests and the demo loader replace the clock through ``app.config["CLOCK"]`` (a callable
returning an aware UTC datetime) instead of sleeping or patching.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

WIB = ZoneInfo("Asia/Jakarta")


def system_now() -> datetime:
    """Aware UTC datetime from the operating system."""
    return datetime.now(UTC)


def now() -> datetime:
    """Current time as an aware UTC datetime, from the app's injectable clock."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return system_now()


def to_wib(value: datetime) -> datetime:
    """Convert an aware datetime to WIB (Asia/Jakarta, UTC+7)."""
    return value.astimezone(WIB)


def from_wib(naive: datetime) -> datetime:
    """Interpret a naive wall-clock datetime typed in WIB; return aware UTC."""
    return naive.replace(tzinfo=WIB).astimezone(UTC)


class FixedClock:
    """A settable clock for tests and demo loading: ``clock()`` returns the pinned time."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **kwargs) -> None:
        self.at = self.at + timedelta(**kwargs)
