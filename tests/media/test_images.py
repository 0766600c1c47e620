"""The image pipeline (``process_image``): allow-list, limits, decoding, colour, metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from PIL import ImageFile, ImageStat
from PIL.PngImagePlugin import PngInfo

from marketplace.errors import ImageRejected
from marketplace.media import images
from marketplace.media.images import process_image

from .support import FIXTURES_IMAGES, assert_clean_derivative, photo


def decoded(result, name: str = "w640") -> PILImage.Image:
    variant = next(v for v in result.variants if v.name == name)
    im = PILImage.open(io.BytesIO(variant.data))
    im.load()
    return im


def refusal(data: bytes) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        process_image(data)
    assert info.value.message.strip()
    return info.value


# --- what is accepted --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_each_allowed_format_is_accepted(app, fmt):
    result = process_image(photo(800, 600, fmt=fmt))
    assert result.source_format == fmt
    assert (result.width, result.height) == (800, 600)


def test_heic_is_accepted(app):
    result = process_image((FIXTURES_IMAGES / "real/iphone.heic").read_bytes())
    assert result.source_format == "HEIF"


def test_multi_picture_jpeg_is_a_jpeg(app):
    first, second = PILImage.new("RGB", (1200, 900), (0, 0, 200)), PILImage.new("RGB", (1200, 900))
    buf = io.BytesIO()
    first.save(buf, "MPO", save_all=True, append_images=[second])
    with PILImage.open(io.BytesIO(buf.getvalue())) as check:
        assert check.format == "MPO"
    app.config["MAX_IMAGE_PIXELS"] = 1_500_000  # one picture fits; two would not
    result = process_image(buf.getvalue())
    assert result.source_format == "JPEG"
    assert decoded(result).getpixel((320, 240))[2] > 150


def test_derivatives_have_fixed_names_formats_and_widths(app):
    result = process_image(photo(2400, 1800))
    assert [(v.name, v.content_type, v.width, v.height) for v in result.variants] == [
        ("w320", "image/webp", 320, 240),
        ("w640", "image/webp", 640, 480),
        ("w1080", "image/webp", 1080, 810),
        ("ig1080", "image/jpeg", 1080, 810),
    ]
    for v in result.variants:
        assert_clean_derivative(v.data, v.content_type, v.width, v.height)


def test_never_upscales_but_still_produces_every_name(app):
    result = process_image(photo(400, 300))
    assert [(v.name, v.width, v.height) for v in result.variants] == [
        ("w320", 320, 240),
        ("w640", 400, 300),
        ("w1080", 400, 300),
        ("ig1080", 400, 300),
    ]


def test_longer_side_of_exactly_the_minimum_is_enough(app):
    result = process_image(photo(320, 120))
    assert (result.width, result.height) == (320, 120)


def test_gif_keeps_the_first_frame(app):
    frames = [PILImage.new("RGB", (640, 480), c) for c in ((0, 0, 255), (255, 0, 0), (0, 255, 0))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100)
    r, g, b = decoded(process_image(buf.getvalue())).getpixel((320, 240))
    assert b > 200 and r < 60 and g < 60


# --- orientation and metadata ------------------------------------------------------------


@pytest.mark.parametrize(
    "orientation,upright",
    [
        (1, (1200, 900)),
        (3, (1200, 900)),
        (6, (900, 1200)),
        (8, (900, 1200)),
        (5, (900, 1200)),
        (2, (1200, 900)),
    ],
)
def test_exif_orientation_is_applied(app, orientation, upright):
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    result = process_image(photo(1200, 900, exif=exif))
    assert (result.width, result.height) == upright
    w640 = decoded(result)
    assert w640.size == (640, round(640 * upright[1] / upright[0]))
    # The red block drawn at the file's top left ends up where the orientation says.
    corner = {
        1: (5, 5),
        2: (w640.width - 5, 5),
        3: (w640.width - 5, w640.height - 5),
        6: (w640.width - 5, 5),
        8: (5, w640.height - 5),
        5: (5, 5),
    }[orientation]
    r, g, b = w640.getpixel(corner)
    assert r > 150 and g < 90 and b < 90


def test_gps_and_orientation_6_come_out_portrait_without_exif(app):
    exif = PILImage.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "KameraPabrik"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (6.0, 17.0, 31.0), 3: "E", 4: (106.0, 42.0, 10.0)})
    data = photo(1600, 1200, exif=exif)
    assert b"KameraPabrik" in data
    result = process_image(data)
    assert result.height > result.width
    for v in result.variants:
        assert v.height > v.width
        assert b"KameraPabrik" not in v.data
        assert_clean_derivative(v.data, v.content_type, v.width, v.height)


def test_icc_profile_and_text_chunks_are_dropped(app):
    info = PngInfo()
    info.add_text("Comment", "PESAN-RAHASIA-TEKS")
    info.add_itxt("Description", "PESAN-RAHASIA-ITXT")
    data = photo(900, 600, fmt="PNG", pnginfo=info, icc_profile=_srgb_icc())
    assert b"PESAN-RAHASIA-TEKS" in data
    for v in process_image(data).variants:
        assert b"PESAN-RAHASIA" not in v.data
        assert_clean_derivative(v.data, v.content_type, v.width, v.height)


def _srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def test_bytes_after_the_jpeg_end_never_reach_a_derivative(app):
    data = photo(1000, 750) + b"<?php system($_GET['c']); ?>MUATAN-TERSEMBUNYI"
    for v in process_image(data).variants:
        assert b"MUATAN-TERSEMBUNYI" not in v.data


# --- colour ------------------------------------------------------------------------------


def test_cmyk_comes_out_rgb_with_the_right_colours(app):
    data = (FIXTURES_IMAGES / "synthetic/cmyk.jpg").read_bytes()
    with PILImage.open(io.BytesIO(data)) as src:
        assert src.mode == "CMYK"
        expected = src.convert("RGB").resize((640, 480))
    out = decoded(process_image(data))
    assert out.mode == "RGB"
    for box in ((0, 0, 160, 120), (300, 220, 340, 260), (480, 360, 640, 480)):
        got = ImageStat.Stat(out.crop(box)).mean
        want = ImageStat.Stat(expected.crop(box)).mean
        assert all(abs(a - b) <= 4 for a, b in zip(got, want, strict=False)), (box, got, want)


def _transparent_left_half(mode: str) -> bytes:
    """A PNG whose left half is fully transparent and right half opaque dark red."""
    rgba = PILImage.new("RGBA", (800, 600), (0, 0, 0, 0))
    rgba.paste((120, 10, 10, 255), (400, 0, 800, 600))
    buf = io.BytesIO()
    if mode == "RGBA":
        rgba.save(buf, "PNG")
    elif mode == "LA":
        rgba.convert("LA").save(buf, "PNG")
    elif mode == "P":
        pal = PILImage.new("P", (800, 600), 0)
        pal.putpalette([0, 0, 0, 120, 10, 10] + [0] * 762)
        pal.paste(1, (400, 0, 800, 600))
        pal.save(buf, "PNG", transparency=0)
    elif mode == "RGB+tRNS":
        rgb = PILImage.new("RGB", (800, 600), (0, 0, 0))
        rgb.paste((120, 10, 10), (400, 0, 800, 600))
        rgb.save(buf, "PNG", transparency=(0, 0, 0))
    return buf.getvalue()


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "RGB+tRNS"])
def test_transparency_is_flattened_on_white(app, mode):
    result = process_image(_transparent_left_half(mode))
    for name in ("w640", "ig1080"):
        out = decoded(result, name)
        assert out.mode == "RGB"
        assert min(out.getpixel((20, 20))) >= 245, "transparent area must be white, not black"
        right = out.getpixel((out.width - 20, 20))
        assert max(right) < 140


def test_rgba_fixture_is_white_where_transparent(app):
    data = (FIXTURES_IMAGES / "synthetic/rgba_transparent.png").read_bytes()
    with PILImage.open(io.BytesIO(data)) as src:
        assert src.getpixel((0, 0))[3] == 0
    out = decoded(process_image(data))
    assert min(out.getpixel((1, 1))) >= 245


def test_16_bit_greyscale_is_scaled_not_clipped(app):
    data = (FIXTURES_IMAGES / "synthetic/gray16.png").read_bytes()
    out = decoded(process_image(data))
    r, g, b = out.getpixel((320, 240))
    assert r == g == b
    assert 100 <= r <= 160  # the source holds 32768 of 65535 there


# --- refusals ----------------------------------------------------------------------------


def test_empty_file_is_refused(app):
    assert "kosong" in refusal(b"").message


def test_file_over_the_byte_limit_is_refused(app):
    app.config["MAX_PHOTO_BYTES"] = 10_000
    exc = refusal(photo(1200, 900, quality=95))
    assert "MB" in exc.message


@pytest.mark.parametrize(
    "fmt,label", [("TIFF", "TIFF"), ("BMP", "BMP"), ("PDF", "PDF"), ("ICO", "ICO"), ("PPM", None)]
)
def test_other_formats_are_refused_by_content(app, fmt, label):
    im = PILImage.new("RGB", (600, 400), (10, 120, 200))
    buf = io.BytesIO()
    im.save(buf, fmt)
    exc = refusal(buf.getvalue())
    assert exc.message == (
        "Format berkas tidak didukung. Kirim foto JPEG, PNG, WebP, HEIC atau GIF."
    )
    assert exc.detected_format == label


def test_svg_and_text_are_refused(app):
    assert (
        refusal(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ).detected_format
        == "SVG"
    )
    refusal(b"Ini bukan foto, hanya teks biasa.\n" * 20)


def test_too_small_is_refused_with_the_size(app):
    exc = refusal(photo(319, 200))
    assert exc.message == "Foto terlalu kecil (319×200 piksel): sisi terpanjang minimal 320 piksel."
    assert exc.detected_format == "JPEG"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_file_is_refused(app, fmt):
    data = photo(1200, 900, fmt=fmt)
    exc = refusal(data[: len(data) * 2 // 3])
    assert exc.message.strip()


def test_truncated_jpeg_says_so(app):
    data = photo(1200, 900)
    assert refusal(data[: len(data) // 2]).message == (
        "Berkas foto terpotong/tidak lengkap — coba unggah ulang."
    )


def test_truncated_images_stay_refused(app):
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_pipeline_will_not_run_if_truncated_images_are_allowed(app, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError):
        process_image(photo(800, 600))


def test_pixel_limit_from_config(app):
    """MAX_IMAGE_PIXELS holds for pictures decoded whole (PNG here); the refusal says what
    to do."""
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    assert process_image(photo(1000, 1000, fmt="PNG")).width == 1000
    exc = refusal(photo(1200, 900, fmt="PNG"))
    assert exc.message == (
        "Foto terlalu besar: 1,1 megapiksel, paling besar 1 megapiksel. "
        "Perkecil fotonya, lalu unggah lagi."
    )


def test_jpeg_pixel_limit_is_the_scaled_one(app):
    """#18: a JPEG decodes at 1/2-1/8 scale, so MAX_SCALED_PIXELS (200 MP phones), not
    MAX_IMAGE_PIXELS, is its limit."""
    app.config["MAX_IMAGE_PIXELS"] = 500_000
    app.config["MAX_SCALED_PIXELS"] = 1_000_000
    assert process_image(photo(1000, 1000)).width == 1000
    exc = refusal(photo(1200, 900))
    assert exc.message.startswith("Foto terlalu besar: 1,1 megapiksel, paling besar 1 megapiksel.")


def test_pixel_limit_is_checked_before_decoding(app, monkeypatch):
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    data = photo(1200, 900, fmt="PNG")

    def no_decoding(self):  # pragma: no cover - must not be reached
        raise AssertionError("decoded a picture over the pixel limit")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert "megapiksel" in refusal(data).message


def test_pixel_limit_counts_the_decoded_frame_only(app):
    """#18: a 480×480 GIF of many frames was "46 megapiksel"; only frame one is decoded."""
    frames = [PILImage.new("RGB", (640, 480), (i * 80, 0, 0)) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    app.config["MAX_IMAGE_PIXELS"] = 400_000  # one frame is 0.3 MP, three are 0.9 MP
    assert process_image(buf.getvalue()).width == 640
    app.config["MAX_IMAGE_PIXELS"] = 300_000
    assert "megapiksel" in refusal(buf.getvalue()).message


def test_a_jpeg_with_a_broken_header_is_called_corrupt(app):
    data = photo(800, 600)
    broken = data[:2] + b"\xff\xc0\x00\x03\x00" + data[200:]  # a cut SOF segment up front
    exc = refusal(broken)
    assert "rusak" in exc.message and exc.detected_format == "JPEG"


@pytest.mark.parametrize(
    "size, ok", [((10000, 400), False), ((2000, 400), False), ((1600, 400), True)]
)
def test_extreme_aspect_ratios_are_refused_with_what_to_do(app, size, ok):
    data = photo(*size)
    if ok:
        assert process_image(data).width == size[0]
    else:
        assert "Potong foto" in refusal(data).message


def test_decompression_bomb_warning_is_a_refusal(app, monkeypatch):
    app.config["MAX_IMAGE_PIXELS"] = 100_000_000  # above Pillow's own threshold below
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 500_000)
    exc = refusal(photo(1200, 900))  # 1.08 MP: Pillow warns (it only errors at twice that)
    assert "megapiksel" in exc.message


