"""An expired CSRF token on a long form (#18): the re-render answers what the view would
(our 404 for another community's or a missing listing or business, and for staff on a
portal form), never a 500, and says that the photos chosen in the refused post must be
chosen again."""

import io

import pytest

from marketplace.listings.models import Listing
from tests.builders import jpeg_bytes, make_business, make_listing, make_member, make_round
from tests.security.test_headers import _expired_token


@pytest.fixture
def other_community(db):
    member = make_member()
    business = make_business(community=member.community, name="Warung Lain")
    listing = make_listing(business=business, rnd=make_round())
    db.session.commit()
    return business, listing


@pytest.mark.parametrize(
    "path",
    [
        "/portal/produk/{listing}/ubah",
        "/portal/produk/999999/ubah",
        "/portal/usaha/{business}",
        "/portal/usaha/999999",
    ],
)
def test_expired_token_on_what_is_not_yours_is_our_404(
    as_member, other_community, monkeypatch, path
):
    business, listing = other_community
    url = path.format(listing=listing.id, business=business.id)
    r = as_member.post(
        url,
        data={"title": "x", "name": "x", "csrf_token": _expired_token(as_member, monkeypatch)},
        csrf=False,
    )
    assert r.status_code == 404
    assert "Kode permintaan" in r.get_data(as_text=True)
    assert "kedaluwarsa" not in as_member.get("/portal/").get_data(as_text=True)


def test_expired_token_from_staff_on_a_portal_form_is_our_404(as_staff, monkeypatch):
    r = as_staff.post(
        "/portal/produk/baru",
        data={"title": "x", "csrf_token": _expired_token(as_staff, monkeypatch)},
        csrf=False,
    )
    assert r.status_code == 404


def test_expired_token_says_the_chosen_photos_must_be_chosen_again(as_member, db, monkeypatch):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    data = {
        "business_id": str(business.id),
        "title": "Keripik Kentang",
        "category_id": "1",
        "price": "15rb",
        "csrf_token": _expired_token(as_member, monkeypatch),
        "photos": [(io.BytesIO(jpeg_bytes()), "IMG_0001.jpg")],
    }
    r = as_member.post(
        "/portal/produk/baru", data=data, csrf=False, content_type="multipart/form-data"
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and 'value="Keripik Kentang"' in html
    assert "pilih foto itu lagi" in html
    assert db.session.execute(db.select(Listing)).first() is None
    del data["photos"]
    r = as_member.post("/portal/produk/baru", data=data, csrf=False)
    assert "pilih foto itu lagi" not in r.get_data(as_text=True)
