"""End-to-end journeys in headless Chromium on a 360×780 phone screen (the moderator on a
1280×800 desktop), against the real app on 127.0.0.1 with its own database and clock.

Screenshots of every page land in test-artifacts/e2e/<test>/; axe-core runs on each.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from marketplace.listings.models import Listing
from tests.builders import (
    PASSWORD,
    make_business,
    make_community,
    make_listing,
    make_member,
    make_public_listing,
    make_round,
    make_staff,
    with_real_photos,
)
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

IMAGES = FIXTURES / "images"
HEIC = IMAGES / "real" / "iphone.heic"
PORTRAIT = IMAGES / "real" / "portrait_orientation_6.jpg"
TINY = IMAGES / "synthetic" / "tiny_64px.jpg"


def log_in(tab, email: str, password: str = PASSWORD) -> None:
    tab.goto("/masuk", "login")
    tab.page.get_by_label("E-mail").fill(email)
    tab.page.get_by_label("Kata sandi").fill(password)
    tab.go(tab.page.get_by_role("button", name="Masuk").click)


def test_listing_from_sign_up_to_shopper(server, journeys):
    with server.seed():
        moderator = make_staff()
        rnd = make_round(quota=5, name="Edisi 14")
        # Another community's public listing elsewhere, so the district filter has work to do.
        other = make_business(make_community("UMKM Pamulang Jaya"), name="Keripik Bu Sri")
        with_real_photos(make_public_listing(business=other, title="Keripik Singkong Balado"))
        moderator_email, publishes_at = moderator.email, rnd.publishes_at

    # 1. A community signs up, on a phone.
    member = journeys("anggota")
    page = member.page
    member.goto("/", "beranda")
    member.go(page.get_by_role("link", name="Daftarkan komunitas UMKM").click, "daftar")
    page.get_by_label("Nama komunitas").fill("UMKM Serpong Maju")
    page.get_by_label("Kecamatan").select_option(label="Serpong")
    page.get_by_label("Nama Anda (koordinator)").fill("Ibu Ani")
    page.get_by_label("Nomor WhatsApp Anda").fill("0813-1111-2222")
    page.get_by_label("E-mail").fill("ani@contoh.id")
    page.get_by_label("Kata sandi").fill("kopi susu gula aren tujuh")
    member.go(page.get_by_role("button", name="Daftar").click)
    page.wait_for_url("**/portal/")
    member.seen("portal-menunggu-verifikasi")
    assert "menunggu verifikasi" in page.content()

    # 2. A moderator verifies it, on a desktop.
    staff = journeys("moderator", desktop=True)
    log_in(staff, moderator_email)
    staff.seen("staf-ringkasan")
    staff.go(staff.page.get_by_role("link", name="Periksa komunitas").click, "staf-komunitas")
    staff.go(
        staff.page.get_by_role("link", name="UMKM Serpong Maju").click, "staf-komunitas-detail"
    )
    staff.go(
        staff.page.get_by_role("button", name="Verifikasi komunitas").click,
        "staf-komunitas-terverifikasi",
    )
    assert (
        "Terverifikasi" in staff.page.inner_text("h1")
        or "terverifikasi" in staff.page.inner_text("h1").lower()
    )

    # 3. The member adds a business, then a listing with three photos.
    member.goto("/portal/", "portal")
    member.go(page.get_by_role("link", name="Tambah produk").click, "usaha-baru")
    page.get_by_label("Nama usaha").fill("Kue Ani")
    page.get_by_label("WhatsApp").fill("0813-1111-2222")
    member.go(page.get_by_role("button", name="Simpan").click)
    page.wait_for_url("**/portal/produk/baru")
    member.seen("produk-baru")
    title = "Keripik Pisang Cokelat Ani"
    description = "Keripik pisang kepok dengan lapisan cokelat.\nIsi 250 gram, tahan 1 bulan."
    page.get_by_label("Nama produk").fill(title)
    page.get_by_label("Kategori").select_option(label="Makanan")
    page.get_by_label("Harga").fill("25rb")
    page.get_by_label("Deskripsi").fill(description)
    page.locator("input[type=file][name=photos]").set_input_files([HEIC, PORTRAIT, TINY])
    member.go(page.get_by_role("button", name="Simpan dan ajukan").click, "produk-foto-ditolak")
    # the too-small photo is refused by name; everything else is kept
    errors = page.locator("fieldset.photos .error").all_inner_texts()
    assert len(errors) == 1 and "tiny_64px.jpg" in errors[0], errors
    assert page.get_by_label("Nama produk").input_value() == title
    assert page.get_by_label("Deskripsi").input_value() == description
    assert page.get_by_label("Harga").input_value() == "25rb"
    assert page.get_by_label("Kategori").locator("option:checked").inner_text() == "Makanan"
    kept = page.locator("fieldset.photos img")
    assert kept.count() == 2, "the two accepted photos are not kept as thumbnails"
    for img in kept.all():
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), (
            "a kept photo's thumbnail is broken"
        )
    member.go(page.get_by_role("button", name="Simpan dan ajukan").click)
    page.wait_for_url(re.compile(r"/portal/produk/\d+$"))
    member.seen("produk-diajukan")
    assert "diajukan" in page.locator(".flash").inner_text()
    listing_path = urlsplit(page.url).path
    listing_id = int(listing_path.rsplit("/", 1)[1])
    assert page.locator("ul.thumbs img").count() == 2

    # 4. The moderator requests changes with a preset reason.
    staff.goto("/staff/", "staf-ringkasan-antrean")
    staff.go(staff.page.get_by_role("link", name="Buka antrean").first.click, "staf-antrean")
    staff.go(staff.page.get_by_role("link", name=title).first.click, "staf-tinjau")
    staff.page.get_by_label("Minta perbaikan").check()
    reasons = staff.page.get_by_label("Alasan", exact=True)  # numbered for the keys 1–9
    reasons.select_option(
        reasons.locator("option", has_text="Deskripsi kurang lengkap").get_attribute("value")
    )
    staff.page.get_by_label("Catatan untuk komunitas").fill("Sebutkan bahan cokelatnya.")
    staff.go(
        staff.page.get_by_role("button", name="Simpan", exact=True).click, "staf-minta-perbaikan"
    )

    # 5. The member sees the reason, fixes the listing and resubmits.
    member.goto("/portal/", "portal-alasan")
    assert "Deskripsi kurang lengkap" in page.locator(".listing-rows").inner_text()
    member.go(page.get_by_role("link", name=title).click, "produk-perlu-perbaikan")
    assert "Sebutkan bahan cokelatnya." in page.locator(".reason").inner_text()
    member.go(page.get_by_role("link", name="Ubah").click, "produk-ubah")
    page.get_by_label("Deskripsi").fill(description + "\nCokelat susu asli, tanpa pengawet.")
    member.go(page.get_by_role("button", name="Simpan dan ajukan").click)
    page.wait_for_url(re.compile(r"/portal/produk/\d+$"))
    member.seen("produk-diajukan-ulang")

    # 6. The moderator approves.
    staff.goto(f"/staff/moderasi/produk/{listing_id}", "staf-tinjau-ulang")
    staff.page.get_by_label("Setujui").check()
    staff.go(staff.page.get_by_role("button", name="Simpan", exact=True).click, "staf-disetujui")
    with server.seed() as db:
        assert db.session.get(Listing, listing_id).status.value == "approved"

    # 7. The round's publication time passes: not public a minute before, public a minute after.
    shopper = journeys("pembeli")
    spage = shopper.page
    server.clock.set(publishes_at - timedelta(minutes=1))
    assert spage.request.get(server.url + f"/produk/{listing_id}").status == 404
    server.clock.set(publishes_at + timedelta(minutes=1))

    # 8. A shopper searches with a misspelt word, filters by district, opens the listing.
    shopper.goto("/", "beranda-tayang")
    search = spage.get_by_role("search").first.get_by_role("searchbox")
    search.fill("kripik")
    shopper.go(lambda: search.press("Enter"), "cari-salah-ketik")
    cards = spage.locator("main").get_by_role("link", name=title)
    if cards.count() == 0:  # no direct hit: follow the "did you mean" / prefix suggestion
        suggestion = (
            spage.locator("main a[href*='q=']").filter(has_text=re.compile("keripik", re.I)).first
        )
        assert suggestion.count(), "neither results nor a suggestion for a misspelt word"
        shopper.go(suggestion.click, "cari-saran")
    assert spage.locator("main").get_by_role("link", name="Keripik Singkong Balado").count()
    spage.locator("summary", has_text="Filter").click()  # phones: the filters are folded (#17)
    spage.get_by_label("Kecamatan").select_option(label="Serpong")
    shopper.go(spage.get_by_role("button", name="Tampilkan").click, "cari-kecamatan")
    assert "kecamatan=serpong" in spage.url
    main = spage.locator("main")
    assert main.get_by_role("link", name="Keripik Singkong Balado").count() == 0
    shopper.go(main.get_by_role("link", name=title).first.click, "produk")
    assert title in spage.inner_text("h1")
    assert "Rp25.000" in spage.inner_text(".price")

    # the photos are upright: each displayed image is taller than wide
    photos = spage.locator(".gallery img")
    assert photos.count() == 2
    sizes = []
    for img in photos.all():
        img.scroll_into_view_if_needed()
        spage.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
        sizes.append(img.evaluate("i => [i.naturalWidth, i.naturalHeight]"))
    # both are portrait photos: the iPhone HEIC and the JPEG stored sideways with Orientation=6
    assert all(h > w for w, h in sizes), f"a photo shows sideways: {sizes}"

    # the WhatsApp button: the seller's number and a message naming the product and its URL
    button = spage.get_by_role("link", name=re.compile("WhatsApp"))
    href = urljoin(spage.url, button.first.get_attribute("href"))
    if not href.startswith("https://wa.me/"):  # through our counting redirect
        response = spage.request.get(href, max_redirects=0)
        assert response.status in (302, 303, 307), response.status
        href = response.headers["location"]
    wa = urlsplit(href)
    assert (wa.scheme, wa.netloc, wa.path) == ("https", "wa.me", "/6281311112222")
    message = parse_qs(wa.query)["text"][0]
    assert title in message and f"/produk/{listing_id}" in message


def test_shopper_switches_to_english_and_back(server, journeys):
    with server.seed():
        listing = with_real_photos(make_public_listing(title="Kopi Robusta Setu", price=45000))
        path = f"/produk/{listing.id}"

    shopper = journeys("pembeli")
    page = shopper.page
    shopper.goto(path, "produk-id")
    assert page.get_attribute("html", "lang") == "id"
    assert page.get_by_role("link", name="Katalog", exact=True).count()

    shopper.go(page.get_by_role("link", name="English", exact=True).click, "produk-en")
    assert urlsplit(page.url).path.startswith(path)  # back on the same product
    assert page.get_attribute("html", "lang") == "en"
    nav = page.get_by_role("navigation", name=re.compile("menu", re.I)).first
    assert re.match(r"Catalog", nav.get_by_role("link").first.inner_text()), (
        "the menu is not in English"
    )
    assert "Rp45.000" in page.inner_text(".price")
    # the choice is remembered on the next page
    shopper.go(page.get_by_role("link", name=re.compile(r"^Catalog")).first.click, "katalog-en")
    assert page.get_attribute("html", "lang") == "en"

    shopper.go(page.get_by_role("link", name=re.compile(r"Indonesia")).click, "katalog-id")
    assert page.get_attribute("html", "lang") == "id"
    assert page.get_by_role("link", name="Katalog", exact=True).count()


def test_member_gets_404_for_another_communitys_listing(server, journeys):
    with server.seed():
        ours = make_member()
        theirs = make_listing_for_other_community()
        email, theirs_id = ours.email, theirs.id

    member = journeys("anggota")
    log_in(member, email)
    member.seen("portal")
    for path in (
        f"/portal/produk/{theirs_id}",
        f"/portal/produk/{theirs_id}/ubah",
        f"/produk/{theirs_id}",
    ):
        response = member.goto(path)
        assert response.status == 404, path
        member.seen("404-" + path.strip("/").replace("/", "-"))
        assert "Etalase" in member.page.title()
        assert "Kue Rahasia" not in member.page.content()


def make_listing_for_other_community():
    other = make_business(make_community("UMKM Lain"), name="Dapur Tetangga")
    return make_listing(business=other, title="Kue Rahasia Tetangga")
