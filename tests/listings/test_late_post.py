"""A listing form posted a few seconds after the deadline (#18): nothing typed is lost, the
listing is kept as a draft (of the next round, else of the round it was meant for) and the
message says plainly that the deadline passed, when, and the next round's dates."""

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from marketplace.clock import now
from marketplace.listings.models import Listing, ListingStatus
from tests.builders import jpeg_bytes, make_business, make_round

WIB = ZoneInfo("Asia/Jakarta")


def _post(client, business_id, action="submit"):
    data = {
        "business_id": str(business_id),
        "title": "Kue Lapis Legit",
        "category_id": "1",
        "price": "85rb",
        "unit": "box",
        "description": "Dipanggang 8 jam.",
        "action": action,
        "photos": [(io.BytesIO(jpeg_bytes()), "IMG_1.jpg")],
    }
    return client.post(
        "/portal/produk/baru", data=data, content_type="multipart/form-data", follow_redirects=True
    )


def test_posted_after_the_deadline_with_no_next_round_is_kept_as_a_draft(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    closes = now() + timedelta(hours=2)
    rnd = make_round(closes_at=closes)
    db.session.commit()
    clock.set(closes + timedelta(seconds=4))
    r = _post(as_member, business.id)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    listing = db.session.execute(db.select(Listing)).scalar_one()
    assert (listing.status, listing.round_id, listing.title) == (
        ListingStatus.DRAFT,
        rnd.id,
        "Kue Lapis Legit",
    )
    assert len(listing.photos) == 1 and listing.description == "Dipanggang 8 jam."
    assert f"Batas waktu {rnd.title} sudah lewat" in html
    assert closes.astimezone(WIB).strftime("%H.%M") in html
    assert "belum dijadwalkan" in html
    assert "Belum ada periode promosi" not in html


def test_posted_after_the_deadline_goes_to_the_next_round_with_its_dates(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    closes = now() + timedelta(hours=2)
    rnd = make_round(closes_at=closes)
    upcoming = make_round(opens_at=closes + timedelta(days=10))
    db.session.commit()
    clock.set(closes + timedelta(seconds=4))
    html = _post(as_member, business.id).get_data(as_text=True)
    listing = db.session.execute(db.select(Listing)).scalar_one()
    assert (listing.status, listing.round_id) == (ListingStatus.DRAFT, upcoming.id)
    assert f"Batas waktu {rnd.title} sudah lewat" in html and upcoming.title in html
    opens = upcoming.opens_at.astimezone(WIB)
    assert f"{opens.day} " in html and "ajukan antara" in html


def test_a_draft_saved_for_the_next_round_gets_no_late_notice(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    closes = now() + timedelta(hours=2)
    make_round(closes_at=closes)
    make_round(opens_at=closes + timedelta(days=10))
    db.session.commit()
    clock.set(closes + timedelta(seconds=4))
    html = _post(as_member, business.id, action="draft").get_data(as_text=True)
    assert "sudah lewat" not in html and "tersimpan" in html


def test_a_get_after_the_deadline_with_no_round_still_says_none_is_open(as_member, db, clock):
    make_business(community=as_member.user.community)
    closes = now() + timedelta(hours=2)
    make_round(closes_at=closes)
    db.session.commit()
    clock.set(closes + timedelta(seconds=4))
    r = as_member.get("/portal/produk/baru")
    assert r.status_code == 302
