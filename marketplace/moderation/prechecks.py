"""Pre-checks that point a moderator at what deserves a closer look (never a decision).

So far: the text checks on a listing's description (a phone number, a URL, "transfer ke
rekening"), computed when a card or review is shown. The photo checks (blur, dark, bright,
duplicate) and storing results with the listing version are still to do (issue #13 item 3).
"""

from __future__ import annotations

import re

# 08xx / +62 8xx / 62 8xx with optional separators, 9-13 digits after the prefix.
PHONE_RE = re.compile(r"(?<!\d)(?:\+?62|0)[\s.\-()]*8(?:[\s.\-()]*\d){7,11}(?!\d)")
URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|id|co\.id|net|org|me|ly)\b")
TRANSFER_RE = re.compile(
    r"(?i)\btransfer\s+(?:ke\s+)?(?:rek(?:ening)?|norek|bank)\b|\bno\.?\s*rek\b"
)


def text_findings(text: str | None) -> list[str]:
    """Codes of what the text contains: ``"phone"``, ``"url"``, ``"transfer"`` (in that
    order, each at most once); [] for empty text."""
    text = text or ""
    found = []
    if PHONE_RE.search(text):
        found.append("phone")
    if URL_RE.search(text):
        found.append("url")
    if TRANSFER_RE.search(text):
        found.append("transfer")
    return found
