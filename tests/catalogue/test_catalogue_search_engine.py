"""Full-text search (FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL): kept in step with the
listing lifecycle, typo tolerant, ranked, highlighted; filters and price sorts on keyset."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.catalogue import search
from marketplace.catalogue.cursor import InvalidCursor
from marketplace.catalogue.forms import CatalogueArgs, parse_price_bound
from marketplace.catalogue.queries import search_listings
from marketplace.clock import now
from marketplace.listings.models import ListingStatus
from marketplace.listings.state import transition
from tests.builders import (
    add_permit,
    make_business,
    make_community,
    make_listing,
    make_member,
    make_public_listing,
    make_published_round,
    make_staff,
)


def titles(page):
    return [item.title for item in page.items]


def test_search_index_triggers_exist(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite triggers")
    names = {
        r[0]
        for r in db.session.execute(sa.text("SELECT name FROM sqlite_master WHERE type='trigger'"))
    }
    assert {
        "listing_search_insert",
        "listing_search_approve",
        "listing_search_unapprove",
        "listing_search_change",
        "listing_search_delete",
        "listing_search_business",
    } <= names, (
        "The search triggers are gone: a batch migration that recreates 'listings' or "
        "'businesses' drops them; recreate them as in migration c7a1e5d2f4b9."
    )


def test_index_follows_approve_withdraw_take_down_and_business_renames(app, db):
    rnd = make_published_round()
    member = make_member()
    business = make_business(member.community, name="Dapur Bu Sri")
    listing = make_listing(
        ListingStatus.SUBMITTED, business=business, rnd=rnd, title="Rendang Padang"
    )
    db.session.commit()
    assert titles(search_listings(now(), q="rendang")) == []
    transition(listing, "approve", actor=make_staff(), now=now())
    db.session.commit()
    assert titles(search_listings(now(), q="rendang")) == ["Rendang Padang"]
    business.name = "Warung Mak Ijah"
    db.session.commit()
    assert titles(search_listings(now(), q="ijah")) == ["Rendang Padang"]
    assert titles(search_listings(now(), q="sri rendang")) == []
    transition(listing, "withdraw", actor=member, now=now())
    db.session.commit()
    assert titles(search_listings(now(), q="rendang")) == []

    other = make_public_listing(rnd=rnd, title="Sambal Roa")
    db.session.commit()
    transition(other, "take_down", actor=make_staff(), now=now(), reason="keluhan")
    db.session.commit()
    assert titles(search_listings(now(), q="roa")) == []


def test_typo_prefix_and_diacritics(app, db):
    rnd = make_published_round()
    make_public_listing(rnd=rnd, title="Keripik Singkong Balado", description="Renyah.")
    make_public_listing(
        rnd=rnd,
        title="Kopi Gayo Énak",
        description="Arabika.",
        business=make_business(name="Kedai Pak Asep"),
    )
    db.session.commit()
    page = search_listings(now(), q="kripik")  # misspelt: did-you-mean / trigram
    assert titles(page) == ["Keripik Singkong Balado"]
    if db.engine.dialect.name == "sqlite":
        assert page.match.corrected == "keripik"
    assert titles(search_listings(now(), q="singk")) == ["Keripik Singkong Balado"]  # prefix
    assert titles(search_listings(now(), q="enak")) == ["Kopi Gayo Énak"]  # no diacritics
    assert titles(search_listings(now(), q="ÉNAK kopi")) == ["Kopi Gayo Énak"]


def test_title_matches_rank_first_then_newest(app, db, clock):
    from datetime import timedelta

    rnd = make_published_round()
    make_public_listing(rnd=rnd, title="Teh Telang", description="Teman minum kopi.")
    clock.advance(minutes=1)
    make_public_listing(rnd=rnd, title="Kopi Robusta Lama")
    clock.advance(minutes=1)
    make_public_listing(rnd=rnd, title="Kopi Robusta Baru")
    clock.advance(minutes=1)
    make_public_listing(
        rnd=rnd, title="Gula Aren", business=make_business(name="Kedai Kopi Pak Asep")
    )
    db.session.commit()
    page = search_listings(now(), q="kopi")
    assert page.sort == "relevan"
    assert titles(page)[:2] == ["Kopi Robusta Baru", "Kopi Robusta Lama"]
    assert set(titles(page)[2:]) == {"Gula Aren", "Teh Telang"}
    # Paging one at a time walks the same order, forwards and back.
    seen, cursor = [], None
    while True:
        p = search_listings(now(), q="kopi", per_page=1, after=cursor)
        seen += titles(p)
        if not p.next:
            break
        cursor = p.next
    assert seen == titles(page)
    back = search_listings(now(), q="kopi", per_page=1, after=p.prev)
    assert titles(back) == [seen[-2]]
    assert timedelta  # (imported for the clock steps above)


def test_highlight_escapes_then_marks():
    html = str(search.highlight('<b>Keripik</b> "Pedas" & keripikku', ["keripik"]))
    assert html == ('&lt;b&gt;<mark>Keripik</mark>&lt;/b&gt; "Pedas" &amp; <mark>keripikku</mark>')
    assert str(search.highlight("Kopi Énak", ["enak"], prefix=False)) == "Kopi <mark>Énak</mark>"
    assert str(search.highlight("<i>", [])) == "&lt;i&gt;"


def test_search_page_highlights_and_says_what_it_searched(client, db):
    make_public_listing(title="Keripik <Pedas>")
    db.session.commit()
    body = client.get("/katalog?q=keripik").get_data(as_text=True)
    assert "<mark>Keripik</mark> &lt;Pedas&gt;" in body
    if db.engine.dialect.name == "sqlite":
        body = client.get("/katalog?q=kripik").get_data(as_text=True)
        assert "Menampilkan hasil untuk" in body and "<mark>Keripik</mark>" in body


@pytest.mark.parametrize(
    "typed, rupiah",
    [
        ("15000", 15000),
        ("15.000", 15000),
        ("Rp15.000", 15000),
        ("rp 15.000", 15000),
        ("15rb", 15000),
        ("1,5jt", 1_500_000),
        ("1.5 juta", 1_500_000),
        ("", None),
        ("abc", None),
        ("-5", None),
        ("9" * 30, None),
        ("2000000000", None),
    ],
)
def test_price_bounds_as_people_type_them(typed, rupiah):
    assert parse_price_bound(typed) == rupiah


def test_price_range_halal_community_and_sorts(app, db, client):
    rnd = make_published_round()
    a = make_community(name="Komunitas Alpha")
    b = make_community(name="Komunitas Beta")
    cheap = make_public_listing(rnd=rnd, title="Murah", price=5000, business=make_business(a))
    mid = make_public_listing(rnd=rnd, title="Sedang", price=20000, business=make_business(a))
    dear = make_public_listing(rnd=rnd, title="Mahal", price=90000, business=make_business(b))
    make_public_listing(rnd=rnd, title="Tanya", price=None, business=make_business(b))
    add_permit(mid.business, "halal", checked=True)  # a checked permit makes the badge
    add_permit(dear.business, "halal")  # nor an unchecked permit
    db.session.commit()
    at = now()
    assert titles(search_listings(at, sort="murah")) == ["Murah", "Sedang", "Mahal"]
    assert titles(search_listings(at, sort="mahal")) == ["Mahal", "Sedang", "Murah"]
    args = CatalogueArgs.from_args({"harga_min": "10rb", "harga_max": "100.000"})
    assert sorted(titles(search_listings(at, filters=args.filters))) == ["Mahal", "Sedang"]
    args = CatalogueArgs.from_args({"harga_min": "100000", "harga_max": "10000"})  # swapped
    assert (args.price_min, args.price_max) == (10000, 100000)
    assert titles(search_listings(at, filters=CatalogueArgs.from_args({"halal": "1"}).filters)) == [
        "Sedang"
    ]
    only_a = CatalogueArgs.from_args({"komunitas": a.slug})
    assert sorted(titles(search_listings(at, filters=only_a.filters))) == ["Murah", "Sedang"]
    # price sorts page by keyset both ways
    first = search_listings(at, sort="murah", per_page=2)
    assert titles(first) == ["Murah", "Sedang"]
    second = search_listings(at, sort="murah", per_page=2, after=first.next)
    assert titles(second) == ["Mahal"] and second.next is None
    assert titles(search_listings(at, sort="murah", per_page=2, after=second.prev)) == [
        "Murah",
        "Sedang",
    ]
    # a cursor of another order is refused
    with pytest.raises(InvalidCursor):
        search_listings(at, sort="mahal", after=first.next)
    # the page: filters combine in a shareable URL and stay selected
    body = client.get(f"/katalog?urut=murah&harga_min=10rb&komunitas={a.slug}").get_data(
        as_text=True
    )
    assert "Sedang" in body and "Murah" not in body and "Mahal" not in body
    assert 'value="murah" selected' in body and 'value="10.000"' in body
    assert f'name="komunitas" value="{a.slug}"' in body
    assert cheap and dear


def test_empty_results_suggest_what_to_drop(client, db):
    rnd = make_published_round()
    make_public_listing(
        rnd=rnd,
        title="Kopi Setu",
        category_slug="minuman",
        business=make_business(make_community(district_slug="setu")),
    )
    db.session.commit()
    body = client.get("/katalog?q=kopi&kecamatan=pamulang").get_data(as_text=True)
    assert "Belum ada produk yang cocok" in body
    assert "di semua kecamatan" in body and "(1 produk)" in body
    assert 'href="/katalog?q=kopi"' in body


@pytest.mark.parametrize(
    "query",
    [
        "urut=zzz",
        "urut=relevan",
        "harga_min=-1",
        "harga_max=%00",
        "halal=%FF",
        "komunitas=" + "x" * 500,
        "per_page=-5&urut=murah",
        "cursor=cmE6OTk5OjE&q=kopi",
        "cursor=bmE6LTE6MQ&urut=murah",
    ],
)
def test_odd_new_parameters_never_500(client, db, query):
    make_public_listing(title="Kopi")
    db.session.commit()
    assert client.get(f"/katalog?{query}").status_code in (200, 404)
