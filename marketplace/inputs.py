"""Parsers for what people really type: phone numbers, prices, Instagram handles, text.

Each raises ``InvalidInput`` with a message for the user when the value cannot be understood.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import phonenumbers
from flask import Request as FlaskRequest
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

from .errors import InvalidInput

MAX_PRICE = 1_000_000_000


def parse_phone(raw: str) -> str:
    """An Indonesian number typed any common way → E.164 string, e.g. ``+6281234567890``.

    Accepts ``0812-3456-7890``, ``+62 812 3456 7890``, ``62812…``, ``(0812) 3456 7890``.
    Raises InvalidInput if it is not a valid Indonesian number.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(_("Nomor WhatsApp wajib diisi."))
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("62") and not digits.startswith("+"):
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        raise InvalidInput(
            _("Nomor %(raw)s tidak dikenali sebagai nomor Indonesia.", raw=text[:30])
        ) from None
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            _(
                "Nomor %(raw)s bukan nomor Indonesia yang valid. Contoh: 0812-3456-7890.",
                raw=text[:30],
            )
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


WHATSAPP_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def parse_whatsapp(raw: str) -> str:
    """A number for the WhatsApp button: as :func:`parse_phone`, and a mobile number
    (WhatsApp runs on phones: a landline such as ``021-7654321`` or a toll-free ``0800``
    number would give shoppers a button that reaches no one). Returns E.164; raises
    InvalidInput saying what kind of number was typed and what to type instead."""
    e164 = parse_phone(raw)
    if phonenumbers.number_type(phonenumbers.parse(e164, "ID")) not in WHATSAPP_TYPES:
        raise InvalidInput(
            _(
                "Nomor %(raw)s bukan nomor HP, jadi tidak bisa dihubungi lewat WhatsApp. "
                "Tulis nomor HP yang memakai WhatsApp, misalnya 0812-3456-7890.",
                raw=(raw or "").strip()[:30],
            )
        )
    return e164


