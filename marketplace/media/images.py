"""The one image pipeline: the only module that opens uploaded files with Pillow.

``process_image(data)`` turns the bytes of an upload into a few re-encoded derivatives:

1. **Allow-list by content.** ``Image.open(..., formats=ALLOWED_FORMATS)`` only runs the
   JPEG, PNG, WebP, HEIF (pillow-heif) and GIF parsers; the file name and the browser's
   content type never reach this module.
2. **Limits before decoding.** Empty files, files over ``MAX_PHOTO_BYTES``, pictures over
   ``MAX_IMAGE_PIXELS`` (width × height of the one frame decoded, read from the header),
   longer side over ``MAX_ASPECT_RATIO`` times the shorter (a panorama), and pictures whose
   longer side is under ``MIN_IMAGE_SIDE`` are refused before any pixel is decoded.
   Pillow's ``DecompressionBombWarning`` is turned into an error as well.
3. **Full decode.** ``load()`` with ``ImageFile.LOAD_TRUNCATED_IMAGES`` False, which is what
   catches cut-short uploads. Large JPEGs are decoded at a reduced DCT scale
   (``Image.draft``) when the largest derivative is much smaller than the original.
4. **Upright, sRGB, RGB, no metadata.** The EXIF orientation is applied (after shrinking,
   so on fewer pixels), transparency is flattened on white, an embedded ICC profile is
   converted to sRGB and dropped, and the derivatives are encoded from pixels only: no
   EXIF (GPS), XMP, ICC profile or text chunk survives.

Every refusal raises :class:`~marketplace.errors.ImageRejected` with an Indonesian message
for the user; the exception also carries ``detected_format`` (e.g. ``"JPEG"``, ``"TIFF"``,
or None) for the audit trail.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageFile
from pillow_heif import register_heif_opener

from ..errors import ImageRejected
from . import heif_tiles

log = logging.getLogger(__name__)

register_heif_opener()  # adds the "HEIF" format (HEIC and HEIF files) to Pillow's registry

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "GIF")

# Used when no app is active (the benchmark, scripts); the app's config wins otherwise.
DEFAULT_LIMITS = {
    "MAX_IMAGE_PIXELS": 40_000_000,
    "MAX_SCALED_PIXELS": 210_000_000,
    "PHOTO_DECODE_BUDGET_MIB": 100,
    "MIN_IMAGE_SIDE": 320,
    "MAX_PHOTO_BYTES": 12 * 1024 * 1024,
    "PHOTO_DECODES_AT_ONCE": 2,
    "MAX_ASPECT_RATIO": 4,
}

# Pillow's own bomb check (a warning above this, an error above twice it) sits at our largest
# cap, so a 200 MP phone JPEG opens; the per-format limits and the decode budget are stricter.
Image.MAX_IMAGE_PIXELS = DEFAULT_LIMITS["MAX_SCALED_PIXELS"]

WEBP_QUALITY = 80
WEBP_METHOD = 4
JPEG_QUALITY = 88
# Pillow's BICUBIC is a convolution whose support widens with the scale factor, so it
# antialiases when shrinking; it is about 30 % cheaper than LANCZOS at no visible cost.
RESAMPLE = Image.Resampling.BICUBIC


@dataclass(frozen=True)
class VariantSpec:
    """A derivative to produce: ``width`` is the target upright width in pixels."""

    name: str
    width: int
    format: str  # Pillow format name
    content_type: str
    extension: str


# The site's widths, against where photos are shown (CSS px × device pixel ratio; checked by
# tests/media/test_widths.py): a product card in the 2-column phone grid is ~160-200 px,
# so 320-520 px on 2-3x screens → w320/w640; the phone listing page is ~330-380 px, so
# 650-1080 px → w640/w1080; the desktop listing column is 512 px (1x: w640, 2x: w1080) and
# a desktop card ~270 px (w320/w640). Each gets a file at most twice as wide as it needs.
VARIANTS: tuple[VariantSpec, ...] = (
    VariantSpec("w320", 320, "WEBP", "image/webp", "webp"),
    VariantSpec("w640", 640, "WEBP", "image/webp", "webp"),
    VariantSpec("w1080", 1080, "WEBP", "image/webp", "webp"),
    VariantSpec("ig1080", 1080, "JPEG", "image/jpeg", "jpg"),  # the Instagram kit
)

EXTENSIONS = {"image/webp": "webp", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class Derivative:
    """One re-encoded picture: ``data`` holds the encoded bytes (no metadata)."""

    name: str
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


@dataclass(frozen=True)
class ProcessedImage:
    """An accepted upload: upright pixel size of the original, its format, the derivatives."""

    width: int
    height: int
    source_format: str
    variants: list[Derivative] = field(default_factory=list)


# EXIF orientation → the transposition that makes the picture upright (as ImageOps does).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION_TAG = 0x0112
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _limit(name: str) -> int:
    if has_app_context():
        return int(current_app.config.get(name, DEFAULT_LIMITS[name]))
    return DEFAULT_LIMITS[name]


def _reject(message: str, detected_format: str | None = None) -> ImageRejected:
    exc = ImageRejected(message)
    exc.detected_format = detected_format  # type: ignore[attr-defined]
    return exc


def _number(value: float) -> str:
    """1 decimal below 10, whole numbers above; Indonesian decimal comma."""
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return text.removesuffix(".0").replace(".", ",")


def _sniff(data: bytes) -> str | None:
    """A label for refused content, for the audit trail only (never used to accept)."""
    head = data[:512].lstrip()
    signatures = (
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
        (b"%PDF", "PDF"),
        (b"BM", "BMP"),
        (b"PK\x03\x04", "ZIP"),
        (b"8BPS", "PSD"),
        (b"\x00\x00\x01\x00", "ICO"),
    )
    for magic, label in signatures:
        if head.startswith(magic):
            return label
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "AVIF"
    lowered = head.lower()
    if b"<svg" in lowered or lowered.startswith(b"<?xml"):
        return "SVG"
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "HTML"
    return None


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # malformed EXIF: treat as upright rather than refuse the photo
        return 1
    return value if isinstance(value, int) and value in range(1, 9) else 1


def _bytes_per_pixel(mode: str) -> int:
    """Pillow's memory per pixel for a decoded mode (RGB is stored in 4 bytes)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


