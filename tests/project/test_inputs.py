"""What people really type: phones, prices, Instagram handles, text limits."""

import pytest

from marketplace.errors import InvalidInput
from marketplace.inputs import clean_text, parse_instagram, parse_phone, parse_price


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "(0812) 3456 7890",
        "081234567890",
        " 0812 3456 7890 ",
    ],
)
def test_phone_forms(app, raw):
    assert parse_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "08123", "+1 415 555 2671", "abc", "0812345678901234567"])
def test_bad_phones_refused(app, raw):
    with pytest.raises(InvalidInput) as exc:
        parse_phone(raw)
    assert exc.value.message


@pytest.mark.parametrize(
    "raw,value",
    [
        ("15000", 15000),
        ("15.000", 15000),
        ("Rp 15.000", 15000),
        ("15,000", 15000),
        ("15rb", 15000),
        ("15 ribu", 15000),
        ("1,5 jt", 1_500_000),
        ("1.5jt", 1_500_000),
        ("Rp15.000,00", 15000),
        ("Rp. 25.000", 25000),
        ("1.000.000.000", 1_000_000_000),
        ("", None),
        ("  ", None),
    ],
)
def test_price_forms(app, raw, value):
    assert parse_price(raw) == value


@pytest.mark.parametrize("raw", ["-5000", "0", "1.000.000.001", "abc", "15.5", "Rp", "12,34,5"])
def test_bad_prices_refused(app, raw):
    with pytest.raises(InvalidInput) as exc:
        parse_price(raw)
    assert exc.value.message


@pytest.mark.parametrize(
    "raw",
    [
        "@toko_bu_sri",
        "toko_bu_sri",
        "https://instagram.com/toko_bu_sri/",
        "https://www.instagram.com/toko_bu_sri?igsh=abc",
        "Toko_Bu_Sri",
    ],
)
def test_instagram_forms(app, raw):
    assert parse_instagram(raw) == "toko_bu_sri"


def test_text_limits_with_a_message(app):
    assert clean_text("  Keripik 🌶️  pedas ", max_length=80, field="Nama") == "Keripik 🌶️ pedas"
    assert clean_text("a\r\nb", max_length=10, field="x", multiline=True) == "a\nb"
    with pytest.raises(InvalidInput) as exc:
        clean_text("x" * 81, max_length=80, field="Nama produk")
    assert "81" in exc.value.message and "80" in exc.value.message


@pytest.mark.parametrize(
    "raw,value", [("Rp15.000,-", 15000), ("15.000,-", 15000), ("1 M", 1_000_000_000)]
)
def test_more_price_forms(app, raw, value):
    assert parse_price(raw) == value


def test_invisible_and_direction_characters(app):
    with pytest.raises(InvalidInput):
        clean_text("\u200b\u200b", max_length=80, field="Nama produk", required=True)
    assert clean_text("\u202eevil\u202c", max_length=80, field="Nama") == "evil"
    assert clean_text(" \u200bKopi\u200b ", max_length=80, field="Nama") == "Kopi"


@pytest.mark.parametrize(
    "raw,value",
    [("15000.00", 15000), ("15000,00", 15000), ("15000,0", 15000), ("Rp 2500.00", 2500)],
)
def test_an_ungrouped_price_with_a_zero_fraction_is_read(app, raw, value):
    """#18 item 6: the rule allows a trailing zero fraction; "15000.00" was refused."""
    assert parse_price(raw) == value


@pytest.mark.parametrize("raw", ["15000,50", "15000.5"])
def test_an_ungrouped_price_with_cents_asks_for_whole_rupiah(app, raw):
    with pytest.raises(InvalidInput) as exc:
        parse_price(raw)
    assert exc.value.message == "Harga harus dalam rupiah bulat."
