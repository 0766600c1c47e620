"""The whole loop through the test client: a community signs up, staff verify it, a
member uploads a listing with the iPhone HEIC photo, a moderator approves it, the admin
publishes the round, and a shopper finds it and opens its WhatsApp link."""

import io
import re
from urllib.parse import parse_qs, urlsplit

from PIL import Image as PILImage

from marketplace.auth.models import Community
from marketplace.listings.models import Listing, ListingStatus
from marketplace.media.storage import get_storage
from tests.builders import make_round, make_staff
from tests.conftest import FIXTURES, login


def test_sign_up_to_whatsapp(app, db, clock):
    from marketplace.auth.models import Role

    rnd = make_round(quota=5)
    moderator, admin = make_staff(), make_staff(Role.ADMIN)
    db.session.commit()
    community_client, staff, admin_client, shopper = (app.test_client() for _ in range(4))

    # 1. a community signs up (pending)
    r = community_client.post(
        "/daftar",
        data={
            "community_name": "UMKM Serpong Maju",
            "district_id": "5",
            "description": "",
            "instagram": "",
            "contact_name": "Ibu Ani",
            "contact_phone": "0813 1111 2222",
            "email": "ani@contoh.id",
            "password": "kopi pagi cerah sekali",
        },
    )
    assert r.status_code == 302
    community = db.session.execute(db.select(Community)).scalar_one()

    # 2. a moderator verifies it
    login(staff, moderator)
    r = staff.post(f"/staff/komunitas/{community.id}/verifikasi", data={"note": ""})
    assert r.status_code == 302
    db.session.refresh(community)
    assert community.is_verified

    # 3. the member adds a business and a listing with the iPhone HEIC photo, and submits
    r = community_client.post(
        "/portal/usaha/baru",
        data={
            "name": "Kue Ani",
            "owner_name": "Ani",
            "district_id": "5",
            "whatsapp": "+62 813-1111-2222",
        },
    )
    assert r.status_code == 302
    business_id = re.search(
        r"/usaha/(\d+)/ubah", community_client.get("/portal/usaha").get_data(as_text=True)
    ).group(1)
    heic = (FIXTURES / "images/real/iphone.heic").read_bytes()
    r = community_client.post(
        "/portal/produk/baru",
        content_type="multipart/form-data",
        data={
            "business_id": business_id,
            "title": "Bolu Pandan Ani",
            "category_id": "1",
            "price": "45rb",
            "unit": "box",
            "description": "Bolu pandan lembut.",
            "action": "submit",
            "photos": [(io.BytesIO(heic), "IMG_1234.HEIC")],
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    listing = db.session.execute(db.select(Listing)).scalar_one()
    assert listing.status == ListingStatus.SUBMITTED

    # not public yet
    assert shopper.get(f"/produk/{listing.id}").status_code == 404

    # 4. the moderator approves the version they saw
    review = staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    assert "Bolu Pandan Ani" in review
    r = staff.post(
        f"/staff/moderasi/produk/{listing.id}/keputusan",
        data={"action": "approve", "version": str(listing.version), "reason_id": "0"},
    )
    assert r.status_code == 302
    db.session.refresh(listing)
    assert listing.status == ListingStatus.APPROVED
    assert shopper.get(f"/produk/{listing.id}").status_code == 404  # round not published yet

    # 5. the admin publishes the round now (after the confirmation page)
    login(admin_client, admin)
    assert admin_client.get(f"/staff/rounds/{rnd.id}/tayangkan").status_code == 200
    r = admin_client.post(f"/staff/rounds/{rnd.id}/tayangkan")
    assert r.status_code == 302
    clock.advance(seconds=1)

    # 6. a shopper finds it in the catalogue and opens its WhatsApp link
    results = shopper.get("/katalog?q=pandan").get_data(as_text=True)
    assert f"/produk/{listing.id}-bolu-pandan-ani" in results
    page = shopper.get(f"/produk/{listing.id}", follow_redirects=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rp45.000" in html
    button = re.search(r'href="(/produk/\d+/whatsapp)"', html).group(1)
    r = shopper.get(button)  # our counting redirect, then wa.me
    assert r.status_code in (302, 303)
    parts = urlsplit(r.headers["Location"])
    assert parts.netloc == "wa.me"
    assert parts.path == "/6281311112222"
    text = parse_qs(parts.query)["text"][0]
    assert "Bolu Pandan Ani" in text and f"/produk/{listing.id}" in text

    # the served photo is upright (portrait) and carries no EXIF
    variant = listing.photos[0].image.variant("w640")
    served = PILImage.open(io.BytesIO(get_storage().open(variant.key)))
    assert served.height > served.width
    assert not served.getexif()
