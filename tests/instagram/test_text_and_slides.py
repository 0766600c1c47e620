"""Slides without the database: 1080×1350, and text that never leaves its box or runs into
another field, whatever the name's length or script."""

import io

import pytest
from PIL import Image

from marketplace.instagram import text as T
from marketplace.instagram.slides import (
    HEIGHT,
    PHOTO_HEIGHT,
    WIDTH,
    Brand,
    CoverCard,
    ListingCard,
    render_cover,
    render_listing,
)

BRAND = Brand("Dinas Koperasi dan UMKM Kota Tangerang Selatan", "#0E4D92", "#F9B233", "#FFFFFF")
NAME_80 = "Keripik Singkong Balado Pedas Manis Khas Pamulang Resep Nenek Asli Tanpa Pengawet"
TITLES = {
    "80 characters": NAME_80[:80],
    "emoji": "Kue 🍰 Lapis Legit 😀 Spesial 🎂🎂🎂 Buatan Mama 👩‍🍳 untuk Lebaran ✨✨",
    "chinese": "月饼传统手工中秋礼盒豆沙莲蓉蛋黄月饼传统手工中秋礼盒豆沙莲蓉"
    "蛋黄月饼传统手工中秋礼盒豆沙莲蓉蛋黄月饼",
    "arabic": "تمر عجوة المدينة المنورة الأصلي Kurma Ajwa Madinah Asli Premium 1 kg",
    "one long word": "Supercalifragilisticexpialidocious" * 2 + "X" * 12,
    "cyrillic and thai": "Медовик домашний торт ขนมไทย Kue Madu Rumahan",
    "empty after cleaning": "🍰🎂",
}


def _photo():
    return Image.new("RGB", (1080, 810), (200, 120, 40))


def _card(title, price="Rp15.000", **kw):
    values = dict(
        title=title,
        price=price,
        business="Keripik Bu Sri",
        district="Pamulang",
        whatsapp="0813-3000-4100",
        edition="Edisi 14",
        photo=_photo(),
    )
    values.update(kw)
    return ListingCard(**values)


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _assert_clean_layout(slide, top=PHOTO_HEIGHT):
    """Every text box inside the canvas (and below ``top`` for the panel's fields), with the
    horizontal margins kept, and no two fields' boxes overlapping."""
    fields = {k: v for k, v in slide.regions.items() if k not in ("edition", "qr", "code")}
    for name, boxes in fields.items():
        for box in boxes:
            assert 0 <= box[0] and box[2] <= WIDTH - 40, (name, box)
            assert top <= box[1] and box[3] <= HEIGHT, (name, box)
    names = list(fields)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            for box_a in fields[a]:
                for box_b in fields[b]:
                    assert not _overlap(box_a, box_b), (a, b, box_a, box_b)


@pytest.mark.parametrize("kind", list(TITLES))
def test_listing_slide_text_stays_in_its_box(kind):
    slide = render_listing(_card(TITLES[kind]), BRAND)
    assert slide.image.size == (WIDTH, HEIGHT)
    _assert_clean_layout(slide)


@pytest.mark.parametrize("kind", list(TITLES))
def test_every_field_can_be_long_and_odd_at_once(kind):
    long = TITLES[kind]
    slide = render_listing(
        _card(long, price="Hubungi penjual", business=long * 2, district=long), BRAND
    )
    _assert_clean_layout(slide)
    # the WhatsApp number is never cut: it is drawn whole, at the right margin
    assert slide.regions["whatsapp"] and max(b[2] for b in slide.regions["whatsapp"]) <= WIDTH - 40


def test_slide_is_a_1080_by_1350_jpeg_without_a_photo_too():
    data = render_listing(_card(NAME_80, price="Hubungi penjual", photo=None), BRAND).jpeg()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (1080, 1350) and image.mode == "RGB"


def test_fit_wraps_shrinks_and_ends_with_an_ellipsis():
    block = T.fit(NAME_80, 968, 190, (58, 52, 46, 42, 38), bold=True, max_lines=3)
    assert len(block.lines) <= 3 and all(block.line_width(l) <= 968 for l in block.lines)
    assert " ".join(block.lines) == NAME_80  # fits without cutting at some size
    huge = T.fit(NAME_80 * 4, 968, 190, (58, 52, 46, 42, 38), bold=True, max_lines=3)
    assert huge.truncated and huge.lines[-1].endswith("…") and len(huge.lines) == 3
    assert all(huge.line_width(l) <= 968 for l in huge.lines)
    short = T.fit("Kopi", 968, 190, (58, 52), bold=True)
    assert short.size == 58 and short.lines == ["Kopi"]


