"""Only approved listings of published rounds are public: pages, lists and the API."""

from datetime import timedelta

import pytest

from marketplace.listings.models import ListingStatus
from tests.builders import (
    make_business,
    make_listing,
    make_public_listing,
    make_published_round,
    make_round,
)

HIDDEN = [s for s in ListingStatus if s != ListingStatus.APPROVED]


@pytest.mark.parametrize("status", HIDDEN, ids=lambda s: s.value)
def test_non_approved_listing_is_404_and_absent_everywhere(client, db, status):
    rnd = make_published_round()
    hidden = make_listing(status, rnd=rnd, title="Rahasia Dapur")
    visible = make_public_listing(rnd=rnd, title="Keripik Tampil")
    db.session.commit()

    assert client.get(f"/produk/{hidden.id}").status_code == 404
    assert client.get(f"/produk/{hidden.id}-rahasia-dapur").status_code == 404
    for url in (
        "/",
        "/katalog",
        "/katalog?q=rahasia",
        f"/edisi/{rnd.edition}",
        f"/usaha/{visible.business_id}",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "Rahasia Dapur" not in body, url
    assert "Keripik Tampil" in client.get("/katalog").get_data(as_text=True)
    api = client.get("/api/v1/listings").get_json()
    assert [i["id"] for i in api["items"]] == [visible.id]


def test_approved_but_unpublished_is_hidden_until_publishes_at(client, db, clock):
    rnd = make_round()  # open now, publishes in 5 days
    listing = make_listing(ListingStatus.APPROVED, rnd=rnd, title="Kue Nastar")
    db.session.commit()
    assert client.get(f"/produk/{listing.id}").status_code == 404
    assert client.get("/api/v1/listings").get_json()["items"] == []
    assert client.get(f"/edisi/{rnd.edition}").status_code == 404
    assert client.get(f"/usaha/{listing.business_id}").status_code == 404

    clock.set(rnd.publishes_at - timedelta(seconds=1))
    assert client.get(f"/produk/{listing.id}").status_code == 404
    clock.set(rnd.publishes_at)
    r = client.get(f"/produk/{listing.id}", follow_redirects=True)
    assert r.status_code == 200 and "Kue Nastar" in r.get_data(as_text=True)
    assert [i["id"] for i in client.get("/api/v1/listings").get_json()["items"]] == [listing.id]
    assert client.get(f"/edisi/{rnd.edition}").status_code == 200


def test_removed_after_publication_disappears(client, db):
    listing = make_public_listing(title="Batik Tulis")
    db.session.commit()
    assert client.get(f"/produk/{listing.id}", follow_redirects=True).status_code == 200
    listing.status = ListingStatus.REMOVED
    db.session.commit()
    assert client.get(f"/produk/{listing.id}", follow_redirects=True).status_code == 404
    assert "Batik Tulis" not in client.get("/katalog").get_data(as_text=True)


def test_public_listing_stays_after_showcase_ends(client, db, clock):
    listing = make_public_listing()
    db.session.commit()
    clock.advance(days=60)
    assert client.get(f"/produk/{listing.id}", follow_redirects=True).status_code == 200


def test_business_without_public_listing_is_404(client, db):
    business = make_business(name="Usaha Belum Tayang")
    make_listing(ListingStatus.SUBMITTED, business=business)
    db.session.commit()
    assert client.get(f"/usaha/{business.id}").status_code == 404


def test_pending_community_page_is_404(client, db):
    from marketplace.auth.models import CommunityStatus
    from tests.builders import make_community

    pending = make_community(status=CommunityStatus.PENDING)
    verified = make_community(name="Komunitas Pamulang Maju")
    make_public_listing(business=make_business(community=verified, name="Dapur Maju"))
    db.session.commit()
    assert client.get(f"/komunitas/{pending.slug}").status_code == 404
    r = client.get(f"/komunitas/{verified.slug}")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "Komunitas Pamulang Maju" in body and "Dapur Maju" in body
    assert "+6281234567890" not in body  # the community's contact stays private


def test_unknown_and_huge_ids_are_404(client, db):
    for url in (
        "/produk/999999",
        "/produk/99999999999999999999999999",
        "/produk/0",
        "/usaha/99999999999999999999999999",
        "/edisi/99999999999999999999999",
        "/edisi/0",
        "/komunitas/tidak-ada",
    ):
        assert client.get(url).status_code == 404, url
