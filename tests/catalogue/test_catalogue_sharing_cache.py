"""Sharing (Open Graph, Twitter, JSON-LD, WhatsApp share), the counted WhatsApp redirect,
sitemap/robots, the page cache and its invalidation, compression, JSON API errors."""

from __future__ import annotations

import gzip
import json
import re
from datetime import timedelta
from urllib.parse import unquote

import sqlalchemy as sa

from marketplace.catalogue.models import WhatsappTap
from marketplace.catalogue.sharing import og_image
from marketplace.catalogue.taps import whatsapp_taps
from marketplace.clock import now
from marketplace.listings.models import ListingStatus
from marketplace.listings.state import transition
from marketplace.slugs import slugify
from tests.builders import (
    make_business,
    make_listing,
    make_member,
    make_public_listing,
    make_published_round,
    make_round,
    make_staff,
)


def meta(body: str, prop: str) -> str | None:
    m = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', body)
    return m.group(1) if m else None


def test_listing_page_has_open_graph_twitter_canonical_and_escaped_json_ld(client, db):
    listing = make_public_listing(
        title='Kue </script><script>alert(1)</script> "Enak"', price=15000
    )
    db.session.commit()
    r = client.get(f"/produk/{listing.id}", follow_redirects=True)
    body = r.get_data(as_text=True)
    url = f"http://localhost/produk/{listing.id}-{slugify(listing.title)}"
    assert f'<link rel="canonical" href="{url}">' in body
    assert meta(body, "og:url") == url and meta(body, "og:type") == "product"
    assert "Rp15.000" in meta(body, "og:title")
    image = meta(body, "og:image")
    assert image and image.startswith("http://localhost/")
    assert (
        meta(body, "twitter:card") == "summary_large_image" and meta(body, "twitter:image") == image
    )
    assert "<script>alert(1)" not in body
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    product = json.loads(data)
    assert product["@type"] == "Product" and product["name"] == listing.title
    assert product["offers"]["price"] == 15000 and product["offers"]["priceCurrency"] == "IDR"


def test_og_image_is_the_jpeg_under_300_kb_else_a_smaller_webp(app, db):
    from marketplace.media.models import ImageVariant

    listing = make_public_listing()
    image = listing.cover.image
    image.variants.append(
        ImageVariant(
            name="ig1080",
            backend="local",
            key="x/ig.jpg",
            content_type="image/jpeg",
            size=200_000,
            checksum="0" * 64,
            width=1080,
            height=810,
        )
    )
    db.session.flush()
    with app.test_request_context("/"):
        og = og_image(listing)
        assert og.content_type == "image/jpeg" and og.width == 1080
        assert og.url.startswith("http://localhost/")
        image.variant("ig1080").size = 400_000
        og = og_image(listing)
        assert og.content_type == "image/webp" and og.width == 640


def test_every_public_page_has_social_tags(client, db):
    listing = make_public_listing()
    db.session.commit()
    for url in (
        "/",
        "/katalog",
        "/katalog?kategori=makanan",
        f"/usaha/{listing.business_id}",
        f"/komunitas/{listing.community.slug}",
        f"/edisi/{listing.round.edition}",
    ):
        body = client.get(url).get_data(as_text=True)
        assert meta(body, "og:title") and meta(body, "og:url") and meta(body, "twitter:card"), url
        assert '<link rel="canonical" href="http://localhost/' in body, url


def test_share_on_whatsapp_puts_the_url_first(client, db):
    listing = make_public_listing(title="Dodol Betawi", price=25000)
    db.session.commit()
    body = client.get(f"/produk/{listing.id}-dodol-betawi").get_data(as_text=True)
    share = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', body).group(1)
    text = unquote(share.split("text=")[1])
    assert text.startswith(f"http://localhost/produk/{listing.id}-dodol-betawi\n")
    assert "Dodol Betawi" in text and "Rp25.000" in text


def test_whatsapp_redirect_counts_taps_per_day_without_personal_data(client, db, clock):
    listing = make_public_listing()
    db.session.commit()
    url = f"/produk/{listing.id}/whatsapp"
    for _ in range(2):
        r = client.get(url)
        assert r.status_code == 302 and r.headers["Location"].startswith("https://wa.me/")
        assert "Set-Cookie" not in r.headers and r.headers["Cache-Control"] == "no-store"
    client.head(url)  # link checkers and HEAD requests do not count
    client.get(url, headers={"Sec-Purpose": "prefetch"})
    clock.advance(days=1)
    client.get(url)
    rows = db.session.execute(sa.select(WhatsappTap).order_by(WhatsappTap.day)).scalars().all()
    assert [(r.listing_id, r.taps) for r in rows] == [(listing.id, 2), (listing.id, 1)]
    assert set(WhatsappTap.__table__.columns.keys()) == {"listing_id", "day", "taps"}
    assert whatsapp_taps([listing.id]) == {listing.id: 3}


def test_whatsapp_redirect_is_404_for_non_public_listings(client, db):
    draft = make_listing(ListingStatus.SUBMITTED)
    db.session.commit()
    assert client.get(f"/produk/{draft.id}/whatsapp").status_code == 404
    assert client.get("/produk/999999/whatsapp").status_code == 404
    assert db.session.execute(sa.select(sa.func.count()).select_from(WhatsappTap)).scalar() == 0


