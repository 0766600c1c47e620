"""Photo pipeline benchmark: a 12-megapixel phone photo through ``process_image``.

Prints, measured in this run on this machine:

    photo_12mp_ms: <median milliseconds for process_image, all derivatives>
    photo_12mp_naive_ratio: <ours / naive>
    photo_peak_mib_<png|jpeg|heic|heic_whole|webp>: <peak memory of one process_image above
        the process's peak before it, MiB> for the worst file of that kind the limits allow
        (see WORST: a 200 MP JPEG, a 48 MP grid HEIC, and the largest RGBA PNG, grid-less HEIF
        and WebP the decode budget admits), each in a fresh process (VmHWM above VmRSS)
    photo_peak_mib_4x_<kind>: the same for four concurrent uploads of that file (threads, with
        the default PHOTO_DECODES_AT_ONCE); goals: each single under 160, four under 400

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


# The largest file of each kind the limits allow (config defaults: MAX_SCALED_PIXELS 210 MP,
# PHOTO_DECODE_BUDGET_MIB 100, MAX_IMAGE_PIXELS 40 MP), as (name, format, mode, size, grid):
# a 200 MP phone JPEG (decoded at 1/8), a 48 MP iPhone HEIC (a grid of 512-px tiles, decoded
# tile by tile), and for the formats decoded whole the largest picture the budget admits.
WORST = (
    ("png", "PNG", "RGBA", (6250, 4190), 0),  # 26.2 MP x 4 bytes = the 100 MiB budget
    ("jpeg", "JPEG", "RGB", (16320, 12240), 0),  # 199.8 MP
    ("heic", "HEIF", "RGB", (8064, 6048), 512),  # 48.8 MP, iPhone grid
    ("heic_whole", "HEIF", "RGB", (4640, 3130), 0),  # 14.5 MP, no grid
    ("webp", "WEBP", "RGB", (3120, 2090), 0),  # 6.5 MP
)


def worst_files(folder: Path) -> dict[str, Path]:
    """The largest files the limits allow, written to ``folder`` once."""
    import pillow_heif

    made = {}
    for name, fmt, mode, size, grid in WORST:
        path = folder / f"worst-{name}-{size[0]}x{size[1]}.{fmt.lower()}"
        if not path.exists():
            pillow_heif.options.GRID_TILE_SIZE = grid
            im = Image.new(mode, size, (30, 120, 200, 128)[: len(mode)])
            r = min(size) // 2
            ImageDraw.Draw(im).ellipse((r // 4, r // 4, r, r), fill=(200, 40, 40, 255)[: len(mode)])
            im.save(path, fmt, **({"quality": 60} if fmt != "PNG" else {}))
            del im
        made[name] = path
    return made


def _peak_child(path: str, copies: int) -> None:
    """In a fresh process: peak RSS growth (MiB) of ``copies`` concurrent process_image."""
    import threading

    def status_kib(field: str) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise SystemExit(f"no {field} in /proc/self/status")

    data = Path(path).read_bytes()
    process_image(photo_like_jpeg(400, 300, 1))  # libraries and codecs loaded
    # ru_maxrss survives exec (the parent's peak); VmHWM is this process's, reset here.
    Path("/proc/self/clear_refs").write_text("5")
    before = status_kib("VmRSS")
    threads = [threading.Thread(target=process_image, args=(data,)) for _ in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print((status_kib("VmHWM") - before) / 1024)


def peak_mib(path: Path, copies: int = 1) -> float:
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--peak-child", str(path), "--copies", str(copies)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--peak-child", help=argparse.SUPPRESS)
    parser.add_argument("--copies", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--only-peak", action="store_true", help="only the photo_peak_mib lines")
    args = parser.parse_args()
    if args.peak_child:
        _peak_child(args.peak_child, args.copies)
        return
    folder = Path(__file__).resolve().parent / "out"
    folder.mkdir(exist_ok=True)
    files = worst_files(folder)
    for name, path in files.items():
        print(f"photo_peak_mib_{name}: {peak_mib(path):.0f}")
    for name, path in files.items():
        print(f"photo_peak_mib_4x_{name}: {peak_mib(path, 4):.0f}")
    if args.only_peak:
        return
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
