"""Text that fits its box: font fallback, wrapping, shrinking and an ellipsis.

The fonts ship in ``fonts/`` beside this module (licences beside them), so slides look the
same on every machine: DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew…) with Droid
Sans Fallback for Chinese, Japanese and Korean. A character neither font has (most emoji,
some scripts) is left out rather than drawn as an empty box.

``fit(text, width, height, sizes, bold=…)`` returns a :class:`Block`: the lines at the
largest size in ``sizes`` at which the whole text fits ``width`` × ``height``; at the
smallest size the last line that fits ends with "…". ``Block.draw`` draws it and returns
the pixel boxes actually covered, which the tests check for overflow and overlap.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FALLBACK = FONT_DIR / "DroidSansFallbackFull.ttf"
ELLIPSIS = "…"
LINE_SPACING = 1.25


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap().keys())


@lru_cache(maxsize=256)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _chain(bold: bool) -> tuple[Path, Path]:
    return (BOLD if bold else REGULAR), FALLBACK


def clean(text: str, bold: bool = False) -> str:
    """``text`` on one line, NFC, without characters no shipped font can draw."""
    primary, fallback = _chain(bold)
    have, extra = _cmap(primary), _cmap(fallback)
    text = unicodedata.normalize("NFC", text or "")
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif ord(ch) in have or ord(ch) in extra:
            kept.append(ch)
    return re.sub(r" {2,}", " ", "".join(kept)).strip()


def runs(text: str, bold: bool = False) -> list[tuple[Path, str]]:
    """Split cleaned ``text`` into (font file, piece) runs: the primary font wherever it has
    the glyph, the fallback elsewhere."""
    primary, fallback = _chain(bold)
    have = _cmap(primary)
    out: list[tuple[Path, str]] = []
    for ch in text:
        path = primary if (ord(ch) in have or ch == " ") else fallback
        if out and out[-1][0] == path:
            out[-1] = (path, out[-1][1] + ch)
        else:
            out.append((path, ch))
    return out


def width(text: str, size: int, bold: bool = False) -> float:
    """Advance width in pixels of cleaned ``text`` at ``size``."""
    return sum(font(path, size).getlength(piece) for path, piece in runs(text, bold))


def _tokens(text: str, max_width: float, size: int, bold: bool) -> list[tuple[str, str]]:
    """(separator before, piece) pairs: words, and words too wide for a line (or scripts
    without spaces) cut into characters, keeping combining marks with their base."""
    out: list[tuple[str, str]] = []
    for word in text.split(" "):
        if not word:
            continue
        if width(word, size, bold) <= max_width:
            out.append((" ", word))
            continue
        clusters: list[str] = []
        for ch in word:
            if clusters and (unicodedata.combining(ch) or ch in "\u200d\ufe0f"):
                clusters[-1] += ch
            else:
                clusters.append(ch)
        out.append((" ", clusters[0]))
        out.extend(("", c) for c in clusters[1:])
    return out


def wrap(text: str, max_width: float, size: int, bold: bool = False) -> list[str]:
    """Greedy line breaking of cleaned ``text`` so that every line fits ``max_width``."""
    lines: list[str] = []
    line = ""
    for sep, piece in _tokens(text, max_width, size, bold):
        candidate = f"{line}{sep}{piece}" if line else piece
        if not line or width(candidate, size, bold) <= max_width:
            line = candidate
        else:
            lines.append(line)
            line = piece
    if line:
        lines.append(line)
    return lines


def ellipsize(line: str, max_width: float, size: int, bold: bool = False) -> str:
    """``line`` shortened until it and a trailing "…" fit ``max_width``."""
    line = line.rstrip()
    while line and width(line + ELLIPSIS, size, bold) > max_width:
        line = line[:-1].rstrip(" ,.;:-–—·")
    return line + ELLIPSIS


def line_height(size: int) -> int:
    return int(round(size * LINE_SPACING))


@dataclass
class Block:
    """Lines laid out at ``size``; ``truncated`` when an ellipsis had to be added."""

    lines: list[str]
    size: int
    bold: bool
    max_width: int
    truncated: bool = False

    @property
    def height(self) -> int:
        return line_height(self.size) * len(self.lines)

    def line_width(self, line: str) -> float:
        return width(line, self.size, self.bold)

    def draw(
        self, draw: ImageDraw.ImageDraw, x: int, y: int, fill, align: str = "left"
    ) -> list[tuple[int, int, int, int]]:
        """Draw at top-left (``x``, ``y``); returns the ink boxes of every line."""
        boxes = []
        lh = line_height(self.size)
        ascent = font(_chain(self.bold)[0], self.size).getmetrics()[0]
        # centre the primary font's ascent+descent inside the line box
        descent = font(_chain(self.bold)[0], self.size).getmetrics()[1]
        top_pad = (lh - ascent - descent) // 2
        for i, line in enumerate(self.lines):
            baseline = y + i * lh + top_pad + ascent
            cx = x + (self.max_width - self.line_width(line) if align == "right" else 0)
            for path, piece in runs(line, self.bold):
                f = font(path, self.size)
                draw.text((cx, baseline), piece, font=f, fill=fill, anchor="ls")
                box = draw.textbbox((cx, baseline), piece, font=f, anchor="ls")
                if box[2] > box[0]:
                    boxes.append(tuple(int(v) for v in box))
                cx += f.getlength(piece)
        return boxes


def fit(
    text: str,
    max_width: int,
    max_height: int,
    sizes: tuple[int, ...],
    *,
    bold: bool = False,
    max_lines: int | None = None,
) -> Block:
    """The largest size in ``sizes`` (descending) at which ``text`` wraps into lines that
    fit ``max_width`` and, stacked, ``max_height`` (and ``max_lines``); at the smallest size
    the lines that fit are kept and the last one ends with "…". Never wider or taller."""
    text = clean(text, bold)
    if not text:
        return Block([], sizes[-1], bold, max_width)
    for size in sizes:
        allowed = max(1, max_height // line_height(size))
        if max_lines:
            allowed = min(allowed, max_lines)
        lines = wrap(text, max_width, size, bold)
        if len(lines) <= allowed:
            return Block(lines, size, bold, max_width)
    size = sizes[-1]
    allowed = max(1, max_height // line_height(size))
    if max_lines:
        allowed = min(allowed, max_lines)
    lines = wrap(text, max_width, size, bold)
    kept = lines[:allowed]
    kept[-1] = ellipsize(kept[-1], max_width, size, bold)
    return Block(kept, size, bold, max_width, truncated=True)