def test_sitemap_and_robots(client, db):
    listing = make_public_listing(title="Sambal Roa")
    hidden = make_listing(ListingStatus.SUBMITTED, title="Belum Tayang")
    db.session.commit()
    r = client.get("/sitemap.xml")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    body = r.get_data(as_text=True)
    assert f"<loc>http://localhost/produk/{listing.id}-sambal-roa</loc>" in body
    assert f"/produk/{hidden.id}-" not in body
    assert f"<loc>http://localhost/edisi/{listing.round.edition}</loc>" in body
    assert f"<loc>http://localhost/usaha/{listing.business_id}</loc>" in body
    robots = client.get("/robots.txt")
    text = robots.get_data(as_text=True)
    assert robots.mimetype == "text/plain" and "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /produk/*/whatsapp" in text and "Disallow: /portal/" in text


def test_page_cache_serves_anonymous_pages_and_a_decision_invalidates_them(client, db):
    rnd = make_published_round()
    make_public_listing(rnd=rnd, title="Kopi Pertama")
    waiting = make_listing(ListingStatus.SUBMITTED, rnd=rnd, title="Teh Kedua")
    db.session.commit()
    first = client.get("/katalog")
    assert "Teh Kedua" not in first.get_data(as_text=True)
    again = client.get("/katalog")
    assert again.headers.get("ETag") and again.get_data() == first.get_data()
    assert "nonce" not in first.get_data(as_text=True) and "csrf_token" not in first.get_data(
        as_text=True
    )

    transition(waiting, "approve", actor=make_staff(), now=now())
    db.session.commit()
    assert "Teh Kedua" in client.get("/katalog").get_data(as_text=True)
    transition(waiting, "take_down", actor=make_staff(), now=now(), reason="keluhan")
    db.session.commit()
    assert "Teh Kedua" not in client.get("/katalog").get_data(as_text=True)


def test_page_cache_respects_a_scheduled_publication(client, db, clock):
    publishes = now() + timedelta(hours=1)
    rnd = make_round(
        opens_at=publishes - timedelta(days=10),
        closes_at=publishes - timedelta(days=2),
        publishes_at=publishes,
    )
    make_public_listing(title="Sudah Tayang")
    make_listing(ListingStatus.APPROVED, rnd=rnd, title="Tayang Nanti")
    db.session.commit()
    assert "Tayang Nanti" not in client.get("/katalog").get_data(as_text=True)
    assert "Tayang Nanti" not in client.get("/katalog").get_data(as_text=True)  # cached
    clock.set(publishes - timedelta(seconds=1))
    assert "Tayang Nanti" not in client.get("/katalog").get_data(as_text=True)
    clock.set(publishes)  # no write happens at this instant: the cache must know by itself
    assert "Tayang Nanti" in client.get("/katalog").get_data(as_text=True)


def test_logged_in_pages_are_neither_served_from_nor_put_in_the_cache(client, db, app):
    make_public_listing(title="Kopi")
    db.session.commit()
    anon = client.get("/").get_data(as_text=True)
    member = make_member()
    db.session.commit()
    other = app.test_client()
    from tests.conftest import login

    login(other, member)
    mine = other.get("/").get_data(as_text=True)
    assert "csrf_token" in mine and "csrf_token" not in anon  # the logout form
    assert "csrf_token" not in client.get("/").get_data(as_text=True)


def test_drafts_edits_do_not_invalidate_the_cache(app, db):
    from marketplace.catalogue.pagecache import current_generation

    rnd = make_published_round()
    draft = make_listing(ListingStatus.DRAFT, rnd=rnd)
    db.session.commit()
    before = current_generation()
    draft.title = "Judul baru"
    db.session.commit()
    assert current_generation() == before
    make_public_listing(rnd=rnd)
    db.session.commit()
    assert current_generation() > before


def test_html_is_compressed_and_varies_on_encoding(client, db):
    make_public_listing()
    db.session.commit()
    for _ in range(2):  # a miss, then a hit
        r = client.get("/katalog", headers={"Accept-Encoding": "gzip"})
        assert r.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in r.headers["Vary"]
        assert b"<!doctype html>" in gzip.decompress(r.data).lower()
        assert "Content-Security-Policy" in r.headers and "X-Request-Id" in r.headers
    etag = r.headers["ETag"]
    assert (
        client.get(
            "/katalog", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
        ).status_code
        == 304
    )


def test_api_errors_are_json(client, db):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = client.post("/api/v1/listings", csrf=False)
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"


def test_api_filters_and_sorts(client, db):
    rnd = make_published_round()
    make_public_listing(rnd=rnd, title="A", price=3000, business=make_business(name="Usaha A"))
    make_public_listing(rnd=rnd, title="B", price=1000, business=make_business(name="Usaha B"))
    db.session.commit()
    data = client.get("/api/v1/listings?sort=cheapest").get_json()
    assert [i["title"] for i in data["items"]] == ["B", "A"]
    data = client.get("/api/v1/listings?min_price=2000").get_json()
    assert [i["title"] for i in data["items"]] == ["A"]
