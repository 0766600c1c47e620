"""Cards as plain rows (``catalogue.listing_cards``) and the fragment store
(``catalogue.fragments``).

A card shows exactly what it showed when it was built from ORM objects; a card kept in the
store is reused by any page that shows it (no photo query), and is rebuilt whenever what it
shows changes: a business edit (the generation), a permit expiring (the badges are part of
its key), a new publication (the clock), another language.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.catalogue import fragments
from marketplace.clock import now
from marketplace.listings.permits import wib_date
from tests.builders import (
    add_permit,
    make_business,
    make_public_listing,
    make_published_round,
    make_round,
)


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False  # every request reaches the views


def _card(body: str, listing_id: int) -> str:
    m = re.search(rf'<a class="card" href="/produk/{listing_id}-[^"]*">.*?</a>', body, re.S)
    assert m, f"no card for listing {listing_id}"
    return m.group(0)


def _photo_reads(db, client, url: str) -> int:
    """How many cover lookups (``listing_cards.covers``) a GET of ``url`` runs."""
    count = 0

    def bump(conn, cursor, statement, *args):
        nonlocal count
        count += "cover_photo" in statement  # listing_cards.covers

    sa.event.listen(db.engine, "before_cursor_execute", bump)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", bump)
    return count


def test_a_card_shows_link_price_unit_business_district_photo_and_badges(client, db):
    item = make_public_listing(title="Keripik Tempe Pedas", price=15000)
    add_permit(item.business, "halal", checked=True)
    add_permit(item.business, "nib", checked=False)  # not checked: no badge
    db.session.commit()
    variants = {v.name: v for v in item.cover.image.variants}

    card = _card(client.get("/katalog").get_data(as_text=True), item.id)

    assert f'href="/produk/{item.id}-keripik-tempe-pedas"' in card
    assert '<span class="card-title">Keripik Tempe Pedas</span>' in card
    assert '<span class="price">Rp15.000 <span class="unit">/ pack</span></span>' in card
    assert "Keripik Bu Sri<br>Pamulang" in card
    w320, w640 = variants["w320"], variants["w640"]
    assert f'src="/media/{w640.key}"' in card
    assert f'srcset="/media/{w320.key} 320w, /media/{w640.key} 640w"' in card
    assert f'width="640" height="{w640.height}" loading="lazy"' in card
    assert re.findall(r'class="badge badge-ok">([^<]+)<', card) == ["Halal"]


def test_a_card_without_price_or_photo(client, db):
    item = make_public_listing(price=None, photos=0)
    db.session.commit()
    card = _card(client.get("/katalog").get_data(as_text=True), item.id)
    assert '<span class="price">Hubungi penjual</span>' in card
    assert '<span class="ph"></span>' in card and "<img" not in card


def test_searched_words_are_marked_and_escaped(client, db):
    item = make_public_listing(title="Keripik <Pedas> & Manis")
    db.session.commit()
    card = _card(client.get("/katalog?q=keripik").get_data(as_text=True), item.id)
    assert "<mark>Keripik</mark> &lt;Pedas&gt; &amp; Manis" in card
    plain = _card(client.get("/katalog").get_data(as_text=True), item.id)
    assert "Keripik &lt;Pedas&gt; &amp; Manis" in plain and "<mark>" not in plain


def test_a_kept_card_is_reused_by_another_page_without_a_photo_query(client, db):
    rnd = make_published_round()
    for _ in range(3):
        make_public_listing(rnd=rnd, business=make_business())
    db.session.commit()
    assert _photo_reads(db, client, "/katalog") == 1  # one batched cover query
    # Other URLs showing the same cards (another sort, the round's page, the home page):
    assert _photo_reads(db, client, "/katalog?urut=murah") == 0
    assert _photo_reads(db, client, f"/edisi/{rnd.edition}") == 0
    # With the store off, every page loads its covers again.
    client.application.config["FRAGMENT_CACHE"] = False
    assert _photo_reads(db, client, "/katalog?urut=murah") == 1


def test_a_business_edit_rebuilds_its_cards(client, db):
    item = make_public_listing()
    db.session.commit()
    assert "Keripik Bu Sri<br>" in _card(client.get("/katalog").get_data(as_text=True), item.id)
    item.business.name = "Dapur Bu Sri"
    db.session.commit()  # bumps the generation (pagecache's rule)
    card = _card(client.get("/katalog").get_data(as_text=True), item.id)
    assert "Dapur Bu Sri<br>" in card and "Keripik Bu Sri" not in card


def test_a_badge_goes_when_its_permit_expires_by_the_calendar(client, clock, db):
    item = make_public_listing()
    add_permit(item.business, "halal", checked=True, expires_on=wib_date(now()))
    db.session.commit()
    assert "badge-ok" in _card(client.get("/katalog").get_data(as_text=True), item.id)
    clock.advance(days=1)  # no write: the permit's last day has passed
    assert "badge-ok" not in _card(client.get("/katalog").get_data(as_text=True), item.id)


def test_counts_and_cards_follow_a_publication_by_the_clock(client, clock, db):
    make_public_listing()
    later = make_round(
        opens_at=now() - timedelta(days=5),
        closes_at=now() - timedelta(days=1),
        publishes_at=now() + timedelta(hours=1),
    )
    waiting = make_public_listing(rnd=later, business=make_business(), title="Dodol Betawi")
    db.session.commit()
    body = client.get("/").get_data(as_text=True)
    assert "Dodol Betawi" not in body
    assert re.search(r"Makanan <span class=\"muted\">1</span>", body)
    clock.advance(hours=1)  # the round publishes: no write, the store ends by the clock
    body = client.get("/").get_data(as_text=True)
    assert f"/produk/{waiting.id}-" in body
    assert re.search(r"Makanan <span class=\"muted\">2</span>", body)


def test_cards_are_kept_per_language(client, db):
    item = make_public_listing(price=None)
    db.session.commit()
    assert "Hubungi penjual" in _card(client.get("/katalog").get_data(as_text=True), item.id)
    client.set_cookie("lang", "en_ID")
    english = _card(client.get("/katalog").get_data(as_text=True), item.id)
    assert "Ask the seller" in english
    client.delete_cookie("lang")
    assert "Hubungi penjual" in _card(client.get("/katalog").get_data(as_text=True), item.id)


def test_a_request_behind_the_store_neither_reads_nor_fills_it(app, db):
    """Two workers' requests interleave around a commit: the one that read the older
    generation computes its own value and leaves the newer store alone."""
    with app.test_request_context("/"):
        assert fragments.remember("k", lambda: "new") == "new"
        kept = app.extensions["catalogue_fragments"]
    old = kept.generation - 1
    with app.test_request_context("/", environ_base={fragments.GENERATION: old}):
        assert fragments.remember("k", lambda: "old") == "old"
    assert app.extensions["catalogue_fragments"] is kept and kept.values["k"] == "new"


def test_result_counts_are_kept_per_normalised_search(client, db):
    for i in range(3):
        make_public_listing(business=make_business(), title=f"Kopi Gayo {i}")
    db.session.commit()
    counted = []

    def record(conn, cursor, statement, *args):
        if "count(" in statement.lower():
            counted.append(statement)

    first = client.get("/katalog?q=kopi+gayo&per_page=1").get_data(as_text=True)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        again = client.get("/katalog?per_page=1&q=Kopi++GAYO").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert "3 produk ditemukan" in first and "3 produk ditemukan" in again
    assert counted == []  # the second spelling counted nothing again


def test_stop_words_alone_are_answered_at_once_and_left_out_of_other_searches(client, db):
    from marketplace.catalogue.queries import search_listings

    item = make_public_listing(title="Keripik dan Kerupuk")
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = search_listings(now(), q="dan yang", cards=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert page.items == [] and page.match.too_common and statements == []
    body = client.get("/katalog?q=dan").get_data(as_text=True)
    assert "terlalu umum untuk dicari" in body
    found = search_listings(now(), q="keripik dan", cards=True)
    assert [r.id for r in found.items] == [item.id] and found.match.searched == ["keripik"]


def test_one_letter_words_are_never_prefixes(db):
    from marketplace.catalogue.queries import search_listings

    make_public_listing(title="Keripik Singkong")
    db.session.commit()
    assert search_listings(now(), q="k", cards=True).items == []
    assert len(search_listings(now(), q="si", cards=True).items) == 1  # two letters: a prefix
