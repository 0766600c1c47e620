"""A number past BIGINT in a URL, a query string or a form field is our 404 or a form
error, never a 500 (the database driver cannot even bind it)."""

import pytest

from marketplace.auth.models import Role
from tests.builders import make_business, make_listing, make_member, make_round, make_staff
from tests.conftest import login

H = "99999999999999999999999"


@pytest.fixture
def world(app, db):
    member = make_member()
    staff = make_staff(Role.ADMIN)
    rnd = make_round()
    listing = make_listing(business=make_business(community=member.community), rnd=rnd)
    db.session.commit()
    return member, staff, rnd, listing


def test_urls_with_huge_ids_are_404(app, world):
    member, staff, rnd, _listing = world
    c_member, c_staff, anon = app.test_client(), app.test_client(), app.test_client()
    login(c_member, member)
    login(c_staff, staff)
    urls = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "<int:" in rule.rule and "GET" in rule.methods
    ]
    assert len(urls) > 10
    for url in urls:
        path = url
        while "<" in path:
            start = path.index("<")
            path = path[:start] + H + path[path.index(">", start) + 1 :]
        for client in (anon, c_member, c_staff):
            r = client.get(path)
            assert r.status_code in (302, 404), (path, r.status_code)


@pytest.mark.parametrize(
    "url,field",
    [
        ("/portal/produk/baru", "business_id"),
        ("/portal/produk/baru", "category_id"),
        ("/portal/usaha/baru", "district_id"),
    ],
)
def test_huge_ids_in_member_forms_are_form_errors(app, world, url, field):
    member, *_ = world
    client = app.test_client()
    login(client, member)
    data = {
        "name": "Usaha",
        "whatsapp": "081234567890",
        "district_id": "3",
        "business_id": "1",
        "category_id": "1",
        "title": "Keripik",
        "price": "15rb",
        "unit": "pcs",
        field: H,
    }
    r = client.post(url, data=data, content_type="multipart/form-data")
    assert r.status_code == 400


def test_huge_ids_in_signup_and_decisions(app, world, db):
    _member, staff, _rnd, listing = world
    r = app.test_client().post(
        "/daftar",
        data={
            "community_name": "Komunitas",
            "district_id": H,
            "contact_name": "Ani",
            "contact_phone": "081234567890",
            "email": "x@contoh.id",
            "password": "kopi pagi cerah",
        },
    )
    assert r.status_code == 400
    c = app.test_client()
    login(c, staff)
    for query in (f"?komunitas={H}", f"?kecamatan={H}", f"?kategori={H}", f"?page={H}"):
        assert c.get(f"/staff/moderasi/{listing.round_id}{query}").status_code in (200, 400, 404)
    assert c.get(f"/katalog?kategori={H}&harga_min={H}").status_code in (200, 400, 404)
    assert c.get(f"/api/v1/listings?per_page={H}").status_code in (200, 400)
