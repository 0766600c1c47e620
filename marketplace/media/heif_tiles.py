"""Tile-by-tile decoding of HEIF grid pictures (what iPhones and most Android phones write).

A 48 MP iPhone HEIC is a grid of 512×512 HEVC tiles. Decoding it whole through pillow-heif
costs about 5 bytes per pixel inside libheif (the YUV planes and the RGB copy) plus the Pillow
copy: ~400 MiB. :func:`decode_reduced` asks the libheif that pillow-heif ships for one tile at a
time (``heif_image_handle_decode_image_tile``, libheif ≥ 1.19), shrinks each tile by an integer
factor and pastes it into a small canvas, so the cost is one tile plus the canvas.

Only :mod:`marketplace.media.images` calls this, after Pillow (with pillow-heif) has identified
the upload as HEIF and checked its header. libheif applies the picture's own rotation and mirror
(``irot``/``imir``) to the grid and to each tile, as pillow-heif does for a whole decode.
"""

from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

log = logging.getLogger(__name__)

_COLORSPACE_RGB = 1
_CHROMA_RGB = 10  # heif_chroma_interleaved_RGB (8 bits per sample)
_CHROMA_RGBA = 11  # heif_chroma_interleaved_RGBA
_CHANNEL_INTERLEAVED = 10


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("subcode", ctypes.c_int), ("message", ctypes.c_char_p)]


class _Tiling(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_int),
        ("num_columns", ctypes.c_uint32),
        ("num_rows", ctypes.c_uint32),
        ("tile_width", ctypes.c_uint32),
        ("tile_height", ctypes.c_uint32),
        ("image_width", ctypes.c_uint32),
        ("image_height", ctypes.c_uint32),
        ("top_offset", ctypes.c_uint32),
        ("left_offset", ctypes.c_uint32),
        ("number_of_extra_dimensions", ctypes.c_uint8),
        ("extra_dimensions", ctypes.c_uint32 * 8),
        ("_room", ctypes.c_uint8 * 64),  # later struct versions may grow
    ]


@dataclass(frozen=True)
class Tiling:
    """The grid of a HEIF picture as displayed: ``columns`` × ``rows`` tiles of
    ``tile_width`` × ``tile_height`` pixels covering ``width`` × ``height``."""

    columns: int
    rows: int
    tile_width: int
    tile_height: int
    width: int
    height: int
    # libheif's offsets: when a rotated or mirrored grid's size is not a multiple of the
    # tile size, its partial tiles come first and the offset is how much of them is shown.
    left_offset: int = 0
    top_offset: int = 0

    @property
    def left_shift(self) -> int:
        """How far left of the picture tile column 0 starts (0 when it is a whole tile)."""
        return (self.tile_width - self.left_offset) if self.left_offset else 0

    @property
    def top_shift(self) -> int:
        return (self.tile_height - self.top_offset) if self.top_offset else 0

    @property
    def tiled(self) -> bool:
        return self.columns * self.rows > 1


class HeifTileError(Exception):
    """libheif could not parse or decode the file (the caller calls it corrupt)."""


_VP = ctypes.c_void_p
_SIGNATURES = (
    ("heif_context_alloc", _VP, []),
    ("heif_context_free", None, [_VP]),
    (
        "heif_context_read_from_memory_without_copy",
        _Error,
        [_VP, ctypes.c_char_p, ctypes.c_size_t, _VP],
    ),
    ("heif_context_get_primary_image_handle", _Error, [_VP, ctypes.POINTER(_VP)]),
    ("heif_image_handle_get_image_tiling", _Error, [_VP, ctypes.c_int, ctypes.POINTER(_Tiling)]),
    ("heif_image_handle_has_alpha_channel", ctypes.c_int, [_VP]),
    ("heif_image_handle_get_luma_bits_per_pixel", ctypes.c_int, [_VP]),
    (
        "heif_image_handle_decode_image_tile",
        _Error,
        [
            _VP,
            ctypes.POINTER(_VP),
            ctypes.c_int,
            ctypes.c_int,
            _VP,
            ctypes.c_uint32,
            ctypes.c_uint32,
        ],
    ),
    (
        "heif_image_get_plane_readonly",
        ctypes.POINTER(ctypes.c_uint8),
        [_VP, ctypes.c_int, ctypes.POINTER(ctypes.c_int)],
    ),
    ("heif_image_get_width", ctypes.c_int, [_VP, ctypes.c_int]),
    ("heif_image_get_height", ctypes.c_int, [_VP, ctypes.c_int]),
    ("heif_image_release", None, [_VP]),
    ("heif_image_handle_release", None, [_VP]),
)


def _load_libheif():
    """pillow-heif's bundled libheif (the same library that parsed the header), or None."""
    try:
        import pillow_heif

        folder = Path(pillow_heif.__file__).resolve().parent.parent / "pillow_heif.libs"
        candidates = sorted(folder.glob("libheif*.so*")) or []
        lib = ctypes.CDLL(str(candidates[0])) if candidates else ctypes.CDLL("libheif.so.1")
        for name, restype, argtypes in _SIGNATURES:
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        return lib
    except (OSError, AttributeError, IndexError, ImportError) as exc:  # pragma: no cover
        log.warning("HEIF tile decoding unavailable (%s): HEIF photos are decoded whole", exc)
        return None


_LIB = _load_libheif()


