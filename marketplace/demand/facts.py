"""What one catalogue search tells us, and what must never be kept of it (pure functions)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

from ..catalogue.search import words

BUCKET_NONE = "0"
BUCKET_THIN = "1-5"
BUCKET_MORE = "6+"
BUCKETS = (BUCKET_NONE, BUCKET_THIN, BUCKET_MORE)
MAX_QUERY_CHARS = 200
MAX_SLUG_CHARS = 60

# A phone number (six digits or more in all, whatever separates them), an e-mail address or
# a handle ("@"), a URL or a bare domain: never stored, whatever K says.
_DIGITS = re.compile(r"\d")
_URLISH = re.compile(
    r"(://|\bwww\.|\b[\w-]+\.(com|id|net|org|co|io|me|info|biz|xyz|ly|gl|app|site)\b)", re.I
)
# Crawlers, previews and scripts, by user agent (an empty one included).
_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|curl|wget|"
    r"python|httpx|requests|go-http|java/|okhttp|libwww|scrapy|lighthouse|pingdom|monitor",
    re.I,
)


@dataclass(frozen=True)
class SearchFacts:
    """One counted search: the normalised query (``catalogue.search.words`` joined by one
    space: lower case, diacritics folded, letters and digits only, at most 8 words), the
    result bucket (``"0"``, ``"1-5"`` or ``"6+"`` listings on the first page), and the
    category and kecamatan slugs the shopper filtered by (``""`` for none)."""

    query: str
    bucket: str
    category: str = ""
    district: str = ""


def looks_personal(text: str) -> bool:
    """True for what may identify a person: six or more digits (a phone number), an ``@``
    (an e-mail address or a handle), or anything URL- or domain-like."""
    return len(_DIGITS.findall(text)) >= 6 or "@" in text or bool(_URLISH.search(text))


def is_bot(user_agent: str | None) -> bool:
    """True for crawlers, link previews and scripts (and a missing user agent)."""
    return not user_agent or bool(_BOT.search(user_agent))


def normalise(text: str | None) -> str:
    """The query as the search itself reads it (``Masker  KAIN!`` → ``masker kain``);
    ``""`` when nothing searchable is left."""
    return " ".join(words(text))[:MAX_QUERY_CHARS]


def bucket(results: int) -> str:
    """``"0"``, ``"1-5"`` or ``"6+"`` for a number of listings found."""
    if results <= 0:
        return BUCKET_NONE
    return BUCKET_THIN if results <= 5 else BUCKET_MORE


def _slug(values: list[str]) -> str:
    return (values[0] if values else "").strip().lower()[:MAX_SLUG_CHARS]


def from_query_string(query_string: str, results: int) -> SearchFacts | None:
    """The facts of a first catalogue page (``/katalog?q=…&kategori=…&kecamatan=…``) that
    found ``results`` listings (``6`` or more is "more"), or None when it is not a search
    to count: no words, a later page (a cursor), or a query that looks personal."""
    args = parse_qs(query_string, keep_blank_values=False)
    if args.get("cursor"):
        return None
    raw = " ".join(args.get("q", []))[:400]
    if not raw.strip() or looks_personal(raw):
        return None
    query = normalise(raw)
    if not query:
        return None
    category = _slug(args.get("kategori") or args.get("category") or [])
    district = _slug(args.get("kecamatan") or args.get("district") or [])
    return SearchFacts(query, bucket(results), category, district)
