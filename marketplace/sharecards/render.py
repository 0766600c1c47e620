"""Drawing a share card: 1200×630 JPEG, at most 300 KB (pure drawing, no database).

Left, on the brand colour: the site's name in the accent colour, the page's heading (bold,
up to three lines, shrinking), the summary ("42 produk makanan dari Pamulang") and the
agency's name at the foot. Right, a 600×630 block of up to four cover photos (one whole,
two side by side, one tall and two stacked, or a 2×2 grid), each fitted without cutting
the product off (``instagram.slides.fit_whole``), never upscaled past its pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from ..catalogue.cards import CARD_HEIGHT, CARD_MAX_BYTES, CARD_WIDTH
from ..instagram import text as T
from ..instagram.slides import fit_whole

PAD = 56
PANEL = 600  # width of the text panel; the photos take the rest
GAP = 6
QUALITIES = (85, 78, 70, 60, 50)

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class CardLook:
    """The texts and colours (``#RRGGBB``) of one card."""

    site_name: str
    heading: str
    summary: str
    agency_name: str
    brand_color: str = "#0E4D92"
    accent_color: str = "#F9B233"
    text_color: str = "#FFFFFF"


@dataclass
class Card:
    image: Image.Image
    regions: dict[str, list[Box]] = field(default_factory=dict)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = (hex_color or "#000000").lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def photo_boxes(n: int) -> list[Box]:
    """Where ``n`` photos (0–4) go in the right-hand block."""
    x0, x1, y1 = PANEL, CARD_WIDTH, CARD_HEIGHT
    mid_x, mid_y = x0 + (x1 - x0) // 2, y1 // 2
    if n <= 0:
        return []
    if n == 1:
        return [(x0, 0, x1, y1)]
    if n == 2:
        return [(x0, 0, mid_x - GAP // 2, y1), (mid_x + GAP // 2, 0, x1, y1)]
    right = [
        (mid_x + GAP // 2, 0, x1, mid_y - GAP // 2),
        (mid_x + GAP // 2, mid_y + GAP // 2, x1, y1),
    ]
    if n == 3:
        return [(x0, 0, mid_x - GAP // 2, y1), *right]
    left = [
        (x0, 0, mid_x - GAP // 2, mid_y - GAP // 2),
        (x0, mid_y + GAP // 2, mid_x - GAP // 2, y1),
    ]
    return [left[0], right[0], left[1], right[1]]


def draw_card(look: CardLook, photos: list[Image.Image | None]) -> Card:
    """The card for ``look`` with up to four ``photos`` (None: a tile in a lighter brand
    colour, for a photo storage could not give)."""
    brand = _rgb(look.brand_color)
    canvas = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), brand)
    draw = ImageDraw.Draw(canvas)
    light = tuple(int(c + (255 - c) * 0.75) for c in brand)
    for photo, box in zip(photos[:4], photo_boxes(len(photos[:4])), strict=True):
        x0, y0, x1, y1 = box
        if photo is None:
            draw.rectangle(box, fill=light)
        else:
            canvas.paste(fit_whole(photo.convert("RGB"), (x1 - x0, y1 - y0)), (x0, y0))
    regions: dict[str, list[Box]] = {}
    inner = (PANEL if photos else CARD_WIDTH) - 2 * PAD
    y = PAD
    site = T.fit(look.site_name, inner, 60, (34, 30, 26), bold=True, max_lines=1)
    regions["site"] = site.draw(draw, PAD, y, _rgb(look.accent_color))
    y += site.height + 36
    foot = T.fit(look.agency_name, inner, 64, (22, 20, 18), max_lines=2)
    foot_y = CARD_HEIGHT - PAD - foot.height
    summary = T.fit(look.summary, inner, 130, (32, 28, 24), max_lines=3)
    room = foot_y - 32 - summary.height - 24 - y
    heading = T.fit(look.heading, inner, max(room, 60), (64, 56, 48, 40), bold=True, max_lines=3)
    regions["heading"] = heading.draw(draw, PAD, y, _rgb(look.text_color))
    y += heading.height + 24
    regions["summary"] = summary.draw(draw, PAD, y, _rgb(look.text_color))
    regions["agency"] = foot.draw(draw, PAD, foot_y, _rgb(look.accent_color))
    return Card(canvas, regions)


def to_jpeg(image: Image.Image, max_bytes: int = CARD_MAX_BYTES) -> bytes:
    """The card as a baseline JPEG (no metadata) of at most ``max_bytes``: the best quality
    in ``QUALITIES`` that fits (the last one if none does; photos at 1200×630 stay far
    below 300 KB at quality 50)."""
    data = b""
    for quality in QUALITIES:
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=quality, optimize=True)
        data = buf.getvalue()
        if len(data) <= max_bytes:
            break
    return data
