"""Drawing the kit's slides: 1080×1350 (4:5) JPEGs in the agency's colours.

Pure drawing, no database: the services hand in :class:`Brand`, :class:`ListingCard` and
:class:`CoverCard` values and get back a :class:`Slide` (the picture and, per text field,
the pixel boxes its ink covers; the tests use them to prove nothing overflows or overlaps).

Listing slide: the cover photo on top (the whole product: ``fit_whole``, 1080×860), an
"Edisi N" label and the QR and short code in the corner, then a panel in the brand colour
with the product name (up to 3 lines, shrinking, "…" past that),
the price in the accent colour, the business, the district with the WhatsApp number
right-aligned, and the agency's name at the foot.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageOps

from . import text as T

WIDTH, HEIGHT = 1080, 1350
PHOTO_HEIGHT = 860
PAD = 60
INNER = WIDTH - 2 * PAD
JPEG_QUALITY = 88
# BICUBIC antialiases when shrinking and costs a third of LANCZOS (as in media.images)
RESAMPLE = Image.Resampling.BICUBIC

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Brand:
    """The agency's name and colours (``#RRGGBB``) from the site settings."""

    agency_name: str
    brand_color: str
    accent_color: str
    text_color: str
    site_name: str = "Etalase UMKM"


@dataclass
class ListingCard:
    """What one listing slide shows. ``price`` is already formatted (``Rp15.000`` or
    "Hubungi penjual"); ``whatsapp`` in national form (``0812-3456-7890``)."""

    title: str
    price: str
    business: str
    district: str
    whatsapp: str
    edition: str
    photo: Image.Image | None = None
    # the listing's short code (``ETL-4K7Q``) and the URL its QR code carries (``/k/<code>``)
    code: str = ""
    qr_url: str = ""


@dataclass
class CoverCard:
    """What the cover slide shows: "Edisi 14 · 12 Januari 2026", counts, a few photos."""

    heading: str
    edition_line: str
    summary: str
    hashtags: str
    photos: list[Image.Image] = field(default_factory=list)


@dataclass
class Slide:
    image: Image.Image
    regions: dict[str, list[Box]] = field(default_factory=dict)

    def jpeg(self) -> bytes:
        return to_jpeg(self.image)


def to_jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=False))  # type: ignore[return-value]


# A photo is cropped to fill the box only when that loses at most this share of its area
# and needs no enlarging; otherwise the whole photo is shown over its own blurred edges.
MAX_CROP = 0.08


