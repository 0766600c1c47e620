"""Photos nobody sent us yet, drawn with Pillow here (no big files in the repository): each
is either accepted (upright, sRGB RGB, no metadata, every derivative) or refused with a
message, never a crash. Then the same through the real upload path on both backends."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image as PILImage

from marketplace.errors import ImageRejected
from marketplace.media.images import VARIANTS, process_image
from marketplace.media.services import save_upload
from marketplace.media.storage import get_storage
from tests.conftest import T0

from .support import VARIANT_NAMES, assert_clean_derivative, files_under, photo


def _save(im: PILImage.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _scene(width: int, height: int) -> PILImage.Image:
    return PILImage.open(io.BytesIO(photo(width, height))).convert("RGB")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` (a "pixel flood" file)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def _png16_rgb(width: int = 640, height: int = 480) -> bytes:
    """A 16-bit-per-channel RGB PNG (Pillow cannot write one; written by hand)."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            r, g, b = (x * 65535 // width, y * 65535 // height, 40000)
            row += struct.pack(">HHH", r, g, b)
        rows.append(bytes(row))
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 1))
        + _chunk(b"IEND", b"")
    )


def _exif_with_orientation(value) -> bytes:
    """A JPEG whose EXIF Orientation holds ``value`` (out of range, wrong type…)."""
    exif = PILImage.Exif()
    exif[0x0112] = value
    return photo(900, 600, exif=exif)


def _with_app1(payload: bytes) -> bytes:
    data = photo(900, 600)
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def _orientation_as_text() -> bytes:
    """EXIF Orientation stored as the ASCII string "6" instead of a SHORT."""
    ifd = (
        struct.pack(">H", 1)
        + struct.pack(">HHI", 0x0112, 2, 2)
        + b"6\x00\x00\x00"
        + struct.pack(">I", 0)
    )
    return _with_app1(b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + ifd)


def _broken_exif_segment() -> bytes:
    """A JPEG with an APP1 "Exif" segment full of garbage."""
    data = photo(900, 600)
    garbage = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08\x00\xff" + b"\xee" * 40
    app1 = b"\xff\xe1" + struct.pack(">H", len(garbage) + 2) + garbage
    return data[:2] + app1 + data[2:]


