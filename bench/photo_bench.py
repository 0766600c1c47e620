"""Photo pipeline benchmark: a 12-megapixel phone photo through ``process_image``.

Prints two lines, both measured in this run on this machine:

    photo_12mp_ms: <median milliseconds for process_image, all derivatives>
    photo_12mp_naive_ratio: <ours / naive>

"naive" is what a straightforward implementation does with the same photo: open, full
decode, ``ImageOps.exif_transpose``, then for every derivative a LANCZOS resize from the
full-size picture and a save in the same format and settings. The input is a 4000×3000
JPEG of photo-like content (gradients, shapes, grain) with EXIF Orientation=6.

Usage: ``.venv/bin/python bench/photo_bench.py [--runs 7]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, ImageFilter, ImageOps  # noqa: E402

from marketplace.media.images import (  # noqa: E402
    JPEG_QUALITY,
    VARIANTS,
    WEBP_METHOD,
    WEBP_QUALITY,
    process_image,
)


def photo_like_jpeg(width: int = 4000, height: int = 3000, orientation: int = 6) -> bytes:
    """A deterministic JPEG that compresses like a photo: smooth light, edges and grain."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = Image.linear_gradient("L").rotate(90).resize((width, height))
    im = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(im)
    for i in range(40):  # "objects" with edges
        x, y = (i * 977) % width, (i * 613) % height
        r = 80 + (i * 37) % 400
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=((i * 53) % 256, (i * 91) % 256, (i * 29) % 256)
        )
    im = im.filter(ImageFilter.GaussianBlur(3))
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    im = Image.blend(im, grain, 0.18)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def naive(data: bytes) -> list[bytes]:
    im = Image.open(io.BytesIO(data))
    im.load()
    im = ImageOps.exif_transpose(im)
    out = []
    for spec in VARIANTS:
        w = min(spec.width, im.width)
        h = round(im.height * w / im.width)
        pic = im.resize((w, h), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        if spec.format == "WEBP":
            pic.save(buf, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        else:
            pic.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
        out.append(buf.getvalue())
    return out


def median_ms(fn, data: bytes, runs: int) -> float:
    fn(data)  # warm up (codec libraries, ICC profiles)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(data)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = photo_like_jpeg()
    result = process_image(data)
    assert (result.width, result.height) == (3000, 4000), "orientation 6 must come out portrait"
    ours = median_ms(process_image, data, args.runs)
    theirs = median_ms(naive, data, args.runs)
    print(f"photo_12mp_bytes: {len(data)}")
    print(f"photo_12mp_naive_ms: {theirs:.0f}")
    print(f"photo_12mp_ms: {ours:.0f}")
    print(f"photo_12mp_naive_ratio: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
