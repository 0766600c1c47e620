"""Badges only from checked, unexpired permits (issue #12, item 1): every public surface
reads ``Business.badges``; communities enter permits on the business form and see when one
needs renewing; the listing form claims nothing on its own."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from marketplace.catalogue.queries import Filters, search_listings
from marketplace.catalogue.sharing import product_data
from marketplace.clock import now
from marketplace.instagram.services import post_caption
from marketplace.listings.models import PermitKind
from marketplace.listings.permits import community_marks, permit_states, valid_permit_clause
from tests.builders import (
    add_permit,
    make_business,
    make_public_listing,
    make_published_round,
    make_staff,
)

HALAL_NO = "ID31110000123"


def _surfaces(client, listing) -> dict[str, bool]:
    """Does each public surface show a halal mark for ``listing``?"""
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    (data,) = [d for d in map(json.loads, blocks) if d["@type"] == "Product"]
    card_page = client.get("/katalog").get_data(as_text=True)
    detail = client.get(f"/api/v1/listings/{listing.id}").get_json()
    item = detail.get("listing", detail)
    return {
        "listing page": 'class="badge badge-ok">Halal<' in page,
        "business block": "Halal terverifikasi" in page,
        "card": 'class="badge badge-ok">Halal<' in card_page,
        "json-ld": any(c["name"] == "Halal" for c in data.get("hasCertification", [])),
        "api": item["halal"] is True,
        "kit": "✓ Halal" in post_caption(listing.round, [listing], part=1, parts=1),
        "filter": [x.id for x in search_listings(now(), filters=Filters(halal=True)).items]
        == [listing.id],
    }


def test_no_public_surface_shows_a_badge_without_a_checked_unexpired_permit(app, db, client, clock):
    app.config["PAGE_CACHE"] = False
    listing = make_public_listing(rnd=make_published_round(), title="Keripik Balado")
    permit = add_permit(listing.business, "halal", HALAL_NO)  # entered, not checked
    db.session.commit()
    assert not any(_surfaces(client, listing).values())

    permit.checked_at, permit.checked_by_id = now(), make_staff().id
    permit.expires_on = (clock() + timedelta(days=3)).date()
    db.session.commit()
    shown = _surfaces(client, listing)
    assert all(shown.values()), shown
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert HALAL_NO not in page
    assert HALAL_NO not in json.dumps(client.get(f"/api/v1/listings/{listing.id}").get_json())

    clock.advance(days=5)  # past the expiry day: gone by the clock, no job ran
    assert not any(_surfaces(client, listing).values())


@pytest.mark.parametrize(
    ("expires_in_days", "valid"), [(None, True), (0, True), (-1, False), (400, True)]
)
def test_a_permit_is_valid_through_its_expiry_day_in_wib(app, db, expires_in_days, valid):
    business = make_business()
    today_wib = date(2026, 12, 2)  # T0 is 10.00 WIB on 2 December 2026
    expires = None if expires_in_days is None else today_wib + timedelta(days=expires_in_days)
    add_permit(business, "halal", checked=True, expires_on=expires)
    unchecked = make_business(name="Belum Diperiksa")
    add_permit(unchecked, "halal", expires_on=expires)
    db.session.commit()
    at = now()
    assert business.badges(at) == ([PermitKind.HALAL] if valid else [])
    assert unchecked.badges(at) == []
    # the SQL twin used by the halal filter agrees with the Python rule
    found = db.session.execute(
        db.select(type(business).id).where(valid_permit_clause(PermitKind.HALAL, at))
    ).scalars()
    assert list(found) == ([business.id] if valid else [])


def test_the_portal_says_perlu_diperbarui_a_month_before_expiry(app, db, as_member, clock):
    business = make_business(as_member.user.community, name="Dodol Bu Ani")
    soon = add_permit(business, "halal", checked=True, expires_on=date(2026, 12, 31))
    add_permit(business, "nib", "9120001234567", checked=True)
    add_permit(business, "pirt", "2063674010123-27")
    db.session.commit()
    states = {s.permit.kind.value: s.state for s in permit_states(business, now())}
    assert states == {"halal": "renew", "nib": "checked", "pirt": "waiting"}
    page = as_member.get("/portal/usaha").get_data(as_text=True)
    assert "perlu diperbarui" in page and "berlaku s.d. 31-12-2026" in page
    assert "menunggu pemeriksaan staf" in page
    soon.expires_on = date(2027, 3, 1)
    db.session.commit()
    assert "perlu diperbarui" not in as_member.get("/portal/usaha").get_data(as_text=True)
    clock.advance(days=100)  # 12 March 2027: expired
    page = as_member.get("/portal/usaha").get_data(as_text=True)
    assert "kedaluwarsa, tanda tidak tampil" in page


def _business_form(business, **changes):
    data = {
        "name": business.name,
        "owner_name": business.owner_name,
        "district_id": str(business.district_id),
        "whatsapp": business.whatsapp,
        "story": business.story,
    }
    data.update(changes)
    return data


def test_the_community_enters_permits_and_a_changed_one_loses_its_check(app, db, as_member):
    business = make_business(as_member.user.community)
    db.session.commit()
    url = f"/portal/usaha/{business.id}/ubah"
    r = as_member.post(url, data=_business_form(business, halal_number=HALAL_NO))
    assert r.status_code == 400
    assert "Isi tanggal berlaku sertifikat Halal." in r.get_data(as_text=True)
    assert HALAL_NO in r.get_data(as_text=True)  # what was typed is kept
    r = as_member.post(
        url,
        data=_business_form(
            business, halal_number=HALAL_NO, halal_expires_on="2028-06-30", nib="9120001234567"
        ),
    )
    assert r.status_code == 302
    db.session.refresh(business)
    halal = business.permit(PermitKind.HALAL)
    assert (halal.number, halal.expires_on, halal.checked_at) == (
        HALAL_NO,
        date(2028, 6, 30),
        None,
    )
    assert business.badges(now()) == []  # nothing until a moderator checked it
    halal.checked_at = now()
    db.session.commit()
    # the form shows what is stored; saving it unchanged keeps the check
    form = as_member.get(url).get_data(as_text=True)
    assert 'value="2028-06-30"' in form and 'value="9120001234567"' in form
    as_member.post(
        url,
        data=_business_form(
            business, halal_number=HALAL_NO, halal_expires_on="2028-06-30", nib="9120001234567"
        ),
    )
    db.session.refresh(halal)
    assert halal.checked_at is not None
    # a new expiry (or number) is new content: the check goes
    as_member.post(
        url,
        data=_business_form(
            business, halal_number=HALAL_NO, halal_expires_on="30/06/2029", nib="9120001234567"
        ),
    )
    db.session.refresh(halal)
    assert halal.expires_on == date(2029, 6, 30) and halal.checked_at is None
    # emptying the number removes the permit
    r = as_member.post(url, data=_business_form(business, nib="9120001234567", halal_number=""))
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.refresh(business)
    assert [p.kind for p in business.permits] == [PermitKind.NIB]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-12-01", "Masa berlaku Halal sudah lewat"),
        ("2099-01-01", "Masa berlaku Halal tidak masuk akal."),
        ("31-02-2027", "Tanggal berlaku Halal tidak valid"),
        ("besok", "Tanggal berlaku Halal tidak valid"),
    ],
)
def test_an_expiry_in_the_past_or_absurd_is_refused_and_nothing_is_written(
    app, db, as_member, typed, message
):
    business = make_business(as_member.user.community)
    db.session.commit()
    r = as_member.post(
        f"/portal/usaha/{business.id}/ubah",
        data=_business_form(
            business, name="Nama Baru", halal_number=HALAL_NO, halal_expires_on=typed
        ),
    )
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    db.session.refresh(business)
    assert business.permits == [] and business.name != "Nama Baru"


def test_the_listing_form_claims_nothing_and_shows_the_permits_it_will_carry(app, db, as_member):
    from tests.builders import make_round

    make_round()
    checked = make_business(as_member.user.community, name="Usaha Diperiksa")
    add_permit(checked, "halal", checked=True, expires_on=date(2027, 6, 30))
    add_permit(make_business(as_member.user.community, name="Usaha Belum"), "halal")
    db.session.commit()
    page = as_member.get("/portal/produk/baru").get_data(as_text=True)
    assert 'name="is_halal"' not in page and 'name="has_pirt"' not in page
    assert "Usaha Diperiksa: Halal" in page and "Usaha Belum: belum ada tanda" in page
    marks = community_marks([checked], now())
    assert marks == [(checked, ["Halal"])]


def test_json_ld_never_names_a_permit_number(app, db):
    listing = make_public_listing()
    add_permit(listing.business, "nib", "9120001234567", checked=True)
    db.session.commit()
    data = product_data(listing, "https://x.test/produk/1", None, at=now())
    assert data["hasCertification"] == [{"@type": "Certification", "name": "NIB"}]
    assert "9120001234567" not in json.dumps(data)


def test_a_moderators_check_reaches_cached_pages_at_once(app, db, client, as_staff):
    listing = make_public_listing(rnd=make_published_round())
    add_permit(listing.business, "halal", HALAL_NO, expires_on=date(2027, 6, 30))
    db.session.commit()
    url = f"/produk/{listing.id}"
    assert "Halal terverifikasi" not in client.get(url, follow_redirects=True).get_data(True)
    from marketplace.moderation.permits import set_permits_checked

    set_permits_checked(listing.business, {PermitKind.HALAL: True}, actor=as_staff.user, now=now())
    db.session.commit()
    assert "Halal terverifikasi" in client.get(url, follow_redirects=True).get_data(True)


def test_listing_pages_carry_a_breadcrumb_list(app, db, client):
    listing = make_public_listing(rnd=make_published_round(), title="Keripik Balado")
    db.session.commit()
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    blocks = [json.loads(b) for b in re.findall(r'ld\+json">(.*?)</script>', page, re.S)]
    (crumbs,) = [b for b in blocks if b["@type"] == "BreadcrumbList"]
    names = [i["name"] for i in crumbs["itemListElement"]]
    assert names == ["Katalog", listing.category.name, "Keripik Balado"]
    assert all(i["item"].startswith("http") for i in crumbs["itemListElement"])
