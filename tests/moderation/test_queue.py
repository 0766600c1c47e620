"""The moderation queue: oldest first, filters, drafts hidden, dashboard figures."""

from datetime import timedelta

from marketplace.auth.models import CommunityStatus
from marketplace.listings.models import ListingStatus
from tests.builders import (
    add_permit,
    district,
    make_business,
    make_community,
    make_listing,
    make_round,
)

S = ListingStatus


def _submitted(
    rnd, title, minutes_ago, *, business=None, category_slug="makanan", status=S.SUBMITTED
):
    from marketplace.clock import now

    listing = make_listing(
        status, rnd=rnd, business=business, title=title, category_slug=category_slug
    )
    listing.submitted_at = now() - timedelta(minutes=minutes_ago)
    return listing


def _titles_in_order(page: str, titles):
    found = [t for t in titles if t in page]
    return sorted(found, key=page.index)


def test_queue_lists_submitted_listings_oldest_first(app, db, as_staff):
    rnd = make_round()
    _submitted(rnd, "Produk Tengah", 30)
    _submitted(rnd, "Produk Terlama", 90)
    _submitted(rnd, "Produk Terbaru", 5)
    make_listing(S.DRAFT, rnd=rnd, title="Produk Draf")
    _submitted(rnd, "Produk Disetujui", 100, status=S.APPROVED)
    _submitted(make_round(opens_at=rnd.closes_at + timedelta(days=1)), "Periode Lain", 200)
    db.session.commit()
    page = as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)
    assert _titles_in_order(page, ["Produk Terbaru", "Produk Tengah", "Produk Terlama"]) == [
        "Produk Terlama",
        "Produk Tengah",
        "Produk Terbaru",
    ]
    for hidden in ("Produk Draf", "Produk Disetujui", "Periode Lain"):
        assert hidden not in page


def test_queue_filters_by_community_district_category_and_status(app, db, as_staff):
    rnd = make_round()
    serpong = make_community(name="Komunitas Serpong", district_slug="serpong")
    pamulang = make_community(name="Komunitas Pamulang")
    b_serpong, b_pamulang = (
        make_business(serpong, "Usaha Serpong"),
        make_business(pamulang, "Usaha Pamulang"),
    )
    _submitted(rnd, "Kue Serpong", 10, business=b_serpong)
    _submitted(rnd, "Batik Pamulang", 20, business=b_pamulang, category_slug="fesyen")
    _submitted(rnd, "Kue Pamulang", 30, business=b_pamulang)
    _submitted(
        rnd, "Tas Ditolak", 40, business=b_pamulang, category_slug="kerajinan", status=S.REJECTED
    )
    db.session.commit()
    base = f"/staff/moderasi/{rnd.id}"

    def titles(query):
        page = as_staff.get(f"{base}?{query}").get_data(as_text=True)
        return {
            t for t in ("Kue Serpong", "Batik Pamulang", "Kue Pamulang", "Tas Ditolak") if t in page
        }

    assert titles(f"komunitas={serpong.id}") == {"Kue Serpong"}
    assert titles(f"kecamatan={district('pamulang').id}") == {"Batik Pamulang", "Kue Pamulang"}
    from tests.builders import category

    assert titles(f"kategori={category('fesyen').id}") == {"Batik Pamulang"}
    assert titles("status=rejected") == {"Tas Ditolak"}
    assert titles("status=semua") == {
        "Kue Serpong",
        "Batik Pamulang",
        "Kue Pamulang",
        "Tas Ditolak",
    }
    assert titles(f"kecamatan={district('pamulang').id}&kategori={category('makanan').id}") == {
        "Kue Pamulang"
    }
    # odd values are ignored, never a 500
    assert titles("komunitas=abc&kecamatan=-1&status=draft") == {
        "Kue Serpong",
        "Batik Pamulang",
        "Kue Pamulang",
    }
    assert as_staff.get(f"{base}?page=abc").status_code == 200


