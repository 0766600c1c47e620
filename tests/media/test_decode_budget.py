"""The decode budget (#18 items 3 and 4): memory per upload bounded per format, while the large
photos phones take are accepted — JPEG decoded at reduced DCT scale, HEIF grids tile by tile,
the formats decoded whole held to PHOTO_DECODE_BUDGET_MIB with a refusal that says what to do.
Peak memory itself is measured by ``bench/photo_bench.py --only-peak``."""

from __future__ import annotations

import io
import warnings

import pillow_heif
import pytest
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageStat

from marketplace.errors import ImageRejected
from marketplace.media import heif_tiles, images
from marketplace.media.images import process_image

from .support import photo


def heic(size, orientation=1, tile=512) -> bytes:
    """A HEIC with a red block top left and a green disc bottom right, saved as a grid."""
    im = PILImage.new("RGB", size, (30, 120, 200))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, size[0] // 2, size[1] // 4), fill=(200, 30, 30))
    draw.ellipse((size[0] // 2, size[1] // 2, size[0] - 10, size[1] - 10), fill=(20, 200, 20))
    kw = {}
    if orientation != 1:
        exif = PILImage.Exif()
        exif[0x0112] = orientation
        kw["exif"] = exif.tobytes()
    before = pillow_heif.options.GRID_TILE_SIZE
    pillow_heif.options.GRID_TILE_SIZE = tile
    try:
        buf = io.BytesIO()
        im.save(buf, "HEIF", quality=70, **kw)
    finally:
        pillow_heif.options.GRID_TILE_SIZE = before
    return buf.getvalue()


def pixels(result, name="w640") -> PILImage.Image:
    variant = next(v for v in result.variants if v.name == name)
    return PILImage.open(io.BytesIO(variant.data)).convert("RGB")


def mean_difference(a: PILImage.Image, b: PILImage.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a, b)).mean)


# --- HEIF grids, tile by tile ------------------------------------------------------------


@pytest.mark.parametrize("orientation", [1, 3, 6, 7])
def test_heif_grid_tiles_make_the_same_picture_as_a_whole_decode(app, monkeypatch, orientation):
    """Partial tiles of a rotated/mirrored grid come first (libheif's offsets): placing them
    wrong shifts the picture, which this catches."""
    data = heic((2500, 1700), orientation)
    assert heif_tiles.grid_of(data).tiled
    tiled = process_image(data)
    monkeypatch.setattr(images.heif_tiles, "grid_of", lambda _data: None)
    whole = process_image(data)
    assert (tiled.width, tiled.height) == (whole.width, whole.height)
    if orientation in (6, 7):
        assert tiled.height > tiled.width  # upright
    assert mean_difference(pixels(tiled), pixels(whole)) < 0.5


def test_a_heif_grid_is_never_decoded_whole(app, monkeypatch):
    data = heic((2100, 1400))

    def whole_decode(self):  # pragma: no cover - must not be reached
        raise AssertionError("decoded the whole HEIF picture")

    monkeypatch.setattr(pillow_heif.as_plugin._LibHeifImageFile, "load", whole_decode)
    result = process_image(data)
    assert (result.width, result.height) == (2100, 1400)
    assert pixels(result).getpixel((20, 20))[0] > 150  # the red block, top left


def test_a_heif_grid_is_allowed_the_scaled_pixel_limit(app):
    """A 48 MP iPhone HEIC is a grid: MAX_IMAGE_PIXELS (whole decodes) does not hold for it."""
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    assert process_image(heic((1600, 1200))).width == 1600
    app.config["MAX_SCALED_PIXELS"] = 1_500_000
    assert "Perkecil fotonya" in refusal(heic((1600, 1200))).message


def test_a_heif_without_grid_is_held_to_the_budget(app):
    data = heic((1600, 1200), tile=0)
    assert heif_tiles.grid_of(data) is None
    app.config["PHOTO_DECODE_BUDGET_MIB"] = 10  # 1.9 MP x 4 bytes x 1.8 = 13.2 MB
    message = refusal(data).message
    assert message.startswith("Foto HEIC ini terlalu besar untuk diolah: 1,9 megapiksel")
    assert "JPEG" in message and "unggah lagi" in message
    app.config["PHOTO_DECODE_BUDGET_MIB"] = 14
    assert process_image(data).width == 1600


def test_a_cut_short_heif_grid_is_refused(app):
    data = heic((2100, 1400))
    exc = refusal(data[: len(data) * 2 // 3])
    assert exc.message.strip()


# --- JPEG at reduced scale; whole decodes within the budget -------------------------------


def test_a_large_jpeg_fits_a_budget_a_png_of_the_same_size_does_not(app):
    """8640 px wide: a JPEG decodes at 1/8 (1080 px, ~1.2 MB), a PNG needs 76 MB."""
    app.config["PHOTO_DECODE_BUDGET_MIB"] = 2
    assert process_image(photo(8640, 2200)).width == 8640
    message = refusal(photo(1000, 800, mode="RGBA", fmt="PNG")).message
    assert message == (
        "Foto PNG ini terlalu besar untuk diolah: 0,8 megapiksel, paling besar 0,5 megapiksel "
        "untuk foto seperti ini. Simpan atau kirim sebagai JPEG, atau perkecil fotonya, lalu "
        "unggah lagi."
    )


def test_the_budget_is_checked_before_decoding(app, monkeypatch):
    app.config["PHOTO_DECODE_BUDGET_MIB"] = 1
    data = photo(1000, 800, fmt="PNG")

    def no_decoding(self):  # pragma: no cover - must not be reached
        raise AssertionError("decoded a picture over the budget")

    monkeypatch.setattr(PILImage.Image, "load", no_decoding)
    assert "terlalu besar untuk diolah" in refusal(data).message


def test_a_large_png_is_shrunk_in_strips_never_copied_at_full_size(app, monkeypatch):
    """Pillow's resize of RGBA premultiplies into a second full-size copy (the 357 MiB peak of
    a 40 MP PNG): no resize or convert may run on more than a strip of the full picture."""
    big = 4400 * 3000
    seen = []
    for name in ("resize", "convert"):
        real = getattr(PILImage.Image, name)

        def spy(self, *args, _real=real, _name=name, **kwargs):
            seen.append((_name, self.width * self.height))
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(PILImage.Image, name, spy)
    im = PILImage.new("RGBA", (4400, 3000), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 2200, 1500), fill=(200, 30, 30, 255))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    seen.clear()
    result = process_image(buf.getvalue())
    assert max(size for _name, size in seen) <= big // 4, seen  # the 1/2-scale canvas
    out = pixels(result)
    assert out.getpixel((40, 40))[0] > 150 and out.getpixel((600, 400)) == (255, 255, 255)


def test_defaults_accept_the_phone_photos_the_issue_lists(app):
    """50, 108 and 200 MP JPEGs, 48 MP HEIF grids: under the scaled limit; Pillow's own bomb
    check must not refuse them first (its default errors above 179 MP)."""
    assert app.config["MAX_SCALED_PIXELS"] >= 16320 * 12240  # a 200 MP phone photo
    assert app.config["MAX_IMAGE_PIXELS"] == 40_000_000
    assert app.config["PHOTO_DECODE_BUDGET_MIB"] == 100
    assert PILImage.MAX_IMAGE_PIXELS >= 16320 * 12240
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        PILImage._decompression_bomb_check((16320, 12240))


def refusal(data: bytes) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        process_image(data)
    return info.value
