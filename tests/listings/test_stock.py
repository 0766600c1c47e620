"""Stock that stays true without a new review (issue #12, item 4): a community marks an
approved or public listing "Stok habis" / "Pre-order" and back; the card, the page, JSON-LD,
the API and the feeds follow; the catalogue shows sold-out listings last (or hides them);
listings long past their showcase ask "masih dijual?" and then show "mungkin sudah tidak
tersedia"."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEvent
from marketplace.catalogue.queries import Filters, search_listings
from marketplace.clock import now
from marketplace.listings.models import ListingStatus, StockStatus
from marketplace.listings.stock import (
    StockNotEditable,
    asks_still_sold,
    awaiting_answer,
    cutoffs,
    maybe_gone,
    set_stock,
)
from tests.builders import (
    make_business,
    make_listing,
    make_member,
    make_public_listing,
    make_published_round,
    make_round,
    with_real_photos,
)


def _product(client, listing) -> dict:
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    (data,) = [d for d in map(json.loads, blocks) if d["@type"] == "Product"]
    return data


def _audits(listing) -> list[str]:
    from marketplace.extensions import db

    return list(
        db.session.execute(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "listing", AuditEvent.object_id == listing.id)
            .order_by(AuditEvent.id)
        ).scalars()
    )


def test_a_member_marks_a_public_listing_sold_out_and_every_surface_follows(
    app, db, client, as_member
):
    app.config["PAGE_CACHE"] = False
    business = make_business(as_member.user.community)
    listing = make_public_listing(business=business, title="Kue Lapis Legit")
    with_real_photos(listing)
    db.session.commit()
    version = listing.version
    assert _product(client, listing)["offers"]["availability"] == "https://schema.org/InStock"

    r = as_member.post(f"/portal/produk/{listing.id}/stok", data={"stok": "sold_out"})
    assert r.status_code == 302
    db.session.refresh(listing)
    assert listing.stock == StockStatus.SOLD_OUT and listing.version == version  # no review
    assert listing.status == ListingStatus.APPROVED and listing.stock_checked_at == now()
    assert _audits(listing)[-1] == "listing.stock_sold_out"

    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert 'class="badge badge-bad">Stok habis<' in page
    assert 'class="badge badge-bad">Stok habis<' in client.get("/katalog").get_data(as_text=True)
    assert _product(client, listing)["offers"]["availability"] == "https://schema.org/OutOfStock"
    item = client.get(f"/api/v1/listings/{listing.id}").get_json()
    assert item.get("listing", item)["stock"] == "sold_out"
    listed = client.get("/api/v1/listings").get_json()
    assert [x["stock"] for x in listed["items"]] == ["sold_out"]
    assert "out of stock" in client.get("/feed/meta.csv").get_data(as_text=True)
    google = client.get("/feed/google.xml").get_data(as_text=True)
    assert "<g:availability>out_of_stock</g:availability>" in google

    as_member.post(f"/portal/produk/{listing.id}/stok", data={"stok": "preorder"})
    assert _product(client, listing)["offers"]["availability"] == "https://schema.org/PreOrder"
    assert "<g:availability>preorder</g:availability>" in client.get("/feed/google.xml").get_data(
        as_text=True
    )
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert 'class="badge badge-warn">Pre-order<' in page

    as_member.post(f"/portal/produk/{listing.id}/stok", data={"stok": "in_stock"})
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert "Stok habis" not in page and "Pre-order<" not in page
    assert _audits(listing)[-2:] == ["listing.stock_preorder", "listing.stock_in_stock"]


def test_a_stock_change_reaches_cached_pages_at_once(app, db, client, as_member):
    listing = make_public_listing(business=make_business(as_member.user.community))
    db.session.commit()
    assert "Stok habis" not in client.get("/katalog").get_data(as_text=True)  # now cached
    as_member.post(f"/portal/produk/{listing.id}/stok", data={"stok": "sold_out"})
    assert "Stok habis" in client.get("/katalog").get_data(as_text=True)


@pytest.mark.parametrize(
    "status",
    [ListingStatus.DRAFT, ListingStatus.SUBMITTED, ListingStatus.REMOVED, ListingStatus.WITHDRAWN],
)
def test_only_an_approved_listing_carries_a_mark(app, db, as_member, status):
    listing = make_listing(status, business=make_business(as_member.user.community))
    db.session.commit()
    r = as_member.post(
        f"/portal/produk/{listing.id}/stok", data={"stok": "sold_out"}, follow_redirects=True
    )
    assert r.status_code == 200
    assert "Stok hanya dapat ditandai pada produk yang sudah disetujui" in r.get_data(as_text=True)
    db.session.refresh(listing)
    assert listing.stock == StockStatus.IN_STOCK and "listing.stock_sold_out" not in _audits(
        listing
    )


def test_odd_values_other_communities_and_missing_tokens_change_nothing(app, db, as_member):
    own = make_public_listing(business=make_business(as_member.user.community))
    other = make_public_listing()
    db.session.commit()
    r = as_member.post(f"/portal/produk/{own.id}/stok", data={"stok": "habis<b>"})
    assert r.status_code == 302
    assert (
        as_member.post(f"/portal/produk/{other.id}/stok", data={"stok": "sold_out"}).status_code
        == 404
    )
    assert (
        as_member.post(
            f"/portal/produk/{own.id}/stok", data={"stok": "sold_out"}, csrf=False
        ).status_code
        == 400
    )
    for listing in (own, other):
        db.session.refresh(listing)
        assert listing.stock == StockStatus.IN_STOCK and listing.stock_checked_at is None


def test_staff_and_strangers_cannot_set_a_mark(app, db):
    listing = make_public_listing()
    stranger = make_member()
    db.session.commit()
    with pytest.raises(Exception) as exc:
        set_stock(listing, StockStatus.SOLD_OUT, actor=stranger, now=now())
    assert type(exc.value).__name__ == "NotAllowed"
    draft = make_listing(business=listing.business)
    member = make_member(listing.business.community)
    with pytest.raises(StockNotEditable):
        set_stock(draft, StockStatus.SOLD_OUT, actor=member, now=now())


def test_sold_out_listings_come_last_on_every_order_and_can_be_hidden(app, db):
    rnd = make_published_round()
    at = now()
    made = {}
    for i, (title, price) in enumerate(
        [("Kopi A", 10000), ("Kopi B", 20000), ("Kopi C", 30000), ("Kopi D", 40000)]
    ):
        made[title] = make_public_listing(
            rnd=rnd, title=title, price=price, approved_at=at - timedelta(hours=10 - i)
        )
    made["Kopi D"].stock = StockStatus.SOLD_OUT  # the newest and the dearest
    made["Kopi A"].stock = StockStatus.PREORDER  # pre-order is not sold out
    db.session.commit()

    def titles(page):
        return [x.title for x in page.items]

    assert titles(search_listings(now())) == ["Kopi C", "Kopi B", "Kopi A", "Kopi D"]
    assert titles(search_listings(now(), sort="mahal")) == ["Kopi C", "Kopi B", "Kopi A", "Kopi D"]
    assert titles(search_listings(now(), sort="murah")) == ["Kopi A", "Kopi B", "Kopi C", "Kopi D"]
    assert titles(search_listings(now(), q="kopi"))[-1] == "Kopi D"  # relevance too
    hidden = Filters(available=True)
    assert titles(search_listings(now(), filters=hidden)) == ["Kopi C", "Kopi B", "Kopi A"]

    for sort in ("baru", "mahal", "relevan"):
        # one by one forward across the segment boundary, and back again
        q = "kopi" if sort == "relevan" else None
        page, seen = search_listings(now(), q=q, sort=sort, per_page=1), []
        pages = [page]
        while True:
            seen += titles(page)
            if page.next is None:
                break
            page = search_listings(now(), q=q, sort=sort, per_page=1, after=page.next)
            pages.append(page)
        assert len(seen) == 4 and seen[-1] == "Kopi D", sort
        back = []
        while page.prev is not None:
            page = search_listings(now(), q=q, sort=sort, per_page=1, after=page.prev)
            back += titles(page)
        assert back == list(reversed(seen[:-1])), sort
        # a sold-out row's cursor while sold-out ones are hidden finds nothing, no error
        last = pages[-2].next
        assert (
            search_listings(
                now(), q=q, sort=sort, filters=Filters(available=True), after=last
            ).items
            == []
        )


def test_the_catalogue_checkbox_hides_sold_out_listings(app, db, client):
    app.config["PAGE_CACHE"] = False
    rnd = make_published_round()
    make_public_listing(rnd=rnd, title="Masih Ada")
    gone = make_public_listing(rnd=rnd, title="Sudah Habis")
    gone.stock = StockStatus.SOLD_OUT
    db.session.commit()
    page = client.get("/katalog").get_data(as_text=True)
    assert page.index("Masih Ada") < page.index("Sudah Habis")
    page = client.get("/katalog?tersedia=1").get_data(as_text=True)
    assert "Masih Ada" in page and "Sudah Habis" not in page
    assert 'name="tersedia" value="1" checked' in page


def _rounds_after(rnd, n):
    """``n`` rounds published one by one after ``rnd``'s showcase ended (a fortnight apart)."""
    made = []
    for i in range(n):
        publishes = rnd.showcase_ends_at + timedelta(days=1 + 14 * i)
        made.append(
            make_round(
                opens_at=publishes - timedelta(days=10),
                closes_at=publishes - timedelta(days=2),
                publishes_at=publishes,
            )
        )
    return made