# Memory per pixel of a whole-picture decode, measured with bench/photo_bench.py (peak above
# the process's previous peak, ÷ pixels): Pillow's own buffer for PNG and GIF; WebP goes
# through libwebp's buffer and a bytes copy; HEIF through libheif's YUV planes, its RGB image
# and Pillow's copy. JPEG (DCT scaling) and HEIF grids (tile by tile) decode reduced instead.
_WHOLE_DECODE_FACTOR = {"WEBP": 4.0, "HEIF": 1.8}


@dataclass
class _Opened:
    """An upload that passed the header checks and the decode budget, not yet decoded."""

    im: Image.Image
    format: str
    size: tuple[int, int]  # from the header, in the file's own orientation
    orientation: int
    heif_grid: heif_tiles.Tiling | None = None


def _open_checked(data: bytes, *, max_pixels: int, min_side: int, max_ratio: float = 4) -> _Opened:
    """Open with the allow-list and check the header and the decode budget; nothing decoded.

    The pixel limit depends on how the format is decoded: ``MAX_IMAGE_PIXELS`` for pictures
    decoded whole (PNG, WebP, GIF, HEIF without a grid), ``MAX_SCALED_PIXELS`` for those decoded
    at reduced scale (JPEG) or tile by tile (HEIF grids, what phones write). Then the memory the
    decode would take (:func:`decode_cost`) must fit ``PHOTO_DECODE_BUDGET_MIB``."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # A global switch that would let half-grey pictures through; refuse to run with it.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    unsupported = _("Format berkas tidak didukung. Kirim foto JPEG, PNG, WebP, HEIC atau GIF.")
    bomb_limit = Image.MAX_IMAGE_PIXELS or max_pixels
    too_large = _(
        "Foto terlalu besar: lebih dari %(limit)s megapiksel. Perkecil fotonya, lalu unggah lagi.",
        limit=_number(min(max(max_pixels, _limit("MAX_SCALED_PIXELS")), bomb_limit) / 1e6),
    )
    # Warnings raised while parsing untrusted bytes are collected rather than printed (or,
    # under an "error" filter, raised from deep inside a plugin); a DecompressionBombWarning
    # among them refuses the file. The explicit size checks below make the same decision
    # without relying on the (process-global) warnings machinery.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            im = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            fmt = im.format or "?"
            width, height = im.size
            if fmt == "MPO":
                # A JPEG with more pictures appended (cameras, some phones): Pillow's JPEG
                # opener returns it as MPO. Only the first picture is ever decoded.
                fmt = "JPEG"
            # Only the first frame (of a GIF, an animated PNG/WebP, a HEIF collection) is
            # decoded, so only it counts: a 480×480 GIF of 200 frames is 0.23 MP, not 46.
            # Nor is n_frames asked for: it would parse every frame of a hostile file.
        except Image.DecompressionBombError:
            raise _reject(too_large, None) from None
        except Exception as exc:  # UnidentifiedImageError and malformed headers alike
            log.info("upload not opened: %s", exc)
            if data[:3] == b"\xff\xd8\xff":  # a JPEG whose header is broken: say so
                raise _reject(_corrupt(), "JPEG") from None
            raise _reject(unsupported, _sniff(data)) from None
        if _bomb(caught):
            raise _reject(too_large, fmt)

    grid = heif_tiles.grid_of(data) if fmt == "HEIF" else None
    if grid is not None and (grid.width, grid.height) != (width, height):
        grid = None  # not the picture pillow-heif describes: decode it whole
    scaled = fmt == "JPEG" or grid is not None
    cap = max(max_pixels, _limit("MAX_SCALED_PIXELS")) if scaled else max_pixels
    pixels = width * height
    if pixels > cap:
        raise _reject(
            _(
                "Foto terlalu besar: %(mp)s megapiksel, paling besar %(limit)s megapiksel. "
                "Perkecil fotonya, lalu unggah lagi.",
                mp=_number(pixels / 1e6),
                limit=_number(cap / 1e6),
            ),
            fmt,
        )
    if width * height > bomb_limit:
        raise _reject(too_large, fmt)
    ratio = max(width, height) / max(1, min(width, height))
    if ratio > max_ratio:
        raise _reject(
            _(
                "Foto terlalu panjang (%(w)s×%(h)s piksel, %(r)s:1): di kartu produk "
                "hanya tampil sebagai garis tipis. Potong foto agar sisi panjangnya "
                "paling banyak %(max)s kali sisi pendek, lalu unggah lagi.",
                w=width,
                h=height,
                r=_number(ratio),
                max=_number(max_ratio),
            ),
            fmt,
        )
    if max(width, height) < min_side:
        raise _reject(
            _(
                "Foto terlalu kecil (%(w)s×%(h)s piksel): sisi terpanjang minimal %(min)s piksel.",
                w=width,
                h=height,
                min=min_side,
            ),
            fmt,
        )
    opened = _Opened(im, fmt, (width, height), _orientation(im), grid)
    if fmt == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale when the largest derivative allows it; draft()
        # only sets the scale (and the size the decode will have), nothing is decoded yet.
        target = _raw_size(width, height, opened.orientation, max(v.width for v in VARIANTS))
        if target != (width, height):
            im.draft(im.mode, target)
    budget = _limit("PHOTO_DECODE_BUDGET_MIB") * 1024 * 1024
    cost = decode_cost(opened)
    if cost > budget:
        per_pixel = cost / pixels
        raise _reject(
            _(
                "Foto %(fmt)s ini terlalu besar untuk diolah: %(mp)s megapiksel, paling besar "
                "%(limit)s megapiksel untuk foto seperti ini. Simpan atau kirim sebagai JPEG, "
                "atau perkecil fotonya, lalu unggah lagi.",
                fmt="HEIC" if fmt == "HEIF" else fmt,
                mp=_number(pixels / 1e6),
                limit=_number(budget / per_pixel / 1e6),
            ),
            fmt,
        )
    return opened


def decode_cost(opened: _Opened) -> int:
    """Bytes of memory the decode of ``opened`` takes at its peak (estimate, upper side).

    JPEG: the picture at the DCT scale ``draft()`` chose (``im.size`` is already that size).
    HEIF grid: two tiles and the reduced canvas. Others: the whole picture in Pillow's mode,
    times the format's measured overhead (:data:`_WHOLE_DECODE_FACTOR`)."""
    im = opened.im
    bpp = _bytes_per_pixel(im.mode)
    if opened.heif_grid is not None:
        g = opened.heif_grid
        return 4 * (2 * g.tile_width * g.tile_height + (g.width * g.height) // 4)
    w, h = im.size  # reduced by draft() for a JPEG
    return int(w * h * bpp * _WHOLE_DECODE_FACTOR.get(opened.format, 1.0))


def _corrupt() -> str:
    return _(
        "Berkas foto rusak sehingga tidak dapat dibaca — coba simpan ulang foto lalu unggah lagi."
    )


def _decode_failed(exc: Exception, fmt: str) -> ImageRejected:
    log.info("upload not decoded (%s): %s", fmt, exc)
    text = str(exc).lower()
    if isinstance(exc, EOFError) or "truncat" in text:
        return _reject(_("Berkas foto terpotong/tidak lengkap — coba unggah ulang."), fmt)
    return _reject(_corrupt(), fmt)


def _decode_shrunk(opened: _Opened, data: bytes, target: tuple[int, int]) -> Image.Image:
    """Fully decode ``opened`` and bring it to L, RGB or CMYK, flattened on white, shrunk by
    an integer factor to no less than twice ``target`` (raw orientation) on either side.

    Mode work and the shrink run a strip (or a HEIF tile) at a time, so a large picture costs
    its decoded buffer plus a small canvas, never a second full-size copy (Pillow's resize of
    RGBA premultiplies into one). The returned image carries the ICC profile, if any."""
    im, fmt = opened.im, opened.format
    icc = im.info.get("icc_profile")
    if opened.heif_grid is not None:
        g = opened.heif_grid
        factor = 1
        while factor * 2 <= min(g.width // (2 * target[0]), g.height // (2 * target[1])):
            factor *= 2
        factor = min(factor, g.tile_width, g.tile_height)
        try:
            base = heif_tiles.decode_reduced(data, g, factor, _prepare)
        except heif_tiles.HeifTileError as exc:
            raise _decode_failed(exc, fmt) from None
        if icc:
            base.info["icc_profile"] = icc
        return base
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            im.load()
        except Image.DecompressionBombError:
            raise _reject(
                _("Foto terlalu besar. Perkecil fotonya, lalu unggah lagi."), fmt
            ) from None
        except Exception as exc:
            raise _decode_failed(exc, fmt) from None
        if _bomb(caught):
            raise _reject(_("Foto terlalu besar. Perkecil fotonya, lalu unggah lagi."), fmt)
        for w in caught:
            log.info("warning while decoding a %s upload: %s", fmt, w.message)
    w, h = im.size
    factor = max(1, min(w // (2 * target[0]), h // (2 * target[1])))
    if factor == 1:
        base = _prepare(im)
    else:
        strip = factor * max(1, 256 // factor)
        base = None
        for y in range(0, h, strip):
            part = _prepare(im.crop((0, y, w, min(h, y + strip)))).reduce(factor)
            if base is None:
                base = Image.new(part.mode, (-(-w // factor), -(-h // factor)))
            base.paste(part, (0, y // factor))
        im.close()  # the full-size buffer goes now, before the resizes
    if icc:
        base.info["icc_profile"] = icc
    return base


def _prepare(im: Image.Image) -> Image.Image:
    """L, RGB or CMYK, transparency flattened on white."""
    return _flatten_on_white(_normalise_mode(im))


def _bomb(caught: list[warnings.WarningMessage]) -> bool:
    return any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)


def _upright(width: int, height: int, orientation: int) -> tuple[int, int]:
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _raw_size(width: int, height: int, orientation: int, target_width: int) -> tuple[int, int]:
    """Size, in the file's own orientation, whose upright width is ``target_width`` (capped)."""
    up_w, up_h = _upright(width, height, orientation)
    new_w = min(target_width, up_w)
    new_h = max(1, round(up_h * new_w / up_w))
    return _upright(new_w, new_h, orientation)


def _normalise_mode(im: Image.Image) -> Image.Image:
    """Bring any decoded mode to L, LA, RGB, RGBA or CMYK (modes that resample well)."""
    mode = im.mode
    has_transparency = "transparency" in im.info
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit samples: scale to 8 bits (a plain convert would clip everything to white).
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode == "F":
        return im.convert("L")
    if mode in ("1", "P", "L", "RGB") and has_transparency or mode in ("PA", "La", "RGBa"):
        return im.convert("RGBA")
    if mode in ("1", "P"):
        return im.convert("RGB")
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return im
    return im.convert("RGB")  # YCbCr, LAB, HSV…


def _flatten_on_white(im: Image.Image) -> Image.Image:
    if im.mode not in ("LA", "RGBA"):
        return im
    rgba = im.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    flat.info = dict(im.info)  # keep the ICC profile for the sRGB conversion below
    return flat


def _to_srgb(im: Image.Image) -> Image.Image:
    """RGB in sRGB. Uses the embedded ICC profile when there is one and it fits the mode."""
    icc = im.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(im, source, _SRGB, outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            log.info("ICC profile ignored: %s", exc)
    return im if im.mode == "RGB" else im.convert("RGB")


def _encode(im: Image.Image, spec: VariantSpec) -> bytes:
    buf = io.BytesIO()
    if spec.format == "WEBP":
        im.save(buf, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    else:
        im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buf.getvalue()


def process_image(data: bytes) -> ProcessedImage:
    """Check, decode and re-encode an uploaded photo.

    ``data`` is the raw upload. Returns the upright size of the original, the detected
    format (``"JPEG"``, ``"PNG"``, ``"WEBP"``, ``"HEIF"`` or ``"GIF"``) and one
    :class:`Derivative` per entry of :data:`VARIANTS`, in that order: WebP ``w320``,
    ``w640``, ``w1080`` and JPEG ``ig1080``, each ``min(target, original)`` pixels wide
    (never upscaled), in sRGB RGB, without any metadata.

    Raises :class:`ImageRejected` (with ``detected_format``) for empty, oversized,
    unsupported, too large (pixels), too small, truncated or corrupt files. Limits come
    from the app config (``MAX_PHOTO_BYTES``, ``MAX_IMAGE_PIXELS``, ``MIN_IMAGE_SIDE``);
    at most ``PHOTO_DECODES_AT_ONCE`` calls decode at once per process (:func:`decode_slot`).
    """
    if not data:
        raise _reject(_("Berkas foto kosong (0 byte) — pilih fotonya lagi lalu unggah ulang."))
    max_bytes = _limit("MAX_PHOTO_BYTES")
    if len(data) > max_bytes:
        raise _reject(
            _(
                "Berkas foto terlalu besar: %(size)s MB, paling besar %(limit)s MB per foto.",
                size=_number(len(data) / 1048576),
                limit=_number(max_bytes / 1048576),
            )
        )

    with decode_slot():
        return _process(data)


def decode_slot() -> threading.BoundedSemaphore:
    """The per-process gate of photo decodes: at most ``PHOTO_DECODES_AT_ONCE`` (setting,
    default 2) run at once; other uploads wait their turn holding only their bytes, so a
    burst of large photos costs a bounded amount of memory instead of N decodes at once."""
    n = max(1, _limit("PHOTO_DECODES_AT_ONCE"))
    with _SLOTS_LOCK:
        slots = _SLOTS.get(n)
        if slots is None:
            slots = _SLOTS[n] = threading.BoundedSemaphore(n)
    return slots


_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _process(data: bytes) -> ProcessedImage:
    opened = _open_checked(
        data,
        max_pixels=_limit("MAX_IMAGE_PIXELS"),
        min_side=_limit("MIN_IMAGE_SIDE"),
        max_ratio=_limit("MAX_ASPECT_RATIO"),
    )
    orientation, (raw_w, raw_h) = opened.orientation, opened.size
    source_format = opened.format
    width, height = _upright(raw_w, raw_h, orientation)

    # Decode and shrink once towards the largest derivative, then do colour work and
    # rotation on few pixels.
    target = _raw_size(raw_w, raw_h, orientation, max(spec.width for spec in VARIANTS))
    base = _decode_shrunk(opened, data, target)
    if target != base.size:
        base = base.resize(target, RESAMPLE, reducing_gap=3.0)
    base = _to_srgb(base)
    if orientation in _TRANSPOSE:
        base = base.transpose(_TRANSPOSE[orientation])
    base.info.clear()  # nothing of the original's metadata goes into the encoders

    # Each smaller size is resampled from the smallest picture already made that is wider.
    sized: dict[tuple[int, int], Image.Image] = {base.size: base}
    encoded: dict[str, Derivative] = {}
    for spec in sorted(VARIANTS, key=lambda v: -v.width):
        w = min(spec.width, width)
        size = (w, max(1, round(height * w / width)))
        pic = sized.get(size)
        if pic is None:
            source = min((p for p in sized.values() if p.width >= w), key=lambda p: p.width)
            pic = source.resize(size, RESAMPLE, reducing_gap=3.0)
            pic.info.clear()
            sized[size] = pic
        encoded[spec.name] = Derivative(spec.name, _encode(pic, spec), spec.content_type, *size)
    variants = [encoded[spec.name] for spec in VARIANTS]
    return ProcessedImage(
        width=width, height=height, source_format=source_format, variants=variants
    )
