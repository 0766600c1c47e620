"""The portal as a coordinator sees it on a phone (#17): what "Tambah produk" offers when no
round is open, the business form's kecamatan, the big photo picker and its counter texts, the
login page's sign-up offer, and "Keluar" kept apart from the menu."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from marketplace.clock import now
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus as S
from tests.builders import (
    district,
    jpeg_bytes,
    make_business,
    make_community,
    make_member,
    make_round,
)
from tests.conftest import login


def _next_round_only():
    """No open round; the next one opens in three days."""
    at = now()
    return make_round(at + timedelta(days=3), at + timedelta(days=8))


def test_no_open_round_offers_a_draft_for_the_next_round(as_member, db):
    business = make_business(community=as_member.user.community)
    upcoming = _next_round_only()
    db.session.commit()
    title = upcoming.title
    page = as_member.get("/portal/").get_data(as_text=True)
    assert f"Siapkan draf untuk {title}" in page
    assert ">Tambah produk<" not in page
    form = as_member.get("/portal/produk/baru")
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'id="draft-round"' in html and f"disimpan sebagai draf untuk {title}" in html
    assert 'value="submit"' not in html, "no 'Simpan dan ajukan' while the round is not open"
    r = as_member.post(
        "/portal/produk/baru",
        data={
            "business_id": str(business.id),
            "title": "Keripik Singkong",
            "category_id": "1",
            "price": "15rb",
            "unit": "pack",
            "description": "Renyah.",
            "action": "draft",
            "photos": [(io.BytesIO(jpeg_bytes()), "foto.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    listing = db.session.execute(db.select(Listing)).scalar_one()
    assert (listing.status, listing.round_id) == (S.DRAFT, upcoming.id)
    # its edit form says the same, until the round opens
    edit = as_member.get(f"/portal/produk/{listing.id}/ubah").get_data(as_text=True)
    assert 'id="draft-round"' in edit


def test_open_round_form_offers_submit_and_no_draft_notice(as_member, db):
    make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    page = as_member.get("/portal/").get_data(as_text=True)
    assert ">Tambah produk<" in page and "Siapkan draf" not in page
    html = as_member.get("/portal/produk/baru").get_data(as_text=True)
    assert 'value="submit"' in html and 'id="draft-round"' not in html


def test_nothing_scheduled_hides_the_button_and_says_what_to_do(as_member, db):
    make_business(community=as_member.user.community)
    db.session.commit()
    page = as_member.get("/portal/").get_data(as_text=True)
    assert "/portal/produk/baru" not in page
    assert "lengkapi data usaha" in page


def test_business_form_starts_at_the_communitys_kecamatan(app, client, db):
    member = make_member(make_community(district_slug="serpong"))
    db.session.commit()
    login(client, member)
    html = client.get("/portal/usaha/baru").get_data(as_text=True)
    selected = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', html)
    assert selected, "no kecamatan preselected"
    assert int(selected.group(1) or selected.group(2)) == district("serpong").id


def test_photo_picker_is_one_big_labelled_box(as_member, db):
    make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    html = as_member.get("/portal/produk/baru").get_data(as_text=True)
    picker = re.search(r'<label class="picker"[^>]*>(.*?)</label>', html, re.S)
    assert picker, "the file input is not inside the big label"
    assert "Ambil atau pilih foto" in picker.group(1)
    assert 'type="file"' in picker.group(1) and 'accept="image/*' in picker.group(1)
    assert "capture" not in picker.group(1), "capture would leave out the gallery"
    # the script's text for photos chosen but not sent yet is there, translated
    assert 'data-msg-count-chosen="%(n)s dari 5 foto: %(new)s foto baru terpilih' in html


def test_login_page_offers_sign_up_in_its_own_box(client):
    html = client.get("/masuk").get_data(as_text=True)
    box = re.search(r'<aside class="card signup-card".*?</aside>', html, re.S)
    assert box and 'href="/daftar"' in box.group(0)
    assert html.index("Lupa kata sandi?") < html.index("signup-card")


def test_logout_sits_apart_from_the_menu(as_member):
    html = as_member.get("/portal/").get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', html, re.S).group(1)
    assert "Keluar" not in nav and "/keluar" not in nav
    assert html.count('action="/keluar"') == 2  # the header's (wide screens), the footer's (phones)


def test_terakhir_masuk_is_the_login_before_this_one(app, client, db, clock):
    member = make_member()
    db.session.commit()
    login(client, member)
    assert "Ini pertama kali Anda masuk." in client.get("/portal/").get_data(as_text=True)
    client.post("/keluar")
    clock.advance(days=1, hours=2)
    login(client, member)
    page = client.get("/portal/").get_data(as_text=True)
    # T0 is 03.00 UTC = 10.00 WIB on 2 December; the previous login, not this one, not "–"
    assert "Terakhir masuk sebelum ini: 2 Des 2026, 10.00 WIB" in page


def test_staff_dashboard_shows_the_previous_login_too(as_staff):
    html = as_staff.get("/staff/").get_data(as_text=True)
    assert "Ini pertama kali Anda masuk." in html


def test_a_coordinator_who_just_signed_up_has_a_last_login(app, client, db, clock):
    from marketplace.auth.models import User

    r = client.post(
        "/daftar",
        data={
            "community_name": "UMKM Setu Maju",
            "district_id": str(district("setu").id),
            "contact_name": "Ibu Lina",
            "contact_phone": "0812-3456-7890",
            "email": "lina@contoh.id",
            "password": "rumah makan padang sederhana",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    user = db.session.execute(db.select(User).where(User.email == "lina@contoh.id")).scalar_one()
    assert user.last_login_at == clock()