def test_masih_dijual_is_asked_after_n_rounds_then_shoppers_are_warned(
    app, db, client, as_member, clock
):
    app.config["PAGE_CACHE"] = False
    app.config["STOCK_CHECK_AFTER_ROUNDS"] = 2
    old = make_published_round(days_ago=30)  # showcase ended 16 days ago
    listing = make_public_listing(
        rnd=old, business=make_business(as_member.user.community), title="Dodol Garut"
    )
    later = _rounds_after(old, 3)
    db.session.commit()
    clock.set(later[0].publishes_at)  # one round since the showcase: nothing yet
    assert awaiting_answer(listing.community_id, now()) == []
    assert "Masih dijual?" not in as_member.get("/portal/").get_data(as_text=True)

    clock.set(later[1].publishes_at)  # two rounds: the portal asks
    assert asks_still_sold(listing, cutoffs(now()), now())
    assert not maybe_gone(listing, cutoffs(now()))
    portal = as_member.get("/portal/").get_data(as_text=True)
    assert "Masih dijual?" in portal and "Dodol Garut" in portal
    assert "Mungkin sudah tidak tersedia" not in client.get("/katalog").get_data(as_text=True)

    clock.set(later[2].publishes_at + timedelta(seconds=1))  # a third without an answer
    assert maybe_gone(listing, cutoffs(now()))
    assert "Mungkin sudah tidak tersedia" in client.get("/katalog").get_data(as_text=True)
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert "Mungkin sudah tidak tersedia" in page

    r = as_member.post(
        f"/portal/produk/{listing.id}/stok", data={"stok": "masih", "next": "/portal/"}
    )
    assert r.status_code == 302 and r.headers["Location"].endswith("/portal/")
    assert "Mungkin sudah tidak tersedia" not in client.get("/katalog").get_data(as_text=True)
    assert "Masih dijual?" not in as_member.get("/portal/").get_data(as_text=True)
    assert _audits(listing)[-1] == "listing.stock_confirm"
    db.session.refresh(listing)
    assert listing.stock == StockStatus.IN_STOCK and listing.stock_checked_at == now()


def test_an_offsite_next_is_ignored(app, db, as_member):
    listing = make_public_listing(business=make_business(as_member.user.community))
    db.session.commit()
    r = as_member.post(
        f"/portal/produk/{listing.id}/stok", data={"stok": "masih", "next": "//evil.test/x"}
    )
    assert r.status_code == 302 and "evil.test" not in r.headers["Location"]