def fit_whole(photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``photo`` (RGB) in a ``size`` box without cutting the product off: when filling the
    box would crop more than ``MAX_CROP`` of it (a portrait photo in the landscape band) or
    enlarge it, the whole photo is placed in the middle, never scaled past its own pixels,
    over a blurred, darkened fill of itself (its own colours instead of bars)."""
    from PIL import ImageEnhance, ImageFilter

    w, h = size
    pw, ph = photo.size
    cover = max(w / pw, h / ph)
    kept = (w * h) / (pw * ph * cover * cover)  # share of the photo a fill would keep
    if cover <= 1 and kept >= 1 - MAX_CROP:
        return ImageOps.fit(photo, size, RESAMPLE)
    # the fill: the photo cropped to the box at 1/16 size, blurred, enlarged (cheap and soft)
    tiny = ImageOps.fit(photo, (max(1, w // 16), max(1, h // 16)), RESAMPLE)
    backdrop = tiny.filter(ImageFilter.GaussianBlur(2)).resize(size, RESAMPLE)
    backdrop = ImageEnhance.Brightness(backdrop).enhance(0.7)
    scale = min(w / pw, h / ph, 1.0)
    shown = (
        photo if scale == 1.0 else photo.resize((round(pw * scale), round(ph * scale)), RESAMPLE)
    )
    backdrop.paste(shown, ((w - shown.width) // 2, (h - shown.height) // 2))
    return backdrop


def _photo_or_placeholder(
    canvas: Image.Image,
    photo: Image.Image | None,
    box: Box,
    brand: Brand,
    draw: ImageDraw.ImageDraw,
) -> None:
    x0, y0, x1, y1 = box
    size = (x1 - x0, y1 - y0)
    if photo is not None:
        canvas.paste(fit_whole(photo.convert("RGB"), size), (x0, y0))
        return
    base = _rgb(brand.brand_color)
    draw.rectangle(box, fill=_mix(base, (255, 255, 255), 0.8))
    block = T.fit("Foto tidak tersedia", size[0] - 40, 60, (40, 32))
    left = x0 + (size[0] - int(block.line_width(block.lines[0]))) // 2
    block.draw(draw, left, y0 + size[1] // 2 - block.height // 2, fill=base)


def render_listing(card: ListingCard, brand: Brand) -> Slide:
    """One listing slide, 1080×1350."""
    base, accent, ink = _rgb(brand.brand_color), _rgb(brand.accent_color), _rgb(brand.text_color)
    img = Image.new("RGB", (WIDTH, HEIGHT), base)
    draw = ImageDraw.Draw(img)
    regions: dict[str, list[Box]] = {}
    _photo_or_placeholder(img, card.photo, (0, 0, WIDTH, PHOTO_HEIGHT), brand, draw)
    draw.rectangle((0, PHOTO_HEIGHT, WIDTH, PHOTO_HEIGHT + 8), fill=accent)

    # "Edisi 14" label on the photo
    label = T.fit(card.edition, 400, 50, (30,), bold=True, max_lines=1)
    lw = int(label.line_width(label.lines[0])) if label.lines else 0
    draw.rounded_rectangle((PAD - 20, 36, PAD + lw + 20, 36 + 56), radius=28, fill=base)
    regions["edition"] = label.draw(draw, PAD, 36 + 3, fill=ink)

    if card.qr_url:
        regions.update(_qr_corner(img, draw, card))

    y = PHOTO_HEIGHT + 34
    title = T.fit(card.title, INNER, 190, (58, 52, 46, 42, 38), bold=True, max_lines=3)
    regions["title"] = title.draw(draw, PAD, y, fill=ink)
    y += max(title.height, T.line_height(38)) + 10

    price = T.fit(card.price, INNER, 70, (54, 46, 40), bold=True, max_lines=1)
    regions["price"] = price.draw(draw, PAD, y, fill=accent)
    y += 70 + 6

    business = T.fit(card.business, INNER, 46, (36, 32, 28), max_lines=1)
    regions["business"] = business.draw(draw, PAD, y, fill=ink)
    y += 46 + 4

    wa_text = f"WA {card.whatsapp}"
    wa = T.fit(wa_text, INNER, 42, (32, 28), bold=True, max_lines=1)
    wa_w = int(wa.line_width(wa.lines[0])) + 1 if wa.lines else 0
    district = T.fit(card.district, INNER - wa_w - 30, 42, (32, 28), max_lines=1)
    regions["district"] = district.draw(draw, PAD, y, fill=ink)
    regions["whatsapp"] = wa.draw(draw, PAD, y, fill=ink, align="right")

    foot = T.fit(brand.agency_name, INNER, 32, (24, 20), max_lines=1)
    regions["agency"] = foot.draw(draw, PAD, HEIGHT - 50, fill=_mix(ink, base, 0.3))
    return Slide(img, regions)


QR_SIZE = 204  # pixels; 6 px a module for a 33-module code: reads from a phone screen
QR_MARGIN = 40


def _qr_corner(img: Image.Image, draw: ImageDraw.ImageDraw, card: ListingCard) -> dict:
    """The QR code and the short code under it on a white card in the photo's top-right
    corner; returns their regions (``qr``, ``code``)."""
    from ..shortlinks.qr import qr_image

    pad = 12
    label_h = T.line_height(30) + 6
    x1, y0 = WIDTH - QR_MARGIN, 36
    x0 = x1 - QR_SIZE - 2 * pad
    y1 = y0 + pad + QR_SIZE + label_h + pad
    draw.rounded_rectangle((x0, y0, x1, y1), radius=18, fill=(255, 255, 255))
    img.paste(qr_image(card.qr_url, QR_SIZE, border=1), (x0 + pad, y0 + pad))
    regions = {"qr": [(x0 + pad, y0 + pad, x0 + pad + QR_SIZE, y0 + pad + QR_SIZE)]}
    if card.code:
        label = T.fit(card.code, QR_SIZE, label_h, (30, 26, 22), bold=True, max_lines=1)
        lw = int(label.line_width(label.lines[0])) if label.lines else 0
        left = x0 + pad + (QR_SIZE - lw) // 2
        regions["code"] = label.draw(draw, left, y0 + pad + QR_SIZE + 2, fill=(20, 20, 20))
    return regions


def render_cover(card: CoverCard, brand: Brand) -> Slide:
    """The round's cover slide, 1080×1350: site name, "Edisi N · date", up to four photos."""
    base, accent, ink = _rgb(brand.brand_color), _rgb(brand.accent_color), _rgb(brand.text_color)
    img = Image.new("RGB", (WIDTH, HEIGHT), base)
    draw = ImageDraw.Draw(img)
    regions: dict[str, list[Box]] = {}

    y = 70
    agency = T.fit(brand.agency_name, INNER, 84, (34, 30, 26), max_lines=2)
    regions["agency"] = agency.draw(draw, PAD, y, fill=ink)
    y += 84 + 20
    heading = T.fit(card.heading, INNER, 120, (92, 80, 68, 56), bold=True, max_lines=1)
    regions["heading"] = heading.draw(draw, PAD, y, fill=accent)
    y += 120 + 6
    edition = T.fit(card.edition_line, INNER, 72, (56, 48, 40), bold=True, max_lines=1)
    regions["edition"] = edition.draw(draw, PAD, y, fill=ink)
    y += 72 + 36

    # a 2×2 mosaic of the first photos (or fewer, centred)
    photos = card.photos[:4]
    gap, tile_w, tile_h = 16, (INNER - 16) // 2, 300
    top = y
    for i in range(4):
        col, row = i % 2, i // 2
        x0, y0 = PAD + col * (tile_w + gap), top + row * (tile_h + gap)
        box = (x0, y0, x0 + tile_w, y0 + tile_h)
        if i < len(photos):
            img.paste(ImageOps.fit(photos[i].convert("RGB"), (tile_w, tile_h), RESAMPLE), (x0, y0))
        else:
            draw.rectangle(box, fill=_mix(base, (255, 255, 255), 0.15))
    y = top + 2 * tile_h + gap + 36

    summary = T.fit(card.summary, INNER, 104, (40, 36, 32), max_lines=2)
    regions["summary"] = summary.draw(draw, PAD, y, fill=ink)
    tags = T.fit(card.hashtags, INNER, 80, (28, 24), bold=True, max_lines=2)
    regions["hashtags"] = tags.draw(draw, PAD, HEIGHT - 40 - 80, fill=accent)
    return Slide(img, regions)
