"""Holes the #18 mutation audit found in the portal tests (item 7): the listing form's
business choice is not validated by the form (validate_choice=False), so only the service
stops community B filing under A's business; photos sent through the form (not just the
storage function) are stored under generated keys; the edit deadline to the second."""

import io
import re
from datetime import timedelta

from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus as S
from marketplace.media.models import ImageVariant
from tests.builders import jpeg_bytes, make_business, make_community, make_listing, make_round

from .test_portal import _listing_form


def test_b_cannot_file_a_listing_under_a_business_of_a(as_member, db):
    make_business(community=as_member.user.community, name="Usaha B sendiri")
    other = make_business(community=make_community(name="Komunitas Lain"), name="Usaha A")
    make_round()
    db.session.commit()
    data = _listing_form(other.id, title="Titipan Liar")
    data["photos"] = [(io.BytesIO(jpeg_bytes()), "foto.jpg")]
    r = as_member.post("/portal/produk/baru", data=data, content_type="multipart/form-data")
    assert r.status_code in (400, 404)
    assert db.session.execute(db.select(Listing)).first() is None
    assert "Titipan Liar" not in (as_member.get("/portal/").get_data(as_text=True))


def test_photos_from_the_form_are_stored_under_generated_keys(as_member, db, app):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    data = _listing_form(business.id)
    data["photos"] = [(io.BytesIO(jpeg_bytes()), "../../a.php%00.jpg")]
    r = as_member.post("/portal/produk/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    keys = db.session.execute(db.select(ImageVariant.key)).scalars().all()
    assert len(keys) == 4
    for key in keys:
        assert "php" not in key and ".." not in key and "a." not in key.split("/")[-1][:2]
        assert re.fullmatch(r"[0-9a-f/]+-?\w*\.(webp|jpg)", key), key


def test_a_submitted_listing_is_editable_until_the_second_before_closes_at(as_member, db, clock):
    """Also: a real edit bumps the version (the stale-decision test set it by hand)."""
    rnd = make_round()
    business = make_business(community=as_member.user.community)
    listing = make_listing(S.SUBMITTED, business=business, rnd=rnd, title="Sebelum")
    db.session.commit()
    url = f"/portal/produk/{listing.id}/ubah"
    keep = str(listing.photos[0].image_id)
    version = listing.version
    clock.set(rnd.closes_at - timedelta(seconds=1))
    data = _listing_form(business.id, title="Diubah tepat waktu", keep_photo=keep)
    assert as_member.post(url, data=data, content_type="multipart/form-data").status_code == 302
    db.session.refresh(listing)
    assert listing.title == "Diubah tepat waktu" and listing.version == version + 1
    clock.set(rnd.closes_at)
    data = _listing_form(business.id, title="Terlambat", keep_photo=keep)
    r = as_member.post(url, data=data, content_type="multipart/form-data")
    assert r.status_code != 500
    db.session.refresh(listing)
    assert listing.title == "Diubah tepat waktu"
