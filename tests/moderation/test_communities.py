"""Community verification by staff: list (pending first), detail, verify, suspend."""

from marketplace.audit import AuditEvent
from marketplace.auth.models import CommunityStatus
from tests.builders import add_permit, make_business, make_community, make_member
from tests.conftest import login


def _events(db, action):
    return list(
        db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)).scalars()
    )


def test_pending_community_is_verified_and_audited(app, db, as_staff, clock):
    c = make_community(name="Komunitas Kue Pamulang", status=CommunityStatus.PENDING)
    db.session.commit()
    r = as_staff.post(
        f"/staff/komunitas/{c.id}/verifikasi",
        data={"note": "Dokumen lengkap"},
        follow_redirects=True,
    )
    assert r.status_code == 200 and "sudah terverifikasi" in r.get_data(as_text=True)
    db.session.refresh(c)
    assert c.status == CommunityStatus.VERIFIED and c.verified_at == clock()
    (event,) = _events(db, "community.verify")
    assert event.actor_id == as_staff.user.id and event.object_id == c.id
    assert (event.from_state, event.to_state, event.reason) == (
        "pending",
        "verified",
        "Dokumen lengkap",
    )


def test_verifying_twice_is_a_message_not_an_error(app, db, as_staff):
    c = make_community()
    db.session.commit()
    r = as_staff.post(f"/staff/komunitas/{c.id}/verifikasi", follow_redirects=True)
    assert r.status_code == 200 and "sudah berstatus" in r.get_data(as_text=True)
    assert _events(db, "community.verify") == []


def test_suspension_needs_a_reason(app, db, as_staff):
    c = make_community()
    db.session.commit()
    r = as_staff.post(f"/staff/komunitas/{c.id}/tangguhkan", data={"reason": "   "})
    assert r.status_code == 400 and "Alasan wajib diisi." in r.get_data(as_text=True)
    db.session.refresh(c)
    assert c.status == CommunityStatus.VERIFIED
    assert _events(db, "community.suspend") == []

    r = as_staff.post(f"/staff/komunitas/{c.id}/tangguhkan", data={"reason": "Produk bukan UMKM"})
    assert r.status_code == 302
    db.session.refresh(c)
    assert c.status == CommunityStatus.SUSPENDED
    (event,) = _events(db, "community.suspend")
    assert event.reason == "Produk bukan UMKM" and event.actor_id == as_staff.user.id


def test_list_puts_pending_first_and_filters_by_status(app, db, as_staff):
    make_community(name="Sudah Terverifikasi")
    make_community(name="Baru Mendaftar", status=CommunityStatus.PENDING)
    make_community(name="Sedang Ditangguhkan", status=CommunityStatus.SUSPENDED)
    db.session.commit()
    page = as_staff.get("/staff/komunitas").get_data(as_text=True)
    assert (
        page.index("Baru Mendaftar")
        < page.index("Sudah Terverifikasi")
        < page.index("Sedang Ditangguhkan")
    )
    page = as_staff.get("/staff/komunitas?status=pending").get_data(as_text=True)
    assert "Baru Mendaftar" in page and "Sudah Terverifikasi" not in page
    assert as_staff.get("/staff/komunitas?status=nonsense").status_code == 200


def test_community_page_shows_members_and_businesses_with_staff_only_details(app, db, as_staff):
    c = make_community(name="Komunitas Setu", status=CommunityStatus.PENDING)
    member = make_member(c)
    b = make_business(c, name="Dodol Bu Ani")
    add_permit(b, "nib", "1234567890123")
    db.session.commit()
    page = as_staff.get(f"/staff/komunitas/{c.id}").get_data(as_text=True)
    for text in (
        member.email,
        "Dodol Bu Ani",
        "Sri Wahyuni",
        "1234567890123",
        "Verifikasi komunitas",
    ):
        assert text in page
    assert as_staff.get("/staff/komunitas/99999").status_code == 404


def test_members_get_404_and_change_nothing(app, db, client):
    c = make_community(status=CommunityStatus.PENDING)
    member = make_member()
    db.session.commit()
    r = client.get("/staff/komunitas")
    assert r.status_code == 302 and "/masuk" in r.headers["Location"]
    assert client.post(f"/staff/komunitas/{c.id}/verifikasi").status_code in (302, 404)
    login(client, member)
    for url in ("/staff/", "/staff/komunitas", f"/staff/komunitas/{c.id}"):
        assert client.get(url).status_code == 404
    assert client.post(f"/staff/komunitas/{c.id}/verifikasi").status_code == 404
    assert (
        client.post(f"/staff/komunitas/{c.id}/tangguhkan", data={"reason": "x"}).status_code == 404
    )
    db.session.refresh(c)
    assert c.status == CommunityStatus.PENDING
    assert _events(db, "community.verify") == [] and _events(db, "community.suspend") == []


def test_admin_is_staff_too(app, db, as_admin):
    c = make_community(status=CommunityStatus.PENDING)
    db.session.commit()
    assert as_admin.post(f"/staff/komunitas/{c.id}/verifikasi").status_code == 302
    db.session.refresh(c)
    assert c.status == CommunityStatus.VERIFIED


def test_verify_without_csrf_is_refused(app, db, as_staff):
    c = make_community(status=CommunityStatus.PENDING)
    db.session.commit()
    assert as_staff.post(f"/staff/komunitas/{c.id}/verifikasi", csrf=False).status_code == 400
    db.session.refresh(c)
    assert c.status == CommunityStatus.PENDING
