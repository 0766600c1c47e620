"""The language switch: Indonesian by default, English after one tap, remembered by a cookie;
the redirect stays on the site; prices stay Rp15.000 and times stay WIB in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.audit import AuditEvent
from marketplace.clock import now
from tests.builders import make_business, make_public_listing, make_published_round, make_round


def switch(client, locale: str, next_: str | None = "/"):
    query = {"next": next_} if next_ is not None else {}
    return client.get(f"/bahasa/{locale}", query_string=query)


def english(client):
    assert switch(client, "en_ID").status_code == 303
    return client


def test_indonesian_by_default_with_a_visible_link_to_english(client):
    body = client.get("/katalog?q=kopi").get_data(as_text=True)
    assert '<html lang="id">' in body and "Katalog produk" in body
    assert 'href="/bahasa/en_ID?next=/katalog?q%3Dkopi"' in body
    assert 'lang="en" hreflang="en">English</a>' in body


def test_switch_sets_a_long_lived_lax_cookie_and_goes_back(client, db):
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    r = switch(client, "en_ID", "/katalog?q=kopi&kecamatan=pamulang")
    assert r.status_code == 303 and r.headers["Location"] == "/katalog?q=kopi&kecamatan=pamulang"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("lang=en_ID;") and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert "Max-Age=31536000" in cookie and "Path=/" in cookie
    assert "no-store" in r.headers["Cache-Control"] and "private" in r.headers["Cache-Control"]
    # a preference, not data: nothing written, no session started
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events
    assert "session=" not in "".join(r.headers.getlist("Set-Cookie"))


def test_choice_is_remembered_until_switched_back(client, app):
    english(client)
    for path in ("/", "/katalog", "/masuk", "/halaman-yang-tidak-ada"):
        body = client.get(path).get_data(as_text=True)
        assert '<html lang="en">' in body, path
        assert 'lang="id" hreflang="id">Bahasa Indonesia</a>' in body, path
    assert "Indonesian" not in app.test_client().get("/").get_data(as_text=True)
    assert '<html lang="id">' in app.test_client().get("/").get_data(as_text=True)
    switch(client, "id")
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "evil.example",
        "",
        "/%5Cevil.example",
        " //evil.example",
    ],
)
def test_next_never_leaves_the_site(client, target):
    r = switch(client, "en_ID", target)
    assert r.status_code == 303 and r.headers["Location"] == "/"


def test_no_next_goes_home_and_an_unknown_language_is_404(client):
    assert switch(client, "en_ID", None).headers["Location"] == "/"
    assert switch(client, "fr").status_code == 404
    assert switch(client, "en").status_code == 404
    assert "Set-Cookie" not in switch(client, "xx").headers


def test_a_forged_cookie_falls_back_to_indonesian(client):
    client.set_cookie("lang", "fr")
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_public_pages_in_english(client, db):
    listing = make_public_listing(title="Keripik Singkong Balado", price=15000)
    db.session.commit()
    english(client)
    home = client.get("/").get_data(as_text=True)
    assert "Search products" in home and "Catalogue" in home and "Log in" in home
    assert "Cari produk" not in home and "Masuk<" not in home
    cat = client.get("/katalog").get_data(as_text=True)
    assert "Product catalogue" in cat and "All categories" in cat and "All districts" in cat
    assert "Rp15.000" in cat
    empty = client.get("/katalog?q=zzzzqqq").get_data(as_text=True)
    assert "No matching products yet" in empty and "Try one of these:" in empty
    page = client.get(f"/produk/{listing.id}-keripik-singkong-balado").get_data(as_text=True)
    assert "Order on WhatsApp" in page and "Rp15.000" in page and "Featured in" in page
    assert "Pesan lewat WhatsApp" not in page
    edition = listing.round.edition
    rnd = client.get(f"/edisi/{edition}").get_data(as_text=True)
    assert f"Edition {edition}" in rnd and "Published since" in rnd
    login = client.get("/masuk").get_data(as_text=True)
    assert "Password" in login and "Remember me on this device" in login
    missing = client.get("/produk/999999")
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)


def test_prices_are_rp15000_in_both_languages(client, db):
    make_public_listing(title="Kopi Robusta", price=1250000)
    db.session.commit()
    assert "Rp1.250.000" in client.get("/katalog").get_data(as_text=True)
    english(client)
    assert "Rp1.250.000" in client.get("/katalog").get_data(as_text=True)


def test_dates_are_wib_in_both_languages(client, db):
    rnd = make_published_round(days_ago=1)  # published 1 Dec 2026, 10.00 WIB
    make_public_listing(rnd=rnd)
    db.session.commit()
    body = client.get(f"/edisi/{rnd.edition}").get_data(as_text=True)
    assert "Tayang sejak 1 Des 2026, 10.00 WIB" in body
    english(client)
    body = client.get(f"/edisi/{rnd.edition}").get_data(as_text=True)
    assert "Published since 1 Dec 2026, 10:00 WIB" in body


def test_portal_in_english_with_deadline_in_wib(as_member, db):
    make_round(closes_at=now() + timedelta(days=3))  # closes 5 Dec 2026, 10.00 WIB
    make_business(as_member.user.community)
    db.session.commit()
    english(as_member)
    body = as_member.get("/portal/").get_data(as_text=True)
    assert "Deadline" in body and "Add a product" in body and "Log out" in body
    assert "5 Dec 2026, 10:00 WIB" in body or "Saturday, 5 December 2026" in body
    assert "Batas pengajuan" not in body
    form = as_member.get("/portal/produk/baru").get_data(as_text=True)
    assert "Product name" in form and "Save as draft" in form


def test_flash_messages_in_english(as_member):
    english(as_member)
    r = as_member.post("/keluar", follow_redirects=True)
    assert "You have logged out." in r.get_data(as_text=True)


def test_staff_pages_in_english(as_staff, as_admin, db):
    make_round()
    db.session.commit()
    english(as_staff)
    body = as_staff.get("/staff/").get_data(as_text=True)
    assert "Staff overview" in body and "Staff menu" in body
    assert "Ringkasan staf" not in body
    english(as_admin)
    rounds = as_admin.get("/staff/rounds/").get_data(as_text=True)
    assert "Promotion rounds" in rounds and "All times in WIB" in rounds and "Open" in rounds


def test_wtforms_messages_follow_the_language(client):
    data = {
        "community_name": "Komunitas Uji",
        "district_id": "zz",
        "name": "Sri",
        "email": "sri@example.id",
        "password": "kata sandi panjang sekali",
        "whatsapp": "0812-3456-7890",
    }
    body = client.post("/daftar", data=data).get_data(as_text=True)
    assert "Pilihan tidak valid." in body and "could not coerce" not in body
    english(client)
    body = client.post("/daftar", data=data).get_data(as_text=True)
    assert '<html lang="en">' in body and "Pilihan tidak valid" not in body


def test_cached_public_pages_vary_on_the_language(app, client):
    """The page cache keeps one copy per language: Indonesian, English, Indonesian again."""
    other = app.test_client()
    assert "Katalog produk" in client.get("/katalog").get_data(as_text=True)
    english(other)
    assert "Product catalogue" in other.get("/katalog").get_data(as_text=True)
    assert "Katalog produk" in app.test_client().get("/katalog").get_data(as_text=True)
    assert "Product catalogue" in other.get("/katalog").get_data(as_text=True)


def test_round_page_in_english_does_not_repeat_the_default_name(client, db):
    rnd = make_published_round()
    rnd.name = f"Edisi {rnd.edition}"
    make_public_listing(rnd=rnd)
    db.session.commit()
    english(client)
    body = client.get(f"/edisi/{rnd.edition}").get_data(as_text=True)
    assert f"<h1>Edition {rnd.edition}</h1>" in body and f"Edisi {rnd.edition}" not in body


def test_instagram_kit_stays_indonesian_for_an_english_reader(as_admin, db):
    """The kit is posted on the agency's Indonesian account: captions never follow the UI."""
    import io
    import zipfile

    rnd = make_published_round()
    make_public_listing(rnd=rnd, title="Keripik Singkong Balado", price=15000)
    db.session.commit()
    english(as_admin)
    page = as_admin.get(f"/staff/instagram/{rnd.id}").get_data(as_text=True)
    assert "Instagram kit" in page and "produk pilihan dari" in page
    assert "products from" not in page
    r = as_admin.get(f"/staff/instagram/{rnd.id}/kit.zip")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        captions = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".txt"))
    assert f"Edisi {rnd.edition}" in captions and "Edition" not in captions


def test_decision_text_for_the_community_stays_indonesian(as_staff, db):
    """A moderator reading in English still sends the community its message in Indonesian."""
    from marketplace.listings.models import ListingStatus
    from marketplace.notifications import Notification
    from tests.builders import make_listing

    listing = make_listing(ListingStatus.SUBMITTED, rnd=make_round())
    db.session.commit()
    english(as_staff)
    r = as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/keputusan",
        data={
            "action": "request_changes",
            "version": "1",
            "reason_id": "0",
            "reason_text": "Foto gelap",
        },
    )
    assert r.status_code in (302, 303)
    note = db.session.execute(sa.select(Notification)).scalar_one()
    assert "perlu perbaikan: Foto gelap" in note.message and "WIB" in note.message
    assert "needs changes" not in note.message
    follow = as_staff.get(r.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in follow
