"""The catalogue's query string, parsed once: never trusted, never an error.

Shareable URLs look like ``/katalog?q=keripik&kategori=makanan&kecamatan=pamulang&urut=murah``;
the English names (``category``, ``district``, ``community``, ``sort``, ``min_price``,
``max_price``) are accepted too, so the API's parameters work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..errors import InvalidInput
from ..formatting import number
from ..inputs import parse_price
from .cursor import DEFAULT_PER_PAGE, SORT_NEWEST, SORT_RELEVANCE, clamp_per_page, clean_sort
from .queries import MAX_QUERY_CHARS, Filters


def _slug(value: str | None) -> str | None:
    """A slug as typed (lower-cased, trimmed) or None; junk stays junk so it matches nothing."""
    text = (value or "").replace("\x00", "").strip().lower()[:140]
    return text or None


def read_price_bound(value: str | None) -> tuple[int | None, str | None]:
    """A price bound typed any way ``inputs.parse_price`` understands (``15000``, ``15.000``,
    ``Rp15.000``, ``15rb``, ``1,5jt``) → ``(whole rupiah, None)``; anything else (or
    negative, zero, or absurd) → ``(None, note)``, the note one short sentence for beside
    the filters (``Harga "abc" diabaikan (tulis mis. 15000 atau 15rb).``); empty gives
    ``(None, None)``."""
    text = (value or "")[:40]
    try:
        return parse_price(text), None
    except InvalidInput:
        return None, _(
            'Harga "%(raw)s" diabaikan (tulis mis. 15000 atau 15rb).', raw=text.strip()[:20]
        )


def parse_price_bound(value: str | None) -> int | None:
    """The rupiah of :func:`read_price_bound` (None: no bound)."""
    return read_price_bound(value)[0]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "ya", "yes", "true", "on")


@dataclass
class CatalogueArgs:
    q: str = ""
    category: str | None = None
    district: str | None = None
    community: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    halal: bool = False
    #: Hide sold-out listings (``tersedia=1``); without it they come last.
    available: bool = False
    sort: str = SORT_NEWEST
    cursor: str | None = None
    per_page: int = DEFAULT_PER_PAGE
    #: Why a typed price bound was ignored or changed (user-facing sentences), in order.
    price_notes: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args) -> CatalogueArgs:
        """From ``request.args``; odd values are trimmed, clamped or dropped, never refused."""
        q = " ".join((args.get("q") or "").replace("\x00", " ").split())[:MAX_QUERY_CHARS]
        low, low_note = read_price_bound(args.get("harga_min") or args.get("min_price"))
        high, high_note = read_price_bound(args.get("harga_max") or args.get("max_price"))
        notes = [n for n in (low_note, high_note) if n]
        if low is not None and high is not None and low > high:
            low, high = high, low
            notes.append(_("Harga terendah dan tertinggi tertukar, jadi dibalik."))
        return cls(
            q=q,
            category=_slug(args.get("kategori") or args.get("category")),
            district=_slug(args.get("kecamatan") or args.get("district")),
            community=_slug(args.get("komunitas") or args.get("community")),
            price_min=low,
            price_max=high,
            halal=_flag(args.get("halal")),
            available=_flag(args.get("tersedia") or args.get("available")),
            sort=clean_sort(args.get("urut") or args.get("sort"), has_query=bool(q)),
            cursor=(args.get("cursor") or "").replace("\x00", "").strip()[:100] or None,
            per_page=clamp_per_page(args.get("per_page"), DEFAULT_PER_PAGE),
            price_notes=tuple(notes),
        )

    @property
    def price_min_text(self) -> str:
        """The lower price bound as understood, grouped for the form (``10.000``), or ``""``."""
        return number(self.price_min) if self.price_min is not None else ""

    @property
    def price_max_text(self) -> str:
        """The upper price bound as understood, grouped for the form (``50.000``), or ``""``."""
        return number(self.price_max) if self.price_max is not None else ""

    @property
    def filter_count(self) -> int:
        """How many filters besides the word search are on (a price range counts once):
        the ``n`` of the phone's "Filter (n)" disclosure."""
        return sum(
            (
                bool(self.category),
                bool(self.district),
                bool(self.community),
                self.price_min is not None or self.price_max is not None,
                self.halal,
                self.available,
            )
        )

    @property
    def filtered(self) -> bool:
        return bool(
            self.q
            or self.category
            or self.district
            or self.community
            or self.price_min is not None
            or self.price_max is not None
            or self.halal
            or self.available
        )

    @property
    def filters(self) -> Filters:
        return Filters(
            category=self.category,
            district=self.district,
            community=self.community,
            price_min=self.price_min,
            price_max=self.price_max,
            halal=self.halal,
            available=self.available,
        )

    def default_sort(self) -> str:
        return SORT_RELEVANCE if self.q else SORT_NEWEST

    def url_args(self, **changes) -> dict:
        """Query-string values for a link to this search with ``changes`` (None drops one);
        the cursor is dropped unless given; default values are left out so URLs stay short."""
        values = {
            "q": self.q or None,
            "kategori": self.category,
            "kecamatan": self.district,
            "komunitas": self.community,
            "harga_min": self.price_min,
            "harga_max": self.price_max,
            "halal": 1 if self.halal else None,
            "tersedia": 1 if self.available else None,
            "urut": self.sort if self.sort != self.default_sort() else None,
            "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else None,
        }
        values.update(changes)
        if "q" in changes and values.get("urut") == SORT_RELEVANCE and not values.get("q"):
            values["urut"] = None
        return {k: v for k, v in values.items() if v not in (None, "")}
