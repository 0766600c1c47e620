"""Published means published (#14 item 7): the portal shows "Tayang" with the public link and
a WhatsApp share; an approval sent before "publish now" stops promising a date."""

from __future__ import annotations

from urllib.parse import unquote

from marketplace.listings.models import ListingStatus as S
from marketplace.notifications import Notification
from tests.builders import make_business, make_listing, make_published_round, make_round


def _approve(as_staff, listing):
    return as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/keputusan",
        data={"action": "approve", "version": str(listing.version)},
    )


def test_published_listing_shows_tayang_with_public_and_share_links(app, db, as_member):
    business = make_business(as_member.user.community)
    public = make_listing(S.APPROVED, business=business, rnd=make_published_round(), title="Kopi")
    waiting = make_listing(S.APPROVED, business=business, rnd=make_round(), title="Teh")
    db.session.commit()
    page = as_member.get("/portal/").get_data(as_text=True)
    url = f"http://localhost/produk/{public.id}-kopi"
    assert f'href="{url}"' in page and page.count(">Tayang<") == 1
    start = page.index("https://wa.me/?text=")
    share = unquote(page[start : page.index('"', start)].split("text=")[1])
    assert url in share and "Kopi" in share
    assert f"/produk/{waiting.id}-teh" not in page
    detail = as_member.get(f"/portal/produk/{public.id}").get_data(as_text=True)
    assert f'href="{url}"' in detail and "https://wa.me/?text=" in detail


def test_approval_before_publish_now_stops_promising_a_date(app, db, as_member, as_staff, as_admin):
    rnd = make_round()
    listing = make_listing(
        S.SUBMITTED, business=make_business(as_member.user.community), rnd=rnd, title="Sambal"
    )
    db.session.commit()
    assert _approve(as_staff, listing).status_code == 302
    stored = db.session.execute(db.select(Notification)).scalar_one().message
    assert "mulai" in stored
    page = as_member.get("/portal/notifikasi").get_data(as_text=True)
    assert "tampil di katalog mulai" in page
    assert as_admin.post(f"/staff/rounds/{rnd.id}/tayangkan").status_code == 302
    page = as_member.get("/portal/notifikasi").get_data(as_text=True)
    assert "tampil di katalog mulai" not in page
    assert "Sambal&#34; disetujui dan sudah tampil di katalog." in page or (
        "Sambal&quot; disetujui dan sudah tampil di katalog." in page
    )
    # the stored record is what was sent; only what is shown now changed
    assert db.session.execute(db.select(Notification)).scalar_one().message == stored
