"""The catalogue's query string, parsed once: never trusted, never an error.

Shareable URLs look like ``/katalog?q=keripik&kategori=makanan&kecamatan=pamulang``; the
English names (``category``, ``district``) are accepted too, so the API's parameters work.
"""
from __future__ import annotations

from dataclasses import dataclass

from .services import DEFAULT_PER_PAGE, MAX_QUERY_CHARS, clamp_per_page


def _slug(value: str | None) -> str | None:
    """A slug as typed (lower-cased, trimmed) or None; junk stays junk so it matches nothing."""
    text = (value or "").strip().lower()[:60]
    return text or None


@dataclass
class CatalogueArgs:
    q: str = ""
    category: str | None = None
    district: str | None = None
    cursor: str | None = None
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_args(cls, args) -> "CatalogueArgs":
        """From ``request.args``; odd values are trimmed or clamped, never refused."""
        q = " ".join((args.get("q") or "").split())[:MAX_QUERY_CHARS]
        return cls(
            q=q,
            category=_slug(args.get("kategori") or args.get("category")),
            district=_slug(args.get("kecamatan") or args.get("district")),
            cursor=(args.get("cursor") or "").strip()[:100] or None,
            per_page=clamp_per_page(args.get("per_page"), DEFAULT_PER_PAGE),
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.category or self.district)

    def url_args(self, **changes) -> dict:
        """Query-string values for a link to this search with ``changes`` (None drops one);
        the cursor is dropped unless given."""
        values = {"q": self.q or None, "kategori": self.category, "kecamatan": self.district,
                  "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else None}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}
