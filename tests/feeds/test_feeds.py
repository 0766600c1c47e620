"""The product feeds (Meta CSV, Google Merchant RSS) and the Atom feed of rounds, read back
with real parsers (csv, xml.etree) and checked against each specification's required fields."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest

from marketplace import demo
from marketplace.feeds.products import plain_text
from marketplace.listings.models import ListingStatus
from tests.builders import (
    make_business,
    make_community,
    make_public_listing,
    make_published_round,
    with_real_photos,
)

G = "{http://base.google.com/ns/1.0}"
A = "{http://www.w3.org/2005/Atom}"
META_REQUIRED = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
]
GOOGLE_REQUIRED = ["id", "title", "description", "link", "image_link", "availability", "price"]


def meta_rows(client, url="/feed/meta.csv"):
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "text/csv", r.status_code
    return r, list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))


def google_items(client, url="/feed/google.xml"):
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/rss+xml", r.status_code
    root = ET.fromstring(r.data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for tag in ("title", "link", "description"):
        assert (channel.findtext(tag) or "").strip(), tag
    return r, channel.findall("item")


def check_meta_row(row):
    for name in META_REQUIRED:
        assert row[name].strip(), (name, row)
    assert row["availability"] == "in stock" and row["condition"] == "new"
    amount, currency = row["price"].split(" ")
    assert amount.isdigit() and currency == "IDR"
    assert row["link"].startswith("http") and row["image_link"].endswith(".jpg")
    assert len(row["title"]) <= 200 and len(row["description"]) <= 9999
    assert "\n" not in row["description"] and "\x07" not in row["description"]


def check_google_item(item):
    for name in GOOGLE_REQUIRED:
        assert (item.findtext(G + name) or "").strip(), name
    assert item.findtext(G + "availability") == "in_stock"
    assert item.findtext(G + "condition") == "new"
    amount, currency = item.findtext(G + "price").split(" ")
    assert amount.isdigit() and currency == "IDR"
    assert len(item.findtext(G + "title")) <= 150
    assert len(item.findtext(G + "description")) <= 5000


def test_feeds_on_demo_data_have_every_required_field(app, client, db, clock):
    demo.load(clock(), echo=lambda *_: None)
    db.session.commit()
    r, rows = meta_rows(client)
    assert len(rows) >= 100
    assert list(rows[0])[: len(META_REQUIRED)] == META_REQUIRED
    for row in rows:
        check_meta_row(row)
    assert len({row["id"] for row in rows}) == len(rows)
    skipped = int(r.headers["X-Feed-Skipped-No-Price"])

    r, items = google_items(client)
    assert len(items) == len(rows)
    for item in items:
        check_google_item(item)
    assert r.headers["X-Feed-Skipped-No-Price"] == str(skipped)
    assert f"left out: {skipped} without a price" in r.get_data(as_text=True)

    atom = ET.fromstring(client.get("/feed/edisi.atom").data)
    assert atom.tag == A + "feed"
    entries = atom.findall(A + "entry")
    assert len(entries) >= 3
    for e in entries:
        for tag in ("id", "title", "updated"):
            assert e.findtext(A + tag), tag
        assert e.find(A + "link").get("href").startswith("http://localhost/edisi/")
        assert "produk" in e.findtext(A + "summary")


def _two_listings(db):
    rnd = make_published_round()
    business = make_business(make_community(name="Komunitas Kopi"), name="Kopi Setu")
    kopi = with_real_photos(
        make_public_listing(rnd=rnd, business=business, title="Kopi Robusta", price=45000)
    )
    kopi.description = "Biji kopi\n\nsangrai <b>sedang</b>\x07"
    kue = with_real_photos(make_public_listing(rnd=rnd, title="Kue Lapis", price=20000))
    db.session.commit()
    return kopi, kue


def test_one_listing_in_both_feeds(client, db):
    kopi, _kue = _two_listings(db)
    _r, rows = meta_rows(client)
    row = next(r for r in rows if r["id"] == str(kopi.id))
    check_meta_row(row)
    assert row["price"] == "45000 IDR" and row["brand"] == "Kopi Setu"
    assert row["description"] == "Biji kopi sangrai <b>sedang</b>"  # plain text, one line
    assert row["link"] == f"http://localhost/produk/{kopi.id}-kopi-robusta"
    _r, items = google_items(client)
    item = next(i for i in items if i.findtext(G + "id") == str(kopi.id))
    assert item.findtext(G + "price") == "45000 IDR"
    assert item.findtext(G + "brand") == "Kopi Setu"


def test_priceless_and_taken_down_listings_leave_the_feeds_at_once(client, db):
    kopi, kue = _two_listings(db)
    # warm the page cache first: the change must still show at once
    assert {r["id"] for r in meta_rows(client)[1]} == {str(kopi.id), str(kue.id)}
    assert len(google_items(client)[1]) == 2

    kopi.price = None
    db.session.commit()
    r, rows = meta_rows(client)
    assert [row["id"] for row in rows] == [str(kue.id)]
    assert r.headers["X-Feed-Skipped-No-Price"] == "1"
    r, items = google_items(client)
    assert [i.findtext(G + "id") for i in items] == [str(kue.id)]
    assert "left out: 1 without a price" in r.get_data(as_text=True)

    kue.status = ListingStatus.REMOVED
    db.session.commit()
    assert meta_rows(client)[1] == []
    assert google_items(client)[1] == []


def test_feeds_of_one_round_or_one_community(client, db):
    kopi, kue = _two_listings(db)
    other_round = make_published_round(days_ago=20)
    old = with_real_photos(make_public_listing(rnd=other_round, title="Lama"))
    db.session.commit()
    edition = kopi.round.edition
    assert {r["id"] for r in meta_rows(client, f"/feed/meta.csv?edisi={edition}")[1]} == {
        str(kopi.id),
        str(kue.id),
    }
    slug = kopi.business.community.slug
    assert [r["id"] for r in meta_rows(client, f"/feed/meta.csv?komunitas={slug}")[1]] == [
        str(kopi.id)
    ]
    url = f"/feed/google.xml?edisi={other_round.edition}"
    assert [i.findtext(G + "id") for i in google_items(client, url)[1]] == [str(old.id)]
    both = f"/feed/meta.csv?edisi={edition}&komunitas={slug}"  # the two combine
    assert [r["id"] for r in meta_rows(client, both)[1]] == [str(kopi.id)]
    assert old.business.community.slug != slug
    both = f"/feed/google.xml?edisi={other_round.edition}&komunitas={slug}"
    r, items = google_items(client, both)
    assert items == [] and kopi.business.community.name in r.get_data(as_text=True)
    for bad in ("?edisi=9999", "?edisi=x", "?komunitas=tidak-ada", "?edisi=99999999999999"):
        assert client.get(f"/feed/meta.csv{bad}").status_code == 404
        assert client.get(f"/feed/google.xml{bad}").status_code == 404


def test_listing_without_a_usable_photo_is_left_out_and_counted(client, db):
    make_public_listing(title="Tanpa JPEG")  # builder photos have WebP variants only
    db.session.commit()
    r, rows = meta_rows(client)
    assert rows == [] and r.headers["X-Feed-Skipped-No-Image"] == "1"


def test_atom_feed_of_rounds(client, db):
    rnd = make_published_round()
    make_public_listing(rnd=rnd)
    make_public_listing(rnd=rnd)
    db.session.commit()
    r = client.get("/feed/edisi.atom")
    assert r.mimetype == "application/atom+xml"
    feed = ET.fromstring(r.data)
    assert feed.findtext(A + "id") == "http://localhost/feed/edisi.atom"
    assert feed.find(A + "link[@rel='self']").get("href") == "http://localhost/feed/edisi.atom"
    (entry,) = feed.findall(A + "entry")
    assert entry.findtext(A + "title") == rnd.title
    assert entry.findtext(A + "updated").endswith("Z")
    assert entry.findtext(A + "summary").startswith("2 produk")


@pytest.mark.parametrize(
    "text,limit,expected",
    [
        ("a\n\nb\tc", 100, "a b c"),
        ("kata " * 10, 12, "kata kata…"),
        ("\x00x\x1fy", 10, "xy"),
    ],
)
def test_plain_text(text, limit, expected):
    assert plain_text(text, limit) == expected
