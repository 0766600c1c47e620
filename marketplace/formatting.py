"""The Jinja filters that format rupiah, numbers and WIB times (Babel)."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, gettext

from .clock import WIB


def rupiah(amount: int | None, empty: str | None = None) -> str:
    """Whole rupiah as ``Rp15.000`` (CLDR pattern, no space); None gives ``empty``."""
    if amount is None:
        if empty is not None:
            return empty
        from flask_babel import gettext

        return gettext("Hubungi penjual")
    return format_currency(
        amount, "IDR", locale=str(get_locale() or "id"), format="¤#,##0", currency_digits=False
    )


def number(value: int) -> str:
    """An integer with the locale's grouping (``1.234`` in Indonesian)."""
    return format_decimal(value, locale=str(get_locale() or "id"))


def wib(value: datetime | None, fmt: str = "d MMM y, HH.mm") -> str:
    """An aware datetime shown in WIB with a ``WIB`` suffix, e.g. ``29 Nov 2026, 17.00 WIB``
    (``29 Nov 2026, 17:00 WIB`` in English)."""
    if value is None:
        return ""
    locale = str(get_locale() or "id")
    if locale.startswith("en"):
        fmt = fmt.replace("HH.mm", "HH:mm")  # 17.00 in Indonesian, 17:00 in English
    return format_datetime(value, fmt, tzinfo=WIB, locale=locale) + " WIB"


def deadline(value: datetime | None) -> str:
    """A closing time for communities, in WIB. One at exactly 00.00 is shown as the end of
    the day before ("Jumat, 4 Desember 2026, pukul 24.00 WIB (tengah malam)"): "Sabtu,
    00.00" reads as Saturday evening to most people, and they would miss the deadline."""
    if value is None:
        return ""
    local = value.astimezone(WIB)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return wib(value, "EEEE, d MMMM y, HH.mm")
    day = format_date(
        local.date() - timedelta(days=1), "EEEE, d MMMM y", locale=str(get_locale() or "id")
    )
    return gettext("%(day)s, pukul 24.00 WIB (tengah malam)", day=day)


def wib_input(value: datetime | None) -> str:
    """An aware datetime as a ``datetime-local`` input value in WIB (``2026-11-30T08:00``)."""
    return value.astimezone(WIB).strftime("%Y-%m-%dT%H:%M") if value else ""
