"""The API beyond the listing search: detail, rounds, communities, businesses, categories,
districts; ETag/304, CORS, cache headers; one error shape; only public data."""

import pytest

from marketplace.auth.models import CommunityStatus
from marketplace.listings.models import ListingStatus
from tests.builders import (
    add_permit,
    make_business,
    make_community,
    make_listing,
    make_public_listing,
    make_published_round,
    make_round,
)


def test_listing_detail_and_its_disappearance(client, db, clock):
    listing = make_public_listing(title="Kopi Robusta", price=45000, photos=1)
    listing.description = "Biji kopi\nsangrai sedang"
    db.session.commit()
    assert client.get(f"/api/v1/listings/{listing.id}").get_json()["halal"] is False
    add_permit(listing.business, "halal", checked=True)  # a moderator's check does
    db.session.commit()
    r = client.get(f"/api/v1/listings/{listing.id}")
    assert r.status_code == 200
    data = r.get_json()
    assert data["description"] == "Biji kopi\nsangrai sedang"
    assert data["halal"] is True and data["pirt"] is False
    assert data["approved_at"].endswith("+00:00")
    assert data["business"]["whatsapp_url"].endswith(f"/produk/{listing.id}/whatsapp")

    listing.status = ListingStatus.REMOVED
    db.session.commit()
    r = client.get(f"/api/v1/listings/{listing.id}")
    assert r.status_code == 404
    assert set(r.get_json()["error"]) == {"code", "message", "request_id"}
    assert r.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/listings/999999",
        "/api/v1/listings/0",
        f"/api/v1/listings/{2**60}",
        "/api/v1/rounds/999",
        "/api/v1/communities/tidak-ada",
        "/api/v1/businesses/999",
        "/api/v1/tidak-ada",
        "/api/v1/listings/-1",
        f"/api/v1/rounds/{2**40}",
        f"/api/v1/businesses/{2**40}",
        f"/api/v1/listings/{2**31}",
    ],
)
def test_not_found_is_json_in_one_shape(client, db, url):
    r = client.get(url)
    assert r.status_code == 404 and r.mimetype == "application/json"
    error = r.get_json()["error"]
    assert error["code"] == "not_found" and error["message"] and error["request_id"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_method_not_allowed_is_json(client, db):
    r = client.delete("/api/v1/rounds")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"


def test_rounds_list_and_detail(client, db, clock):
    published = make_published_round()
    make_round()  # open, not published: not in the API
    first = make_public_listing(rnd=published, title="Satu")
    second = make_public_listing(rnd=published, title="Dua")
    make_listing(ListingStatus.SUBMITTED, rnd=published)
    db.session.commit()
    items = client.get("/api/v1/rounds").get_json()["items"]
    assert [r["id"] for r in items] == [published.id]
    assert items[0]["edition"] == published.edition
    assert items[0]["publishes_at"] == published.publishes_at.isoformat()

    data = client.get(f"/api/v1/rounds/{published.id}?per_page=1").get_json()
    assert data["round"]["id"] == published.id
    assert [i["id"] for i in data["listings"]["items"]] == [second.id]
    cursor = data["listings"]["next"]
    more = client.get(f"/api/v1/rounds/{published.id}?per_page=1&cursor={cursor}").get_json()
    assert [i["id"] for i in more["listings"]["items"]] == [first.id]
    assert more["listings"]["next"] is None
    bad = client.get(f"/api/v1/rounds/{published.id}?cursor=zzz")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_cursor"


def test_unpublished_round_is_404(client, db):
    rnd = make_round()
    db.session.commit()
    assert client.get(f"/api/v1/rounds/{rnd.id}").status_code == 404


def test_communities_public_only_and_paged(client, db):
    verified = [make_community(name=f"Komunitas {i}") for i in range(3)]
    pending = make_community(name="Baru Daftar", status=CommunityStatus.PENDING)
    db.session.commit()
    seen, url = [], "/api/v1/communities?per_page=2"
    while url:
        r = client.get(url)
        assert "Bu Sri" not in r.get_data(as_text=True)  # the contact person and phone
        assert "81234567890" not in r.get_data(as_text=True)
        data = r.get_json()
        assert len(data["items"]) <= 2
        seen += [c["slug"] for c in data["items"]]
        url = f"/api/v1/communities?per_page=2&cursor={data['next']}" if data["next"] else None
    assert seen == [c.slug for c in verified]
    assert client.get(f"/api/v1/communities/{pending.slug}").status_code == 404
    one = client.get(f"/api/v1/communities/{verified[1].slug}").get_json()
    assert one["name"] == "Komunitas 1" and one["url"].endswith(f"/komunitas/{verified[1].slug}")
    # a cursor of another kind of list is refused
    business_cursor = "Yjox"  # "b:1"
    assert client.get(f"/api/v1/communities?cursor={business_cursor}").status_code == 400


def test_businesses_only_with_public_listings_and_no_private_fields(client, db):
    community = make_community()
    shown = make_business(community, name="Keripik Tampil")
    shown.owner_name = "Ibu Pemilik Rahasia"
    add_permit(shown, "nib", "1234567890123", checked=True)
    hidden = make_business(community, name="Belum Tayang")
    make_public_listing(business=shown)
    make_listing(ListingStatus.SUBMITTED, business=hidden)
    db.session.commit()
    r = client.get("/api/v1/businesses")
    text = r.get_data(as_text=True)
    assert "Ibu Pemilik Rahasia" not in text and "1234567890123" not in text
    items = r.get_json()["items"]
    assert [b["name"] for b in items] == ["Keripik Tampil"]
    assert items[0]["checked"] == {"nib": True, "halal": False, "pirt": False}
    assert client.get(f"/api/v1/businesses/{hidden.id}").status_code == 404
    assert client.get(f"/api/v1/businesses/{shown.id}").get_json()["id"] == shown.id
    assert client.get(f"/api/v1/businesses?community={community.slug}").get_json()["items"]
    assert client.get("/api/v1/businesses?community=lain").get_json()["items"] == []


def test_categories_and_districts(client, db):
    districts = client.get("/api/v1/districts").get_json()["items"]
    assert len(districts) == 7 and {"slug": "pamulang", "name": "Pamulang"} in districts
    categories = client.get("/api/v1/categories").get_json()["items"]
    assert {"slug": "makanan", "name": "Makanan"} in categories


def test_etag_304_cache_and_cors(client, db):
    make_public_listing()
    db.session.commit()
    r = client.get("/api/v1/listings")
    etag = r.headers["ETag"]
    assert etag.startswith('"') and r.headers["Cache-Control"] == "public, max-age=60"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/api/v1/listings", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_public_listing(title="Yang Baru")
    db.session.commit()
    changed = client.get("/api/v1/listings", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    preflight = client.options(
        "/api/v1/listings",
        headers={"Origin": "https://example.com", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