def _apng() -> bytes:
    frames = [PILImage.new("RGB", (600, 400), c) for c in ((0, 0, 220), (220, 0, 0), (0, 220, 0))]
    return _save(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _animated_webp() -> bytes:
    frames = [PILImage.new("RGB", (600, 400), c) for c in ((0, 0, 220), (220, 0, 0))]
    return _save(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)


def _heic_with_alpha() -> bytes:
    from pillow_heif import from_pillow

    im = _scene(800, 600).convert("RGBA")
    alpha = PILImage.new("L", im.size, 255)
    alpha.paste(0, (0, 0, 400, 600))  # left half transparent
    im.putalpha(alpha)
    buf = io.BytesIO()
    from_pillow(im).save(buf, quality=80)
    return buf.getvalue()


def _mpo() -> bytes:
    first, second = _scene(1200, 900), PILImage.new("RGB", (1200, 900))
    return _save(first, "MPO", save_all=True, append_images=[second])


def _cmyk_progressive() -> bytes:
    return _save(_scene(800, 600).convert("CMYK"), "JPEG", progressive=True, quality=80)


# name → (bytes builder, expected upright (w, h) or None for a refusal)
ACCEPT = {
    "webp-lossy": (lambda: _save(_scene(1000, 750), "WEBP", quality=80), (1000, 750)),
    "webp-lossless-alpha": (
        lambda: _save(_scene(700, 700).convert("RGBA"), "WEBP", lossless=True),
        (700, 700),
    ),
    "webp-animated": (_animated_webp, (600, 400)),
    "jpeg-progressive": (
        lambda: _save(_scene(1600, 1200), "JPEG", progressive=True, quality=85),
        (1600, 1200),
    ),
    "jpeg-progressive-cmyk": (_cmyk_progressive, (800, 600)),
    "jpeg-greyscale": (lambda: _save(_scene(800, 600).convert("L"), "JPEG"), (800, 600)),
    "jpeg-4-2-0-odd-size": (lambda: _save(_scene(1001, 667), "JPEG", subsampling=2), (1001, 667)),
    "png-16bit-rgb": (_png16_rgb, (640, 480)),
    "png-16bit-grey": (
        lambda: _save(
            _scene(600, 400).convert("L").point(lambda v: v * 256).convert("I;16"), "PNG"
        ),
        (600, 400),
    ),
    "png-palette-transparent": (
        lambda: _save(_scene(600, 400).convert("P"), "PNG", transparency=0),
        (600, 400),
    ),
    "png-1bit": (lambda: _save(_scene(600, 400).convert("1"), "PNG"), (600, 400)),
    "png-la": (lambda: _save(_scene(600, 400).convert("LA"), "PNG"), (600, 400)),
    "apng": (_apng, (600, 400)),
    "gif-interlaced": (
        lambda: _save(_scene(500, 400).convert("P"), "GIF", interlace=True),
        (500, 400),
    ),
    "mpo": (_mpo, (1200, 900)),
    "exif-orientation-0": (lambda: _exif_with_orientation(0), (900, 600)),
    "exif-orientation-9": (lambda: _exif_with_orientation(9), (900, 600)),
    "exif-orientation-65535": (lambda: _exif_with_orientation(65535), (900, 600)),
    "exif-orientation-text": (_orientation_as_text, (900, 600)),
    "exif-garbage-segment": (_broken_exif_segment, (900, 600)),
    "heic-with-alpha": (_heic_with_alpha, (800, 600)),
}

REFUSE = {
    "png-huge-header-small-file": lambda: _png_header_only(50_000, 50_000),
    "png-just-over-40mp": lambda: _png_header_only(8000, 5001),
    "png-zero-width": lambda: _png_header_only(0, 500),
    "jpeg-header-only": lambda: photo(900, 600)[:400],
    "webp-truncated": lambda: _save(_scene(900, 600), "WEBP")[:300],
    "heic-truncated": lambda: _heic_with_alpha()[:500],
    "bmp": lambda: _save(_scene(600, 400), "BMP"),
    "tiff": lambda: _save(_scene(600, 400), "TIFF"),
    "ico": lambda: _save(_scene(256, 256), "ICO"),
    "png-strip-too-short": lambda: _save(_scene(300, 1), "PNG"),
    "random-bytes": lambda: bytes(range(256)) * 40,
    "html-named-jpg": lambda: b"<!doctype html><script>alert(1)</script>",
}


@pytest.mark.parametrize("name", sorted(ACCEPT))
def test_odd_but_valid_photo_is_accepted_clean(app, name):
    build, upright = ACCEPT[name]
    result = process_image(build())
    assert (result.width, result.height) == upright
    assert [v.name for v in result.variants] == [s.name for s in VARIANTS]
    for v in result.variants:
        assert v.width == min(next(s.width for s in VARIANTS if s.name == v.name), result.width)
        assert v.height >= 1
        assert_clean_derivative(v.data, v.content_type, v.width, v.height)


@pytest.mark.parametrize("name", sorted(REFUSE))
def test_odd_invalid_file_is_refused_with_a_message(app, name):
    with pytest.raises(ImageRejected) as refused:
        process_image(REFUSE[name]())
    assert refused.value.message.strip()


def test_huge_header_is_refused_without_decoding(app, monkeypatch):
    def no_decode(self):
        raise AssertionError("decoded a 2.5-gigapixel picture")

    monkeypatch.setattr(PILImage.Image, "load", no_decode)
    with pytest.raises(ImageRejected) as refused:
        process_image(_png_header_only(50_000, 50_000))
    assert "megapiksel" in refused.value.message


def test_transparent_half_of_a_heic_comes_out_white(app):
    result = process_image(_heic_with_alpha())
    w640 = PILImage.open(io.BytesIO(next(v for v in result.variants if v.name == "w640").data))
    assert min(w640.getpixel((20, 240))) > 240  # was transparent
    assert w640.getpixel((600, 20)) != (255, 255, 255)


def test_16_bit_rgb_keeps_its_gradient(app):
    result = process_image(_png16_rgb())
    w320 = PILImage.open(io.BytesIO(result.variants[0].data)).convert("RGB")
    left, right = w320.getpixel((2, 120)), w320.getpixel((317, 120))
    assert left[0] < 30 and right[0] > 220  # scaled to 8 bits, not clipped to white


@pytest.mark.parametrize(
    "name",
    [
        "webp-animated",
        "apng",
        "heic-with-alpha",
        "png-16bit-rgb",
        "exif-orientation-65535",
        "mpo",
    ],
)
def test_odd_photos_through_the_upload_path_on_both_backends(app, db, member, backend, name):
    build, upright = ACCEPT[name]
    image = save_upload(build(), uploaded_by=member, now=T0)
    assert (image.width, image.height) == upright
    assert {v.name for v in image.variants} == VARIANT_NAMES
    storage = get_storage()
    for v in image.variants:
        assert v.backend == backend
        assert_clean_derivative(storage.open(v.key), v.content_type, v.width, v.height)


@pytest.mark.parametrize("name", ["png-huge-header-small-file", "heic-truncated", "tiff"])
def test_odd_refusals_write_nothing_on_both_backends(app, db, member, media_root, backend, name):
    with pytest.raises(ImageRejected):
        save_upload(REFUSE[name](), uploaded_by=member, now=T0)
    assert files_under(media_root) == []
    assert list(get_storage().list()) == []


def _small_heic() -> bytes:
    from pillow_heif import from_pillow

    buf = io.BytesIO()
    from_pillow(_scene(480, 360)).save(buf, quality=60)
    return buf.getvalue()


SEEDS = {
    "jpeg": lambda: photo(480, 360),
    "jpeg-progressive": lambda: _save(_scene(480, 360), "JPEG", progressive=True),
    "png": lambda: photo(480, 360, fmt="PNG"),
    "webp": lambda: photo(480, 360, fmt="WEBP"),
    "gif": lambda: photo(480, 360, fmt="GIF"),
    "heic": _small_heic,
}


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_damaged_files_are_accepted_or_refused_never_a_crash(app, fmt):
    """Bytes overwritten, cut or repeated at seeded-random places: every outcome is an
    accepted clean picture or an ImageRejected; any other exception fails the test."""
    import random

    rng = random.Random(f"etalase-{fmt}")
    original = SEEDS[fmt]()
    for _round in range(25):
        data = bytearray(original)
        kind = rng.choice(("flip", "cut", "repeat"))
        at = rng.randrange(len(data))
        if kind == "flip":
            for i in range(rng.randint(1, 8)):
                data[(at + i * 97) % len(data)] = rng.randrange(256)
        elif kind == "cut":
            del data[at:]
        else:
            data[at:at] = data[at : at + rng.randint(1, 300)]
        try:
            result = process_image(bytes(data))
        except ImageRejected as exc:
            assert exc.message.strip()
            continue
        for v in result.variants:
            assert_clean_derivative(v.data, v.content_type, v.width, v.height)


@pytest.mark.parametrize("size, fmt", [((2000, 1), "JPEG"), ((1, 3000), "PNG")])
def test_one_pixel_strips_are_refused_as_too_long(app, size, fmt):
    """#18: extreme aspect ratios are refused with what to do (they were accepted and made
    a card a few pixels high)."""
    with pytest.raises(ImageRejected, match="Potong foto"):
        process_image(_save(_scene(*size), fmt))
