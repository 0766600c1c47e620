"""A listing's short code: ``ETL-`` and four (or, past a million listings, more) Crockford
base-32 characters, e.g. ``ETL-4K7Q``; derived from the id, so stable and needing no column.

The id is scrambled (multiplied by an odd constant modulo 32^width, a bijection), so
neighbouring listings get unrelated codes. Crockford's alphabet leaves out I, L, O and U;
reading back accepts lower case, ``I``/``L`` for 1, ``O`` for 0, spaces and a missing prefix
or hyphen (``etl4k7q``).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "ETL"
MIN_WIDTH = 4
MAX_WIDTH = 7  # 32^7 ≈ 3.4e10: far past any 32-bit id
_K = 0x5BD1E995 | 1  # odd: invertible modulo any power of two
_VALUES = {c: i for i, c in enumerate(ALPHABET)}
_VALUES.update({"I": 1, "L": 1, "O": 0})


def _width(ident: int) -> int:
    width = MIN_WIDTH
    while ident >= 32**width:
        width += 1
    return width


def short_code(ident: int) -> str:
    """``ETL-XXXX`` for a positive id. Raises ValueError for ids < 1 or ≥ 32^7."""
    if not 0 < ident < 32**MAX_WIDTH:
        raise ValueError(f"no short code for id {ident}")
    width = _width(ident)
    value = (ident * _K) % 32**width
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return f"{PREFIX}-{''.join(reversed(chars))}"


def listing_id(code: str) -> int | None:
    """The id a code names, or None when it names none (typos, junk, a code we never make)."""
    text = "".join((code or "")[:20].upper().split()).replace("-", "")
    if text.startswith(PREFIX):
        text = text[len(PREFIX) :]
    if not MIN_WIDTH <= len(text) <= MAX_WIDTH or any(c not in _VALUES for c in text):
        return None
    value = 0
    for c in text:
        value = value * 32 + _VALUES[c]
    width = len(text)
    ident = (value * pow(_K, -1, 32**width)) % 32**width
    if ident == 0 or _width(ident) != width:
        return None
    return ident
