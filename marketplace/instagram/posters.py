"""Printable posters as PDF (``reportlab``: pure Python, already the usual choice for
drawing PDFs page by page; WeasyPrint would need Pango and a browser-grade layout we do
not use): an A4 poster for a community's bazaar stand and A6 price cards per listing.

Pure drawing over plain values (``PosterItem``, ``StandPoster``); ``services``-side helpers
at the bottom turn listings into them. Fonts: DejaVu Sans (regular, bold) as the kit has
them; characters DejaVu lacks (emoji, CJK) are left out rather than drawn as boxes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ..shortlinks.qr import qr_image

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


@cache
def _fonts() -> set[int]:
    """Register the fonts once; the code points DejaVu Sans can draw."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    from fontTools.ttLib import TTFont as FT

    return set(FT(str(FONTS / "DejaVuSans.ttf")).getBestCmap())


def drawable(text: str) -> str:
    """``text`` without characters the font cannot draw, spaces collapsed."""
    known = _fonts()
    return " ".join("".join(c for c in text if ord(c) in known or c == " ").split())


@dataclass
class PosterItem:
    """One product on a poster or card: ``price`` already formatted with its unit
    (``Rp15.000 / pack``), ``code`` the short code, ``url`` what the QR code carries."""

    title: str
    price: str
    code: str
    url: str
    business: str = ""
    photo: Image.Image | None = None


@dataclass
class StandPoster:
    """An A4 poster: the community, the QR code of its page, up to 12 products."""

    site_name: str
    community: str
    district: str
    url: str
    items: list[PosterItem] = field(default_factory=list)


def _lines(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    lines = simpleSplit(drawable(text), font, size, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _text(c, text, x, y, width, font=REGULAR, size=10.0, max_lines=1, leading=None):
    """Draw wrapped text with its first baseline at ``y``; returns the y under it."""
    leading = leading or size * 1.25
    for line in _lines(text, font, size, width, max_lines):
        c.setFont(font, size)
        c.drawString(x, y, line)
        y -= leading
    return y


def _photo(c, photo: Image.Image | None, x, y, w, h) -> None:
    """The whole photo fitted into the box (never cropped, never enlarged past its pixels
    at 300 dpi), centred; a light grey box without one."""
    c.setFillColorRGB(0.94, 0.94, 0.94)
    c.rect(x, y, w, h, stroke=0, fill=1)
    if photo is None:
        return
    pw, ph = photo.size
    scale = min(w / pw, h / ph, 72 / 150)  # at least 150 dpi: no upscaling blur
    dw, dh = pw * scale, ph * scale
    c.drawImage(ImageReader(photo.convert("RGB")), x + (w - dw) / 2, y + (h - dh) / 2, dw, dh)


def _qr(c, url: str, x, y, size) -> None:
    c.drawImage(ImageReader(qr_image(url, 600, border=2)), x, y, size, size)


def stand_poster(poster: StandPoster) -> bytes:
    """The A4 poster as PDF bytes: header with the community and a large QR code, then a
    3×4 grid of products (photo, name, price, short code)."""
    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(drawable(poster.community))
    width, height = A4
    margin = 14 * mm
    qr_size = 46 * mm
    top = height - margin
    c.setFillColorRGB(0, 0, 0)
    y = _text(c, poster.site_name, margin, top - 10, width - 2 * margin - qr_size, size=11)
    y = _text(c, poster.community, margin, y - 14, width - 3 * margin - qr_size, BOLD, 26, 2, 30)
    _text(c, poster.district, margin, y - 2, width - 2 * margin - qr_size, size=13)
    _qr(c, poster.url, width - margin - qr_size, top - qr_size, qr_size)
    _text(c, poster.url, width - margin - qr_size, top - qr_size - 10, qr_size, size=7)

    cols, rows, gap = 3, 4, 5 * mm
    grid_top = top - qr_size - 18 * mm
    cell_w = (width - 2 * margin - (cols - 1) * gap) / cols
    cell_h = (grid_top - margin - (rows - 1) * gap) / rows
    for i, item in enumerate(poster.items[: cols * rows]):
        col, row = i % cols, i // cols
        x = margin + col * (cell_w + gap)
        y0 = grid_top - row * (cell_h + gap)
        photo_h = cell_h - 24 * mm
        _photo(c, item.photo, x, y0 - photo_h, cell_w, photo_h)
        c.setFillColorRGB(0, 0, 0)
        y = _text(c, item.title, x, y0 - photo_h - 10, cell_w, BOLD, 9, 2, 11)
        y = _text(c, item.price, x, y - 2, cell_w, BOLD, 11)
        _text(c, item.code, x, y - 1, cell_w, REGULAR, 10)
    c.showPage()
    c.save()
    return buf.getvalue()


def price_cards(items: list[PosterItem], site_name: str) -> bytes:
    """A6 price cards, one page each: photo, name, price with unit, the QR code and the
    short code under it, the business and the site."""
    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A6, pageCompression=1)
    c.setTitle(drawable(site_name))
    width, height = A6
    margin = 7 * mm
    inner = width - 2 * margin
    qr_size = 30 * mm
    for item in items:
        photo_h = 52 * mm
        _photo(c, item.photo, margin, height - margin - photo_h, inner, photo_h)
        c.setFillColorRGB(0, 0, 0)
        y = height - margin - photo_h - 16
        y = _text(c, item.title, margin, y, inner, BOLD, 13, 3, 16)
        _text(c, item.price, margin, y - 6, inner, BOLD, 18)
        _qr(c, item.url, width - margin - qr_size, margin + 8, qr_size)
        _text(c, item.code, width - margin - qr_size, margin, qr_size, BOLD, 9)
        left = inner - qr_size - 4 * mm
        y = _text(c, item.business, margin, margin + qr_size - 4, left, REGULAR, 9, 2)
        _text(c, site_name, margin, margin, left, REGULAR, 7)
        c.showPage()
    if not items:
        c.showPage()
    c.save()
    return buf.getvalue()
