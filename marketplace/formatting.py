"""Locale choice and the Jinja filters that format rupiah, numbers and WIB times (Babel)."""
from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask, request
from flask_babel import get_locale

from .clock import WIB

LOCALES = ("id", "en_ID")


def select_locale() -> str:
    """The ``lang`` cookie if it names a supported locale, else Indonesian."""
    choice = request.cookies.get("lang") if request else None
    return choice if choice in LOCALES else "id"


def rupiah(amount: int | None, empty: str | None = None) -> str:
    """Whole rupiah as ``Rp15.000`` (CLDR pattern, no space); None gives ``empty``."""
    if amount is None:
        if empty is not None:
            return empty
        from flask_babel import gettext
        return gettext("Hubungi penjual")
    return format_currency(amount, "IDR", locale=str(get_locale() or "id"),
                           format="¤#,##0", currency_digits=False)


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


def wib_input(value: datetime | None) -> str:
    """An aware datetime as a ``datetime-local`` input value in WIB (``2026-11-30T08:00``)."""
    return value.astimezone(WIB).strftime("%Y-%m-%dT%H:%M") if value else ""


def init_app(app: Flask) -> None:
    from .audit import action_label
    from .language.wtforms import install as install_wtforms_translations

    install_wtforms_translations()

    app.jinja_env.filters.update(rupiah=rupiah, number=number, wib=wib, wib_input=wib_input,
                                 audit_action=action_label)

    @app.context_processor
    def locale_context():
        return {"current_locale": str(get_locale() or "id")}
