"""GET /api/v1/listings: shape, filters, cursor, clamping, public data only."""

from urllib.parse import unquote

import pytest

from marketplace.catalogue.taps import whatsapp_taps
from marketplace.listings.models import ListingStatus
from tests.builders import (
    make_business,
    make_community,
    make_listing,
    make_public_listing,
    make_published_round,
)


def test_listing_shape(client, db):
    business = make_business(make_community(district_slug="serpong"), name="Kopi Serpong")
    business.whatsapp = "+6281298765432"
    listing = make_public_listing(
        business=business, title="Kopi Robusta", price=45000, category_slug="minuman", photos=2
    )
    db.session.commit()
    r = client.get("/api/v1/listings")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    assert set(data) == {"items", "next"} and data["next"] is None
    item = data["items"][0]
    assert set(item) == {
        "id",
        "title",
        "price",
        "currency",
        "unit",
        "category",
        "district",
        "business",
        "round",
        "url",
        "photos",
        "stock",  # the community's stock mark (#12)
    }
    assert item["stock"] == "in_stock"
    assert item["id"] == listing.id and item["title"] == "Kopi Robusta"
    assert item["price"] == 45000 and item["unit"] == "pack"
    assert item["category"] == {"slug": "minuman", "name": "Minuman"}
    assert item["district"] == {"slug": "serpong", "name": "Serpong"}
    assert item["business"]["name"] == "Kopi Serpong"
    assert set(item["business"]) == {"id", "name", "whatsapp_url"}
    # the WhatsApp link goes through the counting redirect, which leads to wa.me
    wa = item["business"]["whatsapp_url"]
    assert wa == f"http://localhost/produk/{listing.id}/whatsapp"
    target = client.get(wa).headers["Location"]
    assert target.startswith("https://wa.me/6281298765432?text=")
    assert unquote(target.split("text=")[1]).endswith(item["url"])
    assert whatsapp_taps([listing.id]) == {listing.id: 1}
    assert item["round"] == {
        "id": listing.round_id,
        "edition": listing.round.edition,
        "name": listing.round.title,
    }
    assert item["url"] == f"http://localhost/produk/{listing.id}-kopi-robusta"
    assert len(item["photos"]) == 2
    photo = item["photos"][0]
    assert photo["url"].startswith("http://localhost/") and photo["url"].endswith(".webp")
    assert photo["width"] == 640 and photo["height"] == 480
    # nothing private leaks
    text = r.get_data(as_text=True)
    assert "Sri Wahyuni" not in text and "owner" not in text


def test_price_null_when_unknown(client, db):
    make_public_listing(price=None)
    db.session.commit()
    assert client.get("/api/v1/listings").get_json()["items"][0]["price"] is None


def test_only_public_listings(client, db):
    rnd = make_published_round()
    public = make_public_listing(rnd=rnd)
    for status in ListingStatus:
        if status != ListingStatus.APPROVED:
            make_listing(status, rnd=rnd)
    make_listing(ListingStatus.APPROVED)  # round not yet published
    db.session.commit()
    assert [i["id"] for i in client.get("/api/v1/listings?per_page=100").get_json()["items"]] == [
        public.id
    ]


def test_cursor_walks_everything_once_and_per_page_is_clamped(client, db):
    rnd = make_published_round()
    ids = {make_public_listing(rnd=rnd, title=f"Produk {i}").id for i in range(7)}
    db.session.commit()
    seen, url = [], "/api/v1/listings?per_page=3"
    while url:
        data = client.get(url).get_json()
        assert len(data["items"]) <= 3
        seen += [i["id"] for i in data["items"]]
        url = f"/api/v1/listings?per_page=3&cursor={data['next']}" if data["next"] else None
    assert sorted(seen) == sorted(ids) and len(seen) == len(ids)
    assert seen == sorted(ids, reverse=True)  # same approval time: newest id first

    assert len(client.get("/api/v1/listings?per_page=0").get_json()["items"]) == 1
    assert len(client.get("/api/v1/listings?per_page=-3").get_json()["items"]) == 1
    assert len(client.get("/api/v1/listings?per_page=1000").get_json()["items"]) == 7
    assert len(client.get("/api/v1/listings?per_page=").get_json()["items"]) == 7


@pytest.mark.parametrize(
    "query",
    [
        "per_page=x",
        "per_page=1.5",
        "per_page=%C2%B2",
        "per_page=99999999999",
        "min_price=abc",
        "max_price=-5",
        "min_price=0",
        "max_price=1e9",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/listings", "/api/v1/communities", "/api/v1/businesses"])
def test_an_unreadable_number_is_a_400_naming_it(client, db, path, query):
    r = client.get(f"{path}?{query}")
    assert r.status_code == 400, r.status_code
    error = r.get_json()["error"]
    assert error["code"] == "invalid_parameter"
    assert query.split("=")[0] in error["message"]


def test_readable_prices_are_still_any_spelling(client, db):
    rnd = make_published_round()
    make_public_listing(rnd=rnd, title="Murah", price=10_000)
    make_public_listing(rnd=rnd, title="Mahal", price=80_000)
    db.session.commit()
    for query in ("min_price=15rb", "min_price=Rp15.000", "min_price=15000&max_price="):
        r = client.get(f"/api/v1/listings?{query}")
        assert r.status_code == 200
        assert [i["title"] for i in r.get_json()["items"]] == ["Mahal"], query


def test_per_page_upper_clamp_is_100(client, db):
    rnd = make_published_round()
    for i in range(101):
        make_public_listing(rnd=rnd, title=f"P{i}", photos=0)
    db.session.commit()
    data = client.get("/api/v1/listings?per_page=500").get_json()
    assert len(data["items"]) == 100 and data["next"]
    assert (
        len(client.get(f"/api/v1/listings?cursor={data['next']}&per_page=500").get_json()["items"])
        == 1
    )
    assert len(client.get("/api/v1/listings").get_json()["items"]) == 24


def test_filters_and_search(client, db):
    rnd = make_published_round()
    setu = make_business(make_community(district_slug="setu"))
    make_public_listing(rnd=rnd, business=setu, title="Kopi Setu", category_slug="minuman")
    make_public_listing(rnd=rnd, title="Kopi Pamulang", category_slug="minuman")
    make_public_listing(rnd=rnd, title="Diskon 50% Kue")
    db.session.commit()

    def titles(qs):
        return sorted(i["title"] for i in client.get(f"/api/v1/listings?{qs}").get_json()["items"])

    assert titles("category=minuman") == ["Kopi Pamulang", "Kopi Setu"]
    assert titles("category=minuman&district=setu") == ["Kopi Setu"]
    assert titles("q=kopi%20pamulang") == ["Kopi Pamulang"]
    assert titles("q=50%25") == ["Diskon 50% Kue"]
    assert titles("q=%25") == []  # symbols only: no indexable word, no scan (#19)
    assert titles("q=_") == []


def test_bad_cursor_is_a_400_json_error(client, db):
    for cursor in ("abc", "%FF%FE", "YTo5OTo5OQ!!", "A" * 300):
        r = client.get(f"/api/v1/listings?cursor={cursor}")
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_cursor"


def test_api_is_read_only_and_csrf_exempt(client, db):
    assert client.post("/api/v1/listings", csrf=False).status_code == 405