def test_a_page_past_the_end_shows_the_last_page_and_audits_nothing(app, db, as_staff):
    """#18 item 6: it was the generic 404 plus a ``security.denied`` audit row."""
    from marketplace.audit import AuditEvent
    from marketplace.moderation import audit_views, queue_views

    rnd = make_round()
    business = make_business()
    for i in range(3):
        make_listing(S.SUBMITTED, business=business, rnd=rnd, title=f"Produk {i}")
    db.session.commit()
    before = db.session.execute(db.select(db.func.count(AuditEvent.id))).scalar_one()
    queue_views.PER_PAGE, old = 2, queue_views.PER_PAGE
    try:
        r = as_staff.get(f"/staff/moderasi/{rnd.id}?page=999")
        assert r.status_code == 200
        assert "Produk" in r.get_data(as_text=True)
    finally:
        queue_views.PER_PAGE = old
    audit_views.AUDIT_PER_PAGE, old = 1, audit_views.AUDIT_PER_PAGE
    try:
        assert as_staff.get("/staff/audit?page=999").status_code == 200
    finally:
        audit_views.AUDIT_PER_PAGE = old
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert len(actions) == before and "security.denied" not in actions


def test_review_page_shows_business_permits_photos_and_history(app, db, as_staff):
    rnd = make_round()
    business = make_business(make_community(name="Komunitas Ciputat"), "Sambal Mbok Sum")
    add_permit(business, "nib", "9120001234567")
    add_permit(business, "pirt", "P-IRT 2063674010123-29")
    listing = _submitted(rnd, "Sambal Bawang", 10, business=business)
    listing.photos[0].image.variants[0].name = "w1080"
    db.session.commit()
    r = as_staff.get(f"/staff/moderasi/produk/{listing.id}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    for text in (
        "Sambal Bawang",
        "Sambal Mbok Sum",
        "Sri Wahyuni",
        "9120001234567",
        "2063674010123-29",
        "Komunitas Ciputat",
        'name="version" type="hidden" value="1"',
        "Foto buram",
        "Simpan & berikutnya",
    ):
        assert text in page, text


def test_drafts_are_not_for_staff(app, db, as_staff):
    draft = make_listing(S.DRAFT)
    db.session.commit()
    assert as_staff.get(f"/staff/moderasi/produk/{draft.id}").status_code == 404
    assert (
        as_staff.post(
            f"/staff/moderasi/produk/{draft.id}/keputusan",
            data={"action": "approve", "version": "1"},
        ).status_code
        == 404
    )


def test_dashboard_counts_pending_communities_and_queues(app, db, as_staff, clock):
    make_community(status=CommunityStatus.PENDING)
    make_community(status=CommunityStatus.PENDING)
    open_round = make_round()
    _submitted(open_round, "A", 5)
    reviewing = make_round(
        opens_at=clock() - timedelta(days=10),
        closes_at=clock() - timedelta(days=2),
        publishes_at=clock() + timedelta(days=1),
    )
    for i in range(3):
        _submitted(reviewing, f"B{i}", 60 + i)
    db.session.commit()
    r = as_staff.get("/staff/")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "Komunitas menunggu verifikasi" in page
    assert f"/staff/moderasi/{open_round.id}" in page and f"/staff/moderasi/{reviewing.id}" in page
    assert '<strong class="count">3</strong>' in page and '<strong class="count">1</strong>' in page
    assert '<strong class="count">2</strong>' in page


def test_anonymous_and_members_never_see_the_queue(app, db, client, as_member):
    rnd = make_round()
    listing = _submitted(rnd, "Rahasia", 5)
    db.session.commit()
    urls = [f"/staff/moderasi/{rnd.id}", f"/staff/moderasi/produk/{listing.id}", "/staff/"]
    for url in urls:
        assert as_member.get(url).status_code == 404
    anon = app.test_client()
    for url in urls:
        r = anon.get(url)
        assert r.status_code == 302 and "/masuk" in r.headers["Location"]
