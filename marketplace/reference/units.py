"""Units of sale (``Listing.unit`` stores the code, e.g. ``botol``) with their names per
language, kept here as data: ``unit_name("botol")`` is ``botol`` in Indonesian and
``bottle`` for an English reader. Unknown codes are shown as stored."""

from __future__ import annotations

from .models import reading_english

#: code → English name (the Indonesian name is the code itself).
UNITS_EN = {
    "pcs": "pcs",
    "pack": "pack",
    "box": "box",
    "botol": "bottle",
    "kg": "kg",
    "gram": "gram",
    "liter": "litre",
    "porsi": "serving",
    "set": "set",
    "lusin": "dozen",
    "meter": "metre",
    "jasa": "service",
}


def unit_name(code: str | None) -> str:
    """The unit's name for the current reader (``""`` for None)."""
    if not code:
        return ""
    return UNITS_EN.get(code, code) if reading_english() else code
