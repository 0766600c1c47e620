"""The one slug helper: ASCII, lower case, words joined by hyphens (URLs of listings and
communities)."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str | None, max_length: int = 60, fallback: str = "produk") -> str:
    """``Keripik Singkong Balado!`` → ``keripik-singkong-balado``; diacritics folded, at most
    ``max_length`` characters, never ending in a hyphen; ``fallback`` when nothing is left
    (an all-emoji or all-CJK name)."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or fallback
