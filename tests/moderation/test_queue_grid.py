"""The queue as a grid (#13 item 1): thumbnails, price, age and flags on every card, the
"flagged" filter, bulk approve of a page with thumbnails, and a Cancel that keeps the pick."""

import re
from datetime import timedelta

from marketplace.listings.models import ListingStatus
from tests.builders import add_permit, make_business, make_listing, make_round

S = ListingStatus


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_cards_show_w320_thumbnail_price_age_and_flags(app, db, as_staff, clock):
    rnd = make_round()
    priced = make_listing(S.SUBMITTED, rnd=rnd, title="Kue Lapis", price=25000)
    priced.submitted_at = clock() - timedelta(hours=3)
    free = make_listing(S.SUBMITTED, rnd=rnd, title="Sambal Tanpa Harga", price=None)
    db.session.commit()
    page = as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)
    w320 = priced.cover.image.variant("w320")
    assert f'src="/media/{w320.key}"' in page and 'loading="lazy"' in page
    assert "Rp25.000" in page
    assert "3 jam" in page
    card = page[page.index("Sambal Tanpa Harga") :]
    assert "flag-no_price" in card[:1500]
    first = page[page.index("Kue Lapis") :]
    assert "flag-no_price" not in first[: first.index("</li>")]
    assert free.id


def test_flagged_filter_keeps_only_listings_with_a_flag(app, db, as_staff):
    rnd = make_round()
    make_listing(S.SUBMITTED, rnd=rnd, title="Kue Lengkap", price=10000)
    make_listing(S.SUBMITTED, rnd=rnd, title="Kue Tanpa Harga", price=None)
    business = make_business(name="Usaha Ber-NIB")
    add_permit(business, "nib", "1234567890123")
    make_listing(S.SUBMITTED, rnd=rnd, business=business, title="Kue Izin Belum Dicek")
    db.session.commit()
    page = as_staff.get(f"/staff/moderasi/{rnd.id}?tanda=ya").get_data(as_text=True)
    assert "Kue Tanpa Harga" in page and "Kue Izin Belum Dicek" in page
    assert "Kue Lengkap" not in page
    assert "Kue Lengkap" in as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)


def test_whole_page_bulk_confirmation_shows_thumbnails_and_cancel_keeps_the_pick(app, db, as_staff):
    rnd = make_round()
    a = make_listing(S.SUBMITTED, rnd=rnd, title="Produk A")
    b = make_listing(S.SUBMITTED, rnd=rnd, title="Produk B")
    make_listing(S.APPROVED, rnd=rnd, title="Sudah Disetujui")
    db.session.commit()
    queue = as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)
    assert queue.count("Setujui yang dipilih") == 2  # top and bottom
    r = as_staff.post(
        f"/staff/moderasi/{rnd.id}/setujui-massal?status=submitted",
        data={"semua": "1", f"ada-{a.id}": "1", f"ada-{b.id}": "1"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Setujui 2 produk sekaligus?" in page
    assert f'src="/media/{a.cover.image.variant("w320").key}"' in page
    assert page.count("Ya, setujui 2 produk") == 2
    cancel = re.search(r'<a class="button" href="([^"]+)">Batal', page).group(1)
    cancel = cancel.replace("&amp;", "&")
    back = as_staff.get(cancel)
    assert back.status_code == 200
    html = back.get_data(as_text=True)
    for listing in (a, b):
        assert re.search(rf'name="pilih-{listing.id}" value="1" checked', html)
    db.session.expire_all()
    assert a.status == S.SUBMITTED and b.status == S.SUBMITTED


def test_picked_bulk_approve_approves_only_the_checked_cards(app, db, as_staff):
    rnd = make_round()
    a = make_listing(S.SUBMITTED, rnd=rnd, title="Produk A")
    b = make_listing(S.SUBMITTED, rnd=rnd, title="Produk B")
    db.session.commit()
    r = as_staff.post(
        f"/staff/moderasi/{rnd.id}/setujui-massal",
        data={f"pilih-{a.id}": "1", f"ada-{a.id}": "1", f"ada-{b.id}": "1", "confirm": "Ya"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert a.status == S.APPROVED and b.status == S.SUBMITTED
