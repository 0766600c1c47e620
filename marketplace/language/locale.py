"""Which language a request is served in: the supported locales and the ``lang`` cookie."""

from __future__ import annotations

from flask import request

LOCALES = ("id", "en_ID")
COOKIE = "lang"


def select_locale() -> str:
    """The ``lang`` cookie if it names a supported locale (``id`` or ``en_ID``), else
    Indonesian (``id``). Flask-Babel's locale selector."""
    choice = request.cookies.get(COOKIE) if request else None
    return choice if choice in LOCALES else "id"
