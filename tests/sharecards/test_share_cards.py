"""Share cards (#16 item 5): every public page's og:image is a generated 1200×630 JPEG of
at most 300 KB, cached by content, kept in media storage (not swept), served with cache
headers; descriptions say what is there."""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

from PIL import Image

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.listings.state import transition
from marketplace.media.services import save_upload
from marketplace.media.storage import get_storage
from marketplace.media.sweep import sweep_storage
from marketplace.sharecards.store import PREFIX
from tests.builders import (
    make_business,
    make_community,
    make_public_listing,
    make_published_round,
    make_staff,
    with_real_photos,
)

REAL = os.path.join(os.path.dirname(__file__), "..", "fixtures", "images", "real")


def meta(html: str, prop: str) -> str | None:
    m = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return m.group(1) if m else None


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _world():
    rnd = make_published_round()
    business = make_business(make_community(district_slug="pamulang"))
    listings = [
        with_real_photos(
            make_public_listing(rnd=rnd, business=business, title=f"Keripik {n}"),
            os.path.join(REAL, name),
        )
        for n, name in enumerate(
            ["landscape_orientation_1.jpg", "portrait_orientation_2.jpg", "phone_8mp.jpg"]
        )
    ]
    db.session.commit()
    return rnd, business, listings


def _pages(rnd, business):
    return [
        "/katalog",
        "/katalog?kategori=makanan",
        "/katalog?kecamatan=pamulang",
        "/katalog?kategori=makanan&kecamatan=pamulang",
        f"/katalog?komunitas={business.community.slug}",
        f"/komunitas/{business.community.slug}",
        f"/usaha/{business.id}",
        f"/edisi/{rnd.edition}",
    ]


def test_every_public_page_has_a_1200x630_card_under_300_kb(client):
    rnd, business, _ = _world()
    seen = set()
    for page in _pages(rnd, business):
        html = client.get(page).get_data(as_text=True)
        image = meta(html, "og:image")
        assert image and "/kartu/" in image and "?" in image, page
        assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
        assert meta(html, "og:image:type") == "image/jpeg"
        r = client.get(local(image.replace("&amp;", "&")))
        assert r.status_code == 200 and r.mimetype == "image/jpeg", page
        assert len(r.data) <= 300 * 1024, page
        assert (
            "immutable" in r.headers["Cache-Control"]
            and "max-age=31536000" in r.headers["Cache-Control"]
        )
        card = Image.open(io.BytesIO(r.data))
        assert card.format == "JPEG" and card.size == (1200, 630), page
        assert not card.info.get("exif")
        seen.add(image)
    assert len(seen) == len(_pages(rnd, business))  # each page its own card


def test_descriptions_say_what_is_there(client):
    rnd, business, _ = _world()
    html = client.get("/katalog?kategori=makanan&kecamatan=pamulang").get_data(as_text=True)
    assert meta(html, "og:description") == "3 produk makanan dari Pamulang"
    html = client.get(f"/usaha/{business.id}").get_data(as_text=True)
    assert meta(html, "og:description").startswith(f"3 produk dari {business.name}, Pamulang. ")
    html = client.get(f"/komunitas/{business.community.slug}").get_data(as_text=True)
    assert meta(html, "og:description").startswith(f"3 produk dari {business.community.name}, ")
    html = client.get(f"/edisi/{rnd.edition}").get_data(as_text=True)
    assert meta(html, "og:description").startswith(f"{rnd.title}: 3 produk UMKM Tangerang")


def test_cards_are_cached_by_content_and_kept_from_the_sweep(app, client):
    rnd, business, listings = _world()
    page = f"/usaha/{business.id}"
    first = meta(client.get(page).get_data(as_text=True), "og:image")
    client.get(local(first))
    storage = get_storage()
    stored = [o.key for o in storage.list() if o.key.startswith(PREFIX)]
    assert len(stored) == 1
    again = client.get(local(first))  # read back, not drawn again
    assert again.data == storage.open(stored[0])
    etag = again.headers["ETag"]
    assert client.get(local(first), headers={"If-None-Match": etag}).status_code == 304
    # the sweep (even with no grace) leaves generated cards alone
    report = sweep_storage(now() + timedelta(days=30), grace=timedelta(0))
    assert stored[0] not in report.objects_deleted and storage.exists(stored[0])
    # a take-down changes what the page shows: a new card URL; the old one leads to it
    transition(listings[-1], "take_down", actor=make_staff(), now=now(), reason="keluhan")
    db.session.commit()
    second = meta(client.get(page).get_data(as_text=True), "og:image")
    assert second != first
    stale = client.get(local(first))
    assert stale.status_code == 302 and local(stale.headers["Location"]) == local(second)
    assert stale.headers["Cache-Control"] == "no-cache"
    assert client.get(local(second)).status_code == 200


def test_card_urls_without_a_public_page_are_404(client):
    rnd, business, _ = _world()
    for url in (
        "/kartu/usaha/999999.jpg",
        "/kartu/komunitas/tidak-ada.jpg",
        "/kartu/edisi/999.jpg",
        "/kartu/katalog.jpg?kategori=tidak-ada",
        "/kartu/katalog.jpg?kategori=minuman",  # a real category with nothing in it
        f"/kartu/usaha/{business.id}.jpg?bahasa=xx",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/kartu/usaha/{business.id}.jpg").status_code == 302  # no key: current


def test_an_english_page_gets_an_english_card(client):
    rnd, business, _ = _world()
    client.get("/bahasa/en_ID")
    html = client.get(f"/usaha/{business.id}").get_data(as_text=True)
    image = meta(html, "og:image")
    assert "bahasa=en_ID" in image
    assert meta(html, "og:description").startswith(f"3 products from {business.name}")
    assert client.get(local(image.replace("&amp;", "&"))).status_code == 200


def test_four_noisy_photos_still_fit_300_kb(client):
    rnd = make_published_round()
    business = make_business()
    for n in range(4):
        noise = Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3))
        buf = io.BytesIO()
        noise.save(buf, "JPEG", quality=95)
        listing = make_public_listing(rnd=rnd, business=business, title=f"Batik {n}")
        listing.photos[0].image = save_upload(buf.getvalue(), now=now())
    db.session.commit()
    image = meta(client.get(f"/usaha/{business.id}").get_data(as_text=True), "og:image")
    r = client.get(local(image))
    assert r.status_code == 200 and len(r.data) <= 300 * 1024
    assert Image.open(io.BytesIO(r.data)).size == (1200, 630)
