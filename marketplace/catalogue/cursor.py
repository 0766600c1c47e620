"""Keyset paging of the catalogue: the sort orders, the opaque cursor and the page size.

A cursor names the edge row's sort key and id, so page 500 costs what page 1 costs;
``_order``, ``_after`` and ``_before`` turn a sort and a cursor into ORDER BY and WHERE.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..listings.models import Listing

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 24
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


class InvalidCursor(ValueError):
    """A pagination cursor that we did not make (or that was cut or altered)."""


# --- sort orders ----------------------------------------------------------------------------

SORT_NEWEST, SORT_CHEAPEST, SORT_DEAREST, SORT_RELEVANCE = "baru", "murah", "mahal", "relevan"
SORTS = (SORT_RELEVANCE, SORT_NEWEST, SORT_CHEAPEST, SORT_DEAREST)
SORT_ALIASES = {
    "newest": SORT_NEWEST,
    "cheapest": SORT_CHEAPEST,
    "dearest": SORT_DEAREST,
    "relevance": SORT_RELEVANCE,
}
_SORT_CODES = {SORT_NEWEST: "n", SORT_CHEAPEST: "c", SORT_DEAREST: "d", SORT_RELEVANCE: "r"}


def clean_sort(value: str | None, has_query: bool) -> str:
    """A known sort name; relevance only for a text search (and its default there)."""
    text = (value or "").strip().lower()
    text = SORT_ALIASES.get(text, text)
    if text not in SORTS or (text == SORT_RELEVANCE and not has_query):
        return SORT_RELEVANCE if has_query else SORT_NEWEST
    return text


def sort_labels(has_query: bool) -> list[tuple[str, str]]:
    """``(value, label)`` of the orders a shopper can choose (relevance only with a query)."""
    from flask_babel import gettext as _

    labels = [
        (SORT_NEWEST, _("Terbaru")),
        (SORT_CHEAPEST, _("Termurah")),
        (SORT_DEAREST, _("Termahal")),
    ]
    return ([(SORT_RELEVANCE, _("Paling cocok"))] if has_query else []) + labels


# --- the cursor ------------------------------------------------------------------------------
#
# ``<sort code><a|b>:<key>:<id>`` in URL-safe base64: the position just after (``a``) or
# before (``b``) a row in that sort. An upper-case sort code names a row of the second
# segment (sold-out listings, which come after all others: ``queries.Filters.segments``).
# The key is the row's approved_at in microseconds (newest), its price (cheapest, dearest)
# or its relevance tier (``search.Match``); ``-`` is NULL.


def _sort_key(listing: Listing, sort: str, score: float | None = None):
    if sort == SORT_NEWEST:
        return (listing.approved_at - _EPOCH) // _US if listing.approved_at else None
    if sort == SORT_RELEVANCE:
        return int(score or 0)
    return listing.price


def encode_cursor(
    listing: Listing,
    direction: str = "a",
    sort: str = SORT_NEWEST,
    score: float | None = None,
    segment: int = 0,
) -> str:
    """An opaque token for the position just after (``a``) or before (``b``) ``listing``,
    a row of result segment ``segment`` (0 or 1)."""
    key = _sort_key(listing, sort, score)
    code = _SORT_CODES[sort].upper() if segment else _SORT_CODES[sort]
    raw = f"{code}{direction}:{'-' if key is None else repr(key)}:{listing.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_CURSOR_RE = re.compile(r"^([ncdrNCDR])([ab]):(-|\d{1,19}):(\d{1,18})$")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_CODE_SORTS = {code: sort for sort, code in _SORT_CODES.items()}


def decode_cursor(token: str) -> tuple[str, str, object, int, int]:
    """``(sort, direction, key or None, id, segment)``; raises InvalidCursor for anything
    odd. The key is an aware datetime (newest) or an int (a price, a relevance tier)."""
    if not token or len(token) > 96 or not _TOKEN_RE.match(token):
        raise InvalidCursor(token)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(token) from None
    m = _CURSOR_RE.match(raw)
    if not m:
        raise InvalidCursor(token)
    code, direction, text, ident = m.group(1), m.group(2), m.group(3), int(m.group(4))
    sort, segment = _CODE_SORTS[code.lower()], int(code.isupper())
    if text == "-":
        return sort, direction, None, ident, segment
    try:
        if sort == SORT_RELEVANCE:
            key = int(text)
            if key > 15:
                raise ValueError(text)
        else:
            key = int(text)
            if sort == SORT_NEWEST:
                if key < 0:
                    raise ValueError(text)
                key = _EPOCH + key * _US
                if key.year > 9000:
                    raise ValueError(text)
            elif not 0 <= key < 2**62:
                raise ValueError(text)
    except (ValueError, OverflowError):
        raise InvalidCursor(token) from None
    return sort, direction, key, ident, segment


def _order(col, asc: bool, reverse: bool = False):
    """ORDER BY for ``col`` then id, both ascending or both descending; ``reverse`` flips it
    for walking back.

    No NULLS FIRST/LAST: the query must leave out rows whose ``col`` is NULL (the catalogue
    does). The engines disagree on where NULLs sort (PostgreSQL: last ascending, SQLite:
    first), and an explicit NULLS clause that differs from the engine's own makes it sort
    the whole table instead of walking the ``(status, col, id)`` index; without one, both
    walk it (forwards or backwards)."""
    up = asc != reverse
    return [col.asc() if up else col.desc(), Listing.id.asc() if up else Listing.id.desc()]


def _after(col, asc: bool, key, ident: int):
    """Rows after ``(key, ident)`` in ``_order(col, asc)`` (a row-value comparison, which
    both engines serve from the index). A NULL key names no row of a page (see ``_order``):
    nothing comes after it."""
    if key is None:
        return sa.false()
    pair = sa.tuple_(col, Listing.id)
    return pair > (key, ident) if asc else pair < (key, ident)


def _before(col, asc: bool, key, ident: int):
    """Rows before ``(key, ident)`` in that order (nothing for a NULL key)."""
    if key is None:
        return sa.false()
    pair = sa.tuple_(col, Listing.id)
    return pair < (key, ident) if asc else pair > (key, ident)


def clamp_per_page(value, default: int = DEFAULT_PER_PAGE) -> int:
    """Any value → an int in 1..MAX_PER_PAGE (junk gives ``default``)."""
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return max(1, min(MAX_PER_PAGE, n))