def format_phone(e164: str) -> str:
    """E.164 → the national form people write, e.g. ``0812-3456-7890`` (``(021) 7654321``
    for a landline); anything that does not parse comes back as given. ``None`` → ``""``."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


_PRICE_RE = re.compile(
    r"^(?:rp\.?)?\s*(?P<num>\d[\d.,]*)\s*(?P<unit>rb|ribu|k|jt|juta|m)?\.?$", re.IGNORECASE
)
_MULTIPLIER = {
    "rb": 1_000,
    "ribu": 1_000,
    "k": 1_000,
    "jt": 1_000_000,
    "juta": 1_000_000,
    "m": 1_000_000_000,
}


def parse_price(raw: str | None) -> int | None:
    """A price typed the way people type it → whole rupiah (int); empty → None.

    ``15000``, ``15.000``, ``Rp 15.000``, ``15,000``, ``15rb``, ``15 ribu``, ``1,5 jt``,
    ``1.5jt``, ``Rp15.000,-`` all work (``M`` is miliar). Negative, zero, over
    Rp1.000.000.000 or unparseable raise InvalidInput.
    """
    text = (raw or "").strip().lower().replace("\u00a0", " ")
    text = re.sub(r"[.,]-$", "", text).strip()  # "Rp15.000,-": the dash closes the amount
    if not text:
        return None
    if text.startswith("-") or "-" in text:
        raise InvalidInput(_("Harga tidak boleh negatif."))
    match = _PRICE_RE.match(text.replace("rp ", "rp").replace(" ", "") if text.count(" ") else text)
    if not match:
        raise InvalidInput(
            _(
                "Harga \"%(raw)s\" tidak dimengerti. Tulis angka saja, mis. 15000 atau 15rb.",
                raw=raw.strip()[:30],
            )
        )
    num, unit = match.group("num"), (match.group("unit") or "").lower()
    multiplier = _MULTIPLIER.get(unit, 1)
    value = _parse_number(num, has_unit=multiplier > 1)
    if value is None:
        raise InvalidInput(
            _(
                "Harga \"%(raw)s\" tidak dimengerti. Tulis angka saja, mis. 15000 atau 15rb.",
                raw=raw.strip()[:30],
            )
        )
    amount = value * multiplier
    if amount != amount.to_integral_value():
        raise InvalidInput(_("Harga harus dalam rupiah bulat."))
    amount = int(amount)
    if amount <= 0:
        raise InvalidInput(
            _("Harga harus lebih dari nol. Kosongkan bila ingin \"hubungi penjual\".")
        )
    if amount > MAX_PRICE:
        raise InvalidInput(
            _("Harga di atas Rp1.000.000.000 tidak masuk akal. Periksa lagi angkanya.")
        )
    return amount


def _parse_number(num: str, has_unit: bool) -> Decimal | None:
    """Read Indonesian or English digit grouping; with a unit (``1,5 jt``) a lone separator
    followed by 1–2 digits is a decimal point."""
    num = num.rstrip(".,")
    seps = re.findall(r"[.,]", num)
    if not seps:
        cleaned = num
    elif has_unit and len(seps) == 1 and re.search(r"[.,]\d{1,2}$", num):
        cleaned = num.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})+", num) and len(set(seps)) == 1:
        cleaned = re.sub(r"[.,]", "", num)
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d{1,2}", num):  # 15.000,00
        cleaned = num.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+\.\d{1,2}", num):  # 15,000.00
        cleaned = num.replace(",", "")
    elif re.fullmatch(r"\d+[.,]\d{1,2}", num):  # 15000.00, 15000,00 (a fraction, ungrouped)
        cleaned = num.replace(",", ".")
    else:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


_HANDLE_RE = re.compile(r"^[a-z0-9._]{1,30}$")


def parse_instagram(raw: str | None) -> str | None:
    """``@toko_bu_sri``, ``toko_bu_sri`` or ``https://instagram.com/toko_bu_sri/`` →
    ``toko_bu_sri``; empty → None. Raises InvalidInput for anything else."""
    text = (raw or "").strip()
    if not text:
        return None
    m = re.match(
        r"^(?:https?://)?(?:www\.)?(?:instagram\.com|instagr\.am)/([^/?#]+)/?(?:[?#].*)?$",
        text,
        re.IGNORECASE,
    )
    handle = (m.group(1) if m else text).lstrip("@").lower()
    if not _HANDLE_RE.match(handle):
        raise InvalidInput(
            _("Akun Instagram \"%(raw)s\" tidak valid. Contoh: @toko_bu_sri.", raw=text[:40])
        )
    return handle


# Direction overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make "evil" read as
# "live"; they are removed. Zero-width and other invisible format characters are trimmed
# from the ends, and a required field needs at least one visible character.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_EDGE_INVISIBLES = re.compile(r"^[\u200b-\u200f\u2060\ufeff\s]+|[\u200b-\u200f\u2060\ufeff\s]+$")


def clean_text(
    raw: str | None, *, max_length: int, field: str, required: bool = False, multiline: bool = False
) -> str:
    """Trim and normalise (NFC) user text; enforce ``max_length`` characters with a message.

    Single-line text has its line breaks folded to spaces; multiline keeps them (``\\n``).
    """
    text = unicodedata.normalize("NFC", raw or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _BIDI_CONTROLS.sub("", text.replace("\x00", ""))
    text = text.strip() if multiline else " ".join(text.split())
    text = _EDGE_INVISIBLES.sub("", text)
    if required and not any(unicodedata.category(ch)[0] in "LNPS" for ch in text):
        raise InvalidInput(_("%(field)s wajib diisi.", field=field))
    if len(text) > max_length:
        raise InvalidInput(
            _(
                "%(field)s terlalu panjang: %(n)s karakter, paling banyak %(max)s.",
                field=field,
                n=len(text),
                max=max_length,
            )
        )
    return text


class _NulFreeArgs(ImmutableMultiDict):
    """Query and form fields with NUL characters removed from names and text values:
    PostgreSQL cannot hold NUL in text (SQLite keeps it silently), and no person types one,
    so ``?q=%00`` searches for nothing instead of failing with a 500."""

    def __init__(self, mapping=None):
        if isinstance(mapping, (list, tuple)):
            mapping = [
                (
                    k.replace("\x00", "") if isinstance(k, str) else k,
                    v.replace("\x00", "") if isinstance(v, str) else v,
                )
                for k, v in mapping
            ]
        super().__init__(mapping)


class Request(FlaskRequest):
    """The app's request class: NUL-free ``args`` and ``form`` (see ``_NulFreeArgs``)."""

    parameter_storage_class = _NulFreeArgs
