"""The catalogue's filter form as a shopper reads it (#17): the price bounds come back as
understood and grouped, an ignored bound says so, the phone's "Filter (n)" disclosure counts
the filters that are on, and the result count is shown."""

from __future__ import annotations

import html as htmllib
import re

from tests.builders import make_public_listing, make_published_round


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return htmllib.unescape(response.get_data(as_text=True))


def _value(html: str, field: str) -> str:
    match = re.search(rf'name="{field}"[^>]*value="([^"]*)"', html)
    assert match, field
    return match.group(1)


def test_typed_prices_come_back_as_understood_and_grouped(app, db, client):
    make_public_listing(rnd=make_published_round(), title="Keripik", price=20000)
    db.session.commit()
    html = _html(client, "/katalog?harga_min=10.000&harga_max=50rb")
    assert _value(html, "harga_min") == "10.000"
    assert _value(html, "harga_max") == "50.000"
    assert "diabaikan" not in html
    assert "Filter (1)" in html  # a price range counts once


def test_an_unreadable_price_is_ignored_with_a_message_in_view(app, db, client):
    make_public_listing(rnd=make_published_round(), title="Keripik", price=20000)
    db.session.commit()
    html = _html(client, "/katalog?harga_min=abc&kategori=makanan")
    assert 'Harga "abc" diabaikan (tulis mis. 15000 atau 15rb).' in html
    assert _value(html, "harga_min") == ""
    note = html.index('id="f-price-note"')
    assert html.index("</details>") < note < html.index("</form>")  # seen with the fold shut
    assert 'aria-describedby="f-price-note"' in html
    assert "Filter (1)" in html  # the category only: the ignored price is no filter


def test_swapped_bounds_are_turned_round_and_said(app, db, client):
    db.session.commit()
    html = _html(client, "/katalog?harga_min=50000&harga_max=10000")
    assert _value(html, "harga_min") == "10.000"
    assert _value(html, "harga_max") == "50.000"
    assert "tertukar" in html


def test_no_filter_means_a_plain_closed_disclosure(app, db, client):
    make_public_listing(rnd=make_published_round(), title="Keripik", price=20000)
    db.session.commit()
    html = _html(client, "/katalog")
    assert '<details class="filter-more">' in html
    assert "<summary>Filter</summary>" in html


def test_result_count_above_the_cards(app, db, client):
    rnd = make_published_round()
    for i in range(3):
        make_public_listing(rnd=rnd, title=f"Kopi {i}", price=10000 + i)
    make_public_listing(rnd=rnd, title="Mahal", price=900000)
    db.session.commit()
    html = _html(client, "/katalog?harga_max=100rb")
    assert '<p class="result-count" role="status">3 produk ditemukan</p>' in html
    assert html.index("result-count") < html.index('class="cards"')


def test_english_reader_gets_english_grouping_and_notes(app, db, client):
    make_public_listing(rnd=make_published_round(), title="Keripik", price=20000)
    db.session.commit()
    client.get("/bahasa/en_ID")
    html = _html(client, "/katalog?harga_min=10000&harga_max=xyz")
    assert _value(html, "harga_min") == "10.000"  # en_ID groups like Rp15.000
    assert 'Price "xyz" ignored' in html
    assert "1 products" not in html and "Products found: 1" in html