class _Handle:
    """The primary picture of a HEIF file, parsed by libheif; a context manager."""

    def __init__(self, data: bytes):
        self._data = data  # libheif reads it without a copy: keep it alive
        self.ctx = _LIB.heif_context_alloc()
        self.handle = _VP()
        err = _LIB.heif_context_read_from_memory_without_copy(self.ctx, data, len(data), None)
        if err.code == 0:
            err = _LIB.heif_context_get_primary_image_handle(self.ctx, ctypes.byref(self.handle))
        if err.code != 0:
            self.close()
            raise HeifTileError((err.message or b"").decode(errors="replace"))

    def tiling(self) -> Tiling:
        raw = _Tiling(version=1)
        err = _LIB.heif_image_handle_get_image_tiling(self.handle, 1, ctypes.byref(raw))
        if err.code != 0:
            raise HeifTileError((err.message or b"").decode(errors="replace"))
        return Tiling(
            raw.num_columns,
            raw.num_rows,
            raw.tile_width,
            raw.tile_height,
            raw.image_width,
            raw.image_height,
            raw.left_offset,
            raw.top_offset,
        )

    def tile(self, x: int, y: int, alpha: bool) -> Image.Image:
        img = _VP()
        chroma = _CHROMA_RGBA if alpha else _CHROMA_RGB
        err = _LIB.heif_image_handle_decode_image_tile(
            self.handle, ctypes.byref(img), _COLORSPACE_RGB, chroma, None, x, y
        )
        if err.code != 0:
            raise HeifTileError((err.message or b"").decode(errors="replace"))
        try:
            stride = ctypes.c_int()
            plane = _LIB.heif_image_get_plane_readonly(
                img, _CHANNEL_INTERLEAVED, ctypes.byref(stride)
            )
            w = _LIB.heif_image_get_width(img, _CHANNEL_INTERLEAVED)
            h = _LIB.heif_image_get_height(img, _CHANNEL_INTERLEAVED)
            if not plane or w <= 0 or h <= 0:
                raise HeifTileError("tile without pixels")
            mode = "RGBA" if alpha else "RGB"
            raw = ctypes.string_at(plane, stride.value * h)
            return Image.frombytes(mode, (w, h), raw, "raw", mode, stride.value)
        finally:
            _LIB.heif_image_release(img)

    def close(self) -> None:
        if self.handle:
            _LIB.heif_image_handle_release(self.handle)
            self.handle = _VP()
        if self.ctx:
            _LIB.heif_context_free(self.ctx)
            self.ctx = None

    def __enter__(self) -> _Handle:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def grid_of(data: bytes) -> Tiling | None:
    """The displayed tile grid of a HEIF file's primary picture, when it can be decoded tile
    by tile (a grid of more than one tile, 8 bits per sample); None otherwise (decode whole)."""
    if _LIB is None:
        return None
    try:
        with _Handle(data) as h:
            if _LIB.heif_image_handle_get_luma_bits_per_pixel(h.handle) != 8:
                return None
            grid = h.tiling()
    except HeifTileError as exc:
        log.info("HEIF grid not read: %s", exc)
        return None
    return grid if grid.tiled and grid.tile_width and grid.tile_height else None


def decode_reduced(data: bytes, grid: Tiling, factor: int, prepare) -> Image.Image:
    """Decode the HEIF picture ``data`` (whose grid is ``grid``) one tile at a time, each tile
    passed through ``prepare(tile) -> Image`` (mode work on a few pixels) and shrunk by the
    integer ``factor`` (box filter) into a canvas of about ``width / factor`` × ``height /
    factor`` pixels, which is returned (mode of the prepared tiles).

    A tile size that ``factor`` does not divide is handled by letting each tile cover its own
    rounded share of the canvas. Raises :class:`HeifTileError` when libheif fails on a tile
    (a corrupt or cut-short file)."""
    factor = max(1, int(factor))
    out_w = max(1, -(-grid.width // factor))
    out_h = max(1, -(-grid.height // factor))
    canvas: Image.Image | None = None
    with _Handle(data) as h:
        alpha = bool(_LIB.heif_image_handle_has_alpha_channel(h.handle))
        for ty in range(grid.rows):
            for tx in range(grid.columns):
                x0 = tx * grid.tile_width - grid.left_shift
                y0 = ty * grid.tile_height - grid.top_shift
                if x0 >= grid.width or y0 >= grid.height:
                    continue
                tile = h.tile(tx, ty, alpha)
                # Partial tiles: keep only the part inside the picture.
                box = (
                    max(0, -x0),
                    max(0, -y0),
                    min(tile.width, grid.width - x0),
                    min(tile.height, grid.height - y0),
                )
                if box != (0, 0, *tile.size):
                    tile = tile.crop(box)
                x0, y0 = max(0, x0), max(0, y0)
                tile = prepare(tile)
                left, top = x0 // factor, y0 // factor
                right = min(out_w, -(-(x0 + tile.width) // factor))
                bottom = min(out_h, -(-(y0 + tile.height) // factor))
                size = (max(1, right - left), max(1, bottom - top))
                if size != tile.size:
                    tile = tile.resize(size, Image.Resampling.BOX)
                if canvas is None:
                    canvas = Image.new(tile.mode, (out_w, out_h))
                canvas.paste(tile, (left, top))
    if canvas is None:
        raise HeifTileError("no tiles")
    return canvas
