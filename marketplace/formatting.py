"""The Jinja filters that format rupiah, numbers and WIB times (Babel).

Instants follow one rule everywhere (pages, flash messages, notifications): :func:`wib` for
starts and events, :func:`until` for exclusive ends (00.00 → "24.00" of the day before), each
in one of two ``STYLES``; ``deadline`` is ``until`` in the long style."""

from __future__ import annotations

from datetime import date, datetime, timedelta

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


#: The two lengths an instant is written in; every page picks one of these, never a pattern.
#: ``short`` for lists and tables, ``long`` where a community must act on the time.
STYLES = {"short": "d MMM y, HH.mm", "long": "EEEE, d MMMM y, HH.mm"}


def _pattern(style: str, locale: str) -> str:
    fmt = STYLES.get(style, style)  # a raw Babel pattern still works (older templates)
    if locale.startswith("en"):
        fmt = fmt.replace("HH.mm", "HH:mm")  # 17.00 in Indonesian, 17:00 in English
    return fmt


def _at_midnight(local: datetime) -> bool:
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def wib(value: datetime | None, style: str = "short") -> str:
    """An aware datetime (a start, or a moment something happened) shown in WIB with a
    ``WIB`` suffix: ``short`` ``29 Nov 2026, 17.00 WIB``, ``long`` ``Minggu, 29 November
    2026, 17.00 WIB`` (``17:00`` in English). None gives ``""``. Ends use :func:`until`."""
    if value is None:
        return ""
    locale = str(get_locale() or "id")
    return format_datetime(value, _pattern(style, locale), tzinfo=WIB, locale=locale) + " WIB"


def day(value: date | None) -> str:
    """A calendar day (a ``date``, already a WIB day) as people write it: ``4 Nov 2026``
    (English ``4 Nov 2026`` too, month names per locale). None gives ``""``."""
    if value is None:
        return ""
    return format_date(value, "d MMM y", locale=str(get_locale() or "id"))


def until(value: datetime | None, style: str = "short") -> str:
    """An exclusive end (a round's closing, a showcase's end) in WIB, by the one rule for
    ends: one at exactly 00.00 is written as 24.00 of the day before, because "Sabtu 00.00"
    reads as Saturday evening and people would miss it. ``short``: ``5 Des 2026, 24.00 WIB``;
    ``long``: ``Sabtu, 5 Desember 2026, pukul 24.00 WIB (tengah malam)``; any other time as
    :func:`wib`. None gives ``""``."""
    if value is None:
        return ""
    local = value.astimezone(WIB)
    if not _at_midnight(local):
        return wib(value, style)
    locale = str(get_locale() or "id")
    day_fmt = _pattern(style, locale).split(", HH")[0]
    day = format_date(local.date() - timedelta(days=1), day_fmt, locale=locale)
    if style == "long":
        return gettext("%(day)s, pukul 24.00 WIB (tengah malam)", day=day)
    return gettext("%(day)s, 24.00 WIB", day=day)


def deadline(value: datetime | None) -> str:
    """A closing time for communities: :func:`until` in the ``long`` style
    ("Jumat, 4 Desember 2026, pukul 24.00 WIB (tengah malam)")."""
    return until(value, "long")


def wib_input(value: datetime | None) -> str:
    """An aware datetime as a ``datetime-local`` input value in WIB (``2026-11-30T08:00``)."""
    return value.astimezone(WIB).strftime("%Y-%m-%dT%H:%M") if value else ""
