"""The staff board "Dicari pembeli": K-anonymous unmet searches of a round with their trend,
the zero-result share, CSV, and "beri tahu komunitas" reaching exactly the communities that
sell in the nearest category."""

from __future__ import annotations

from marketplace.audit import AuditEvent
from marketplace.auth.models import CommunityStatus
from marketplace.extensions import db
from marketplace.listings.models import ListingStatus
from marketplace.notifications import Notification
from tests.builders import (
    make_business,
    make_community,
    make_listing,
    make_public_listing,
    make_published_round,
)
from tests.demand.test_counting import demand, search


def _shoppers(app, client, q, n=3, **params):
    for i in range(n):
        search(client, q, f"10.0.1.{i}", **params)
    demand(app).flush()


def test_board_shows_unmet_searches_only_past_k(app, client, as_staff):
    make_published_round()
    db.session.commit()
    _shoppers(app, client, "masker kain", 3, kategori="fesyen", kecamatan="pamulang")
    _shoppers(app, client, "nama tetangga saya", 2)
    page = as_staff.get("/staff/dicari/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "masker kain" in html
    assert "nama tetangga saya" not in html
    assert 'id="zero-share">100 %' in html
    csv = as_staff.get("/staff/dicari/dicari.csv").get_data(as_text=True)
    assert "masker kain,tanpa hasil,3,0,3" in csv
    assert "tetangga" not in csv
    assert "masker kain" not in as_staff.get("/staff/dicari/?kategori=makanan").get_data(
        as_text=True
    )


def test_board_is_staff_only(app, client, as_member):
    assert as_member.get("/staff/dicari/").status_code == 404
    assert app.test_client().get("/staff/dicari/").status_code == 302


def test_notify_reaches_exactly_the_communities_selling_in_the_nearest_category(
    app, client, as_staff
):
    rnd = make_published_round()
    fashion_a, fashion_b = make_community("Batik A"), make_community("Jahit B")
    food = make_community("Dapur C")
    only_draft = make_community("Draf D")
    suspended = make_community("Tangguh E")
    for community, slug, status in (
        (fashion_a, "fesyen", ListingStatus.APPROVED),
        (fashion_b, "fesyen", ListingStatus.APPROVED),
        (food, "makanan", ListingStatus.APPROVED),
        (only_draft, "fesyen", ListingStatus.DRAFT),
        (suspended, "fesyen", ListingStatus.APPROVED),
    ):
        make_listing(status, business=make_business(community), rnd=rnd, category_slug=slug)
    suspended.status = CommunityStatus.SUSPENDED
    make_public_listing(title="Keripik")  # another community, food
    db.session.commit()
    _shoppers(app, client, "masker kain", 3, kategori="fesyen", kecamatan="pamulang")
    _shoppers(app, client, "masker kain", 1)

    page = as_staff.post("/staff/dicari/beritahu", data={"q": "masker kain", "periode": rnd.id})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Pembeli mencari *masker kain* — 4 kali di Pamulang" in html
    assert "wa.me/?text=Pembeli%20mencari" in html
    told = db.session.execute(db.select(Notification.community_id)).scalars().all()
    assert sorted(told) == sorted([fashion_a.id, fashion_b.id])
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "demand.notify")
    ).scalar_one()
    assert event.actor_id == as_staff.user.id and event.details["category"] == "fesyen"


def test_notify_refuses_a_query_not_on_the_board(app, client, as_staff):
    rnd = make_published_round()
    db.session.commit()
    _shoppers(app, client, "nama tetangga saya", 2, kategori="fesyen")
    page = as_staff.post(
        "/staff/dicari/beritahu",
        data={"q": "nama tetangga saya", "periode": rnd.id},
        follow_redirects=True,
    )
    assert "Pencarian ini tidak ada di papan." in page.get_data(as_text=True)
    assert db.session.execute(db.select(Notification)).first() is None


def test_themed_round_link_prefills_the_round_form(app, as_admin):
    page = as_admin.get("/staff/rounds/baru?nama=Edisi+bertema%3A+masker&catatan=Pembeli+mencari")
    html = page.get_data(as_text=True)
    assert 'value="Edisi bertema: masker"' in html
    assert "Pembeli mencari" in html