def test_characters_no_font_has_are_left_out_not_drawn_as_boxes():
    assert T.clean("Kue 🍰 Lapis") == "Kue Lapis"
    assert T.clean("月饼 Kue") == "月饼 Kue"  # Chinese through the fallback font
    assert [p for _f, p in T.runs("Kue 月饼")] == ["Kue ", "月饼"]


def test_cover_slide():
    slide = render_cover(
        CoverCard(
            "Etalase UMKM Tangsel",
            "Edisi 14 · 12 Januari 2026",
            "45 produk pilihan dari 7 komunitas UMKM",
            "#UMKMTangsel " * 10,
            [_photo()] * 3,
        ),
        BRAND,
    )
    assert slide.image.size == (WIDTH, HEIGHT)
    _assert_clean_layout(slide, top=0)


def test_fonts_and_their_licences_ship_with_the_code():
    for path in (T.REGULAR, T.BOLD, T.FALLBACK):
        assert path.is_file() and path.stat().st_size > 100_000
    assert (T.FONT_DIR / "LICENSE-DejaVu.txt").is_file()
    assert (T.FONT_DIR / "LICENSE-DroidSansFallback.txt").is_file()


def test_qr_code_and_short_code_sit_in_the_photo_corner_and_decode():
    import zxingcpp

    card = _card(NAME_80, code="ETL-3TCN", qr_url="https://etalase.example/k/ETL-3TCN")
    slide = render_listing(card, BRAND)
    _assert_clean_layout(slide)
    (qr,) = slide.regions["qr"]
    assert qr[2] <= WIDTH - 40 and qr[3] <= PHOTO_HEIGHT and qr[0] >= WIDTH // 2
    for box in slide.regions["code"] + slide.regions["edition"]:
        assert box[3] <= PHOTO_HEIGHT
    assert not any(_overlap(e, q) for e in slide.regions["edition"] for q in slide.regions["qr"])
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(slide.jpeg())))
    assert [d.text for d in decoded] == ["https://etalase.example/k/ETL-3TCN"]


def test_no_qr_without_a_url():
    slide = render_listing(_card("Kopi"), BRAND)
    assert "qr" not in slide.regions


def _striped_portrait(size=(600, 1200)):
    """A portrait photo with a red top band and a blue bottom band: cropping to a landscape
    band would cut both off."""
    img = Image.new("RGB", size, (240, 240, 240))
    img.paste((220, 0, 0), (0, 0, size[0], 60))
    img.paste((0, 0, 220), (0, size[1] - 60, size[0], size[1]))
    return img


def test_portrait_photo_is_shown_whole_not_cropped():
    from marketplace.instagram.slides import fit_whole

    out = fit_whole(_striped_portrait(), (WIDTH, PHOTO_HEIGHT))
    assert out.size == (WIDTH, PHOTO_HEIGHT)
    # the whole height is shown: 1200 px → 860 px, centred, red at the top, blue at the bottom
    shown_w = round(600 * PHOTO_HEIGHT / 1200)
    cx = WIDTH // 2
    r, g, b = out.getpixel((cx, 10))
    assert r > 180 and g < 60 and b < 60
    r, g, b = out.getpixel((cx, PHOTO_HEIGHT - 10))
    assert b > 180 and r < 60
    # the sides are the photo's own blurred, darkened colours, not a flat bar of brand colour
    side = out.getpixel(((WIDTH - shown_w) // 4, PHOTO_HEIGHT // 2))
    assert side != out.getpixel((cx, PHOTO_HEIGHT // 2)) and max(side) < 240


def test_small_photo_is_not_enlarged_past_its_pixels():
    from marketplace.instagram.slides import fit_whole

    small = Image.new("RGB", (400, 300), (10, 200, 10))
    out = fit_whole(small, (WIDTH, PHOTO_HEIGHT))
    # the 400×300 photo sits in the middle at its own size: its edge is exactly 400 px wide
    row = [out.getpixel((x, PHOTO_HEIGHT // 2)) for x in range(WIDTH)]
    green = [x for x, (r, g, b) in enumerate(row) if g > 190 and r < 30 and b < 30]
    assert len(green) == 400 and green[0] == (WIDTH - 400) // 2


def test_a_landscape_photo_still_fills_the_band():
    from marketplace.instagram.slides import fit_whole

    photo = Image.new("RGB", (1600, 1200), (10, 10, 200))
    out = fit_whole(photo, (WIDTH, PHOTO_HEIGHT))
    assert out.getpixel((2, 2)) == out.getpixel((WIDTH // 2, PHOTO_HEIGHT // 2))