def test_144_megapixel_png_is_refused_from_its_header(app):
    data = (FIXTURES_IMAGES / "synthetic/bomb_144mp.png").read_bytes()
    assert (
        refusal(data).message == "Foto terlalu besar: 144 megapiksel, paling besar 40 megapiksel. "
        "Perkecil fotonya, lalu unggah lagi."
    )


def test_works_without_an_app_using_default_limits():
    assert images._limit("MIN_IMAGE_SIDE") == 320
    assert process_image(photo(640, 480)).width == 640


def test_embedded_icc_profile_is_converted_to_srgb(app):
    from PIL import ImageCms
    from pillow_heif import register_heif_opener

    register_heif_opener()
    with PILImage.open(FIXTURES_IMAGES / "real/iphone.heic") as heic:
        p3 = heic.info["icc_profile"]  # Display P3, as iPhones embed
    colour = (200, 100, 50)
    buf = io.BytesIO()
    PILImage.new("RGB", (800, 600), colour).save(buf, "JPEG", quality=95, icc_profile=p3)
    expected = ImageCms.profileToProfile(
        PILImage.new("RGB", (1, 1), colour),
        ImageCms.ImageCmsProfile(io.BytesIO(p3)),
        ImageCms.createProfile("sRGB"),
    ).getpixel((0, 0))
    # P3 and sRGB really differ
    assert max(abs(a - b) for a, b in zip(expected, colour, strict=False)) > 8
    got = decoded(process_image(buf.getvalue()), "ig1080").getpixel((400, 300))
    close = all(abs(a - b) <= 4 for a, b in zip(got, expected, strict=False))
    assert close, (got, expected, colour)
