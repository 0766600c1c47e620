"""The one ``wa.me`` link builder: chats with a number and shares without one."""

from __future__ import annotations

from urllib.parse import quote


def wa_me_url(number: str | None, text: str) -> str:
    """``https://wa.me/<digits>?text=<text, URL-encoded>``.

    ``number`` is an E.164 string (``+6281234567890``) or its digits; only its digits are
    kept, so nothing else reaches the URL. With no number (``None`` or ``""``) the link is
    WhatsApp's "share to a chat I pick": ``https://wa.me/?text=…``.
    """
    digits = "".join(ch for ch in (number or "") if ch.isdigit())
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"
