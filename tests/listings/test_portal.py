"""The community portal through the test client: businesses, listings with photos,
submit, edit and resubmit after changes were requested, withdraw, and isolation."""

import io
import re

from marketplace.audit import AuditEvent
from marketplace.listings.models import Business, Listing
from marketplace.listings.models import ListingStatus as S
from marketplace.listings.state import transition
from tests.builders import (
    jpeg_bytes,
    make_business,
    make_listing,
    make_member,
    make_round,
    make_staff,
)


def _business_form(**over):
    data = {
        "name": "Keripik Bu Sri",
        "owner_name": "Sri Wahyuni",
        "district_id": "3",
        "whatsapp": "0812-3456-7890",
        "instagram": "@keripik_bu_sri",
        "story": "Sejak 2019.",
    }
    data.update(over)
    return data


def test_business_phone_stored_as_e164(as_member, db):
    r = as_member.post("/portal/usaha/baru", data=_business_form())
    assert r.status_code == 302
    b = db.session.execute(db.select(Business)).scalar_one()
    assert (b.whatsapp, b.instagram, b.community_id) == (
        "+6281234567890",
        "keripik_bu_sri",
        as_member.user.community_id,
    )


def test_bad_business_input_keeps_what_was_typed(as_member, db):
    r = as_member.post(
        "/portal/usaha/baru", data=_business_form(whatsapp="12345", name="Toko 🌶️ Sambal")
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "bukan nomor Indonesia yang valid" in html
    assert 'value="Toko 🌶️ Sambal"' in html and 'value="12345"' in html
    assert db.session.execute(db.select(Business)).first() is None


def test_a_second_business_of_the_same_name_is_refused(as_member, db):
    """A double tap, or "keripik  bu sri" typed again, must not make two businesses."""
    assert as_member.post("/portal/usaha/baru", data=_business_form()).status_code == 302
    r = as_member.post("/portal/usaha/baru", data=_business_form(name="  keripik  BU sri "))
    assert r.status_code == 400 and "Usaha bernama ini sudah ada" in r.get_data(as_text=True)
    other = as_member.post("/portal/usaha/baru", data=_business_form(name="Kopi Pak Darto"))
    assert other.status_code == 302
    (first, second) = db.session.execute(db.select(Business).order_by(Business.id)).scalars()
    # renaming the second to the first's name is refused too, and changes nothing
    r = as_member.post(
        f"/portal/usaha/{second.id}/ubah", data=_business_form(name="KERIPIK BU SRI")
    )
    assert r.status_code == 400
    db.session.refresh(second)
    assert second.name == "Kopi Pak Darto"
    # keeping its own name is no clash
    r = as_member.post(
        f"/portal/usaha/{second.id}/ubah", data=_business_form(name="Kopi Pak Darto")
    )
    assert r.status_code == 302


def _listing_form(business_id, **over):
    data = {
        "business_id": str(business_id),
        "title": "Keripik Singkong Balado",
        "category_id": "1",
        "price": "15rb",
        "unit": "pack",
        "description": "Renyah.\nPedas manis.",
        "action": "submit",
    }
    data.update(over)
    return data


def _photo(data=None, name="foto.jpg"):
    return (io.BytesIO(data or jpeg_bytes()), name)


def test_new_listing_with_photo_is_submitted(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    data = _listing_form(business.id)
    data["photos"] = [_photo(), _photo(jpeg_bytes(900, 1200, (10, 80, 200)), "IMG_0001.JPG")]
    r = as_member.post("/portal/produk/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)
    listing = db.session.execute(db.select(Listing)).scalar_one()
    assert (listing.status, listing.price, listing.unit) == (S.SUBMITTED, 15000, "pack")
    assert listing.description == "Renyah.\nPedas manis."
    assert (
        len(listing.photos) == 2 and listing.photos[1].image.height > listing.photos[1].image.width
    )
    page = as_member.get(r.headers["Location"]).get_data(as_text=True)
    assert "Menunggu moderasi" in page and "Rp15.000" in page


def test_refused_photo_keeps_the_form_and_the_good_photo(as_member, db, app):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    data = _listing_form(business.id, title="Sambal Cumi 🌶️")
    data["photos"] = [_photo(), _photo(jpeg_bytes(64, 64), "kecil.jpg")]
    r = as_member.post("/portal/produk/baru", data=data, content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "kecil.jpg" in html
    assert 'value="Sambal Cumi 🌶️"' in html and 'value="15rb"' in html
    assert db.session.execute(db.select(Listing)).first() is None
    pending = (
        re.search(r'name="photo_order" id="photo-order" value="([\d,]*)"', html).group(1).split(",")
    )
    assert len(pending) == 1
    # the next try sends only the form: the accepted photo comes along
    data = _listing_form(business.id, title="Sambal Cumi 🌶️", pending_image=pending[0])
    r = as_member.post("/portal/produk/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    listing = db.session.execute(db.select(Listing)).scalar_one()
    assert [p.image_id for p in listing.photos] == [int(pending[0])]
    refusal = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "upload.rejected")
    ).scalar_one()
    assert refusal.actor_id == as_member.user.id


def test_photos_from_another_user_cannot_be_attached(as_member, db, clock):
    from marketplace.media.services import save_upload

    stranger = make_member()
    foreign = save_upload(jpeg_bytes(), uploaded_by=stranger, now=clock())
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    r = as_member.post(
        "/portal/produk/baru",
        data=_listing_form(business.id, pending_image=str(foreign.id)),
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert db.session.execute(db.select(Listing)).first() is None


def test_edit_and_resubmit_after_changes_requested(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    listing = make_listing(S.SUBMITTED, business=business)
    transition(
        listing,
        "request_changes",
        actor=make_staff(),
        now=clock(),
        reason="Harga belum dicantumkan",
    )
    db.session.commit()
    page = as_member.get(f"/portal/produk/{listing.id}").get_data(as_text=True)
    assert "Harga belum dicantumkan" in page and "Perlu perbaikan" in page
    keep = str(listing.photos[0].image_id)
    r = as_member.post(
        f"/portal/produk/{listing.id}/ubah",
        data=_listing_form(business.id, price="Rp 20.000", keep_photo=keep),
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    db.session.refresh(listing)
    assert (listing.status, listing.price) == (S.SUBMITTED, 20000)
    actions = [
        e.action
        for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()
    ]
    assert actions[-2:] == ["listing.update", "listing.resubmit"]


def test_approved_listing_is_frozen(as_member, db):
    listing = make_listing(S.APPROVED, business=make_business(community=as_member.user.community))
    db.session.commit()
    r = as_member.post(
        f"/portal/produk/{listing.id}/ubah",
        data=_listing_form(listing.business_id, title="Baru"),
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    db.session.refresh(listing)
    assert listing.title == "Keripik Singkong Balado"


def test_withdraw(as_member, db):
    listing = make_listing(S.SUBMITTED, business=make_business(community=as_member.user.community))
    db.session.commit()
    r = as_member.post(f"/portal/produk/{listing.id}/tarik")
    assert r.status_code == 302
    db.session.refresh(listing)
    assert listing.status == S.WITHDRAWN


def test_post_without_csrf_changes_nothing(as_member, db):
    listing = make_listing(S.SUBMITTED, business=make_business(community=as_member.user.community))
    db.session.commit()
    r = as_member.post(f"/portal/produk/{listing.id}/tarik", csrf=False)
    assert r.status_code == 400
    db.session.refresh(listing)
    assert listing.status == S.SUBMITTED


def test_another_community_gets_404(as_member, db):
    other = make_listing(S.DRAFT)
    other_business = other.business
    db.session.commit()
    for url in (
        f"/portal/produk/{other.id}",
        f"/portal/produk/{other.id}/ubah",
        f"/portal/usaha/{other_business.id}/ubah",
    ):
        assert as_member.get(url).status_code == 404
    assert as_member.post(f"/portal/produk/{other.id}/tarik").status_code == 404
    assert as_member.post(f"/portal/produk/{other.id}/ajukan").status_code == 404
    db.session.refresh(other)
    assert other.status == S.DRAFT


def test_dashboard_shows_round_deadline_quota_and_reason(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    rnd = make_round(quota=5)
    make_listing(S.SUBMITTED, business=business, rnd=rnd)
    db.session.commit()
    html = as_member.get("/portal/").get_data(as_text=True)
    assert rnd.title in html and "WIB" in html
    assert "1 / 5" in html
    assert "Sisa waktu" in html


def test_racing_double_tap_creates_one_listing(as_member, db, app):
    """Both taps passed the form-key check before either committed: the unique key lets one
    win and the other lands on the winner's page."""
    from unittest import mock

    from marketplace.listings import listings as services

    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    page = as_member.get("/portal/produk/baru").get_data(as_text=True)
    form_key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    data = _listing_form(business.id, form_key=form_key)
    data["photos"] = [_photo()]
    first = as_member.post("/portal/produk/baru", data=data, content_type="multipart/form-data")
    assert first.status_code == 302
    with mock.patch.object(
        services,
        "listing_for_form_key",
        side_effect=[None, db.session.execute(db.select(Listing)).scalar_one()],
    ):
        data = _listing_form(business.id, form_key=form_key)
        data["photos"] = [_photo()]
        second = as_member.post(
            "/portal/produk/baru", data=data, content_type="multipart/form-data"
        )
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert db.session.execute(db.select(db.func.count(Listing.id))).scalar_one() == 1


def test_withdraw_asks_first_and_a_withdrawn_listing_can_start_over(as_member, db):
    listing = make_listing(S.SUBMITTED, business=make_business(community=as_member.user.community))
    db.session.commit()
    detail = as_member.get(f"/portal/produk/{listing.id}").get_data(as_text=True)
    assert (
        f'href="/portal/produk/{listing.id}/tarik"' in detail
    )  # a link to the confirmation, not a POST
    page = as_member.get(f"/portal/produk/{listing.id}/tarik").get_data(as_text=True)
    assert "tidak dapat dibatalkan" in page
    db.session.refresh(listing)
    assert listing.status == S.SUBMITTED
    as_member.post(f"/portal/produk/{listing.id}/tarik")
    db.session.refresh(listing)
    assert listing.status == S.WITHDRAWN
    # its round is still open: it can be copied into it to start over
    r = as_member.post(f"/portal/produk/{listing.id}/salin")
    assert r.status_code == 302
    copy = db.session.execute(
        db.select(Listing).where(Listing.copied_from_id == listing.id)
    ).scalar_one()
    assert (copy.round_id, copy.status) == (listing.round_id, S.DRAFT)


def test_shop_links_must_point_at_the_marketplace(as_member, db):
    r = as_member.post(
        "/portal/usaha/baru",
        data=_business_form(
            shopee_url="https://evil.example/shopee.co.id", tokopedia_url="javascript:alert(1)"
        ),
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "shopee.co.id" in html and "tokopedia.com" in html
    r = as_member.post(
        "/portal/usaha/baru",
        data=_business_form(
            shopee_url="shopee.co.id/toko_bu_sri", tokopedia_url="http://www.tokopedia.com/bu-sri"
        ),
    )
    assert r.status_code == 302
    b = db.session.execute(db.select(Business)).scalar_one()
    assert (b.shopee_url, b.tokopedia_url) == (
        "https://shopee.co.id/toko_bu_sri",
        "https://www.tokopedia.com/bu-sri",
    )


def test_business_changes_are_audited_old_to_new(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    db.session.commit()
    as_member.post("/masuk/ulang", data={"password": "kata sandi rahasia"})
    data = _business_form(
        name="Keripik Bu Sri", whatsapp="0899-9999-0000", password="kata sandi rahasia"
    )
    r = as_member.post(f"/portal/usaha/{business.id}/ubah", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "business.update")
    ).scalar_one()
    assert event.details["changes"]["whatsapp"] == ["+6281234567890", "+6289999990000"]
