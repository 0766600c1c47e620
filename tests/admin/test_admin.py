"""Administration: only admins reach it; settings, categories and staff accounts change
from the web, each change audited; deactivation ends the account's sessions."""

from datetime import time

import pytest

from marketplace.audit import AuditEvent
from marketplace.auth.models import Role, User
from marketplace.reference.models import Category
from marketplace.site_settings import DEFAULTS, SiteSettings, get_settings
from tests.builders import category, make_public_listing, make_staff

PAGES = (
    "/staff/admin/",
    "/staff/admin/pengaturan",
    "/staff/admin/kategori",
    "/staff/admin/staf",
    "/staff/admin/kategori/1/ubah",
)


def _events(db, action):
    return list(
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def test_only_admins_reach_admin_pages(app, db, as_admin, as_staff, as_member):
    for url in PAGES:
        assert as_admin.get(url).status_code == 200, url
        assert as_staff.get(url).status_code == 403, url
        assert as_member.get(url).status_code == 404, url
        assert app.test_client().get(url).status_code == 302, url
    before = db.session.execute(db.select(db.func.count(Category.id))).scalar_one()
    assert as_staff.post("/staff/admin/kategori", data={"name": "Mainan"}).status_code == 403
    assert as_member.post("/staff/admin/kategori", data={"name": "Mainan"}).status_code == 404
    assert db.session.execute(db.select(db.func.count(Category.id))).scalar_one() == before
    assert "/staff/admin/" in as_admin.get("/staff/").text
    assert "/staff/admin/" not in as_staff.get("/staff/").text


def _settings_form(**changes):
    data = {
        k: (v.strftime("%H:%M") if isinstance(v, time) else ("" if v is None else str(v)))
        for k, v in DEFAULTS.items()
    }
    data.update(changes)
    return data


def test_settings_without_a_row_are_the_defaults(app, db):
    s = get_settings()
    assert s.agency_name == DEFAULTS["agency_name"] and s.default_quota == 10
    assert s.cadence_values()["every_days"] == 14 and s.cadence_values()["opens_time"] == time(8, 0)
    assert db.session.get(SiteSettings, 1) is None  # reading never writes


def test_settings_change_is_audited(app, db, as_admin):
    r = as_admin.post(
        "/staff/admin/pengaturan",
        data=_settings_form(
            agency_name="Dinas KUKM Tangsel",
            brand_color="#123456",
            hashtags="UMKMTangsel, #Baru #baru",
            default_quota="12",
            cadence_closes_time="17:00",
            instagram_handle="@dinas.kukm",
        ),
    )
    assert r.status_code == 302
    s = get_settings()
    assert (s.agency_name, s.brand_color, s.hashtags, s.default_quota) == (
        "Dinas KUKM Tangsel",
        "#123456",
        "#UMKMTangsel #Baru",
        12,
    )
    assert s.cadence_closes_time == time(17, 0) and s.instagram_handle == "dinas.kukm"
    (event,) = _events(db, "settings.update")
    assert event.actor_id == as_admin.user.id
    assert event.details["changed"]["default_quota"] == {"before": 10, "after": 12}
    assert event.details["changed"]["cadence_closes_time"] == {"before": "00:00", "after": "17:00"}
    assert "text_color" not in event.details["changed"]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("brand_color", "biru", "#RRGGBB"),
        ("text_color", "#1E5DA2", "kontras"),  # too close to the brand colour
        ("hashtags", "#ok #tidak-boleh", "tidak valid"),
        ("hashtags", " ".join(f"#t{i}" for i in range(31)), "30"),
        ("default_quota", "0", "antara"),
        ("cadence_every_days", "3", "antara"),
        ("agency_name", "", "wajib"),
    ],
)
def test_bad_settings_are_refused_with_a_message(app, db, as_admin, field, value, message):
    r = as_admin.post("/staff/admin/pengaturan", data=_settings_form(**{field: value}))
    assert r.status_code == 400 and message in r.text
    assert db.session.get(SiteSettings, 1) is None and not _events(db, "settings.update")


def test_categories_add_rename_reorder_retire_restore_each_audited(app, db, as_admin):
    assert as_admin.post("/staff/admin/kategori", data={"name": "Mainan Anak"}).status_code == 302
    toy = db.session.execute(db.select(Category).where(Category.name == "Mainan Anak")).scalar_one()
    assert toy.slug == "mainan-anak" and toy.is_active
    assert (
        as_admin.post("/staff/admin/kategori", data={"name": "mainan anak"}).status_code == 400
    )  # duplicate
    assert (
        as_admin.post(f"/staff/admin/kategori/{toy.id}/ubah", data={"name": "Mainan"}).status_code
        == 302
    )
    assert toy.name == "Mainan" and toy.slug == "mainan-anak"

    def order():
        return [
            c.slug
            for c in db.session.execute(
                db.select(Category).order_by(Category.sort_order, Category.id)
            ).scalars()
        ]

    assert order()[-1] == "mainan-anak"
    assert as_admin.post(f"/staff/admin/kategori/{toy.id}/naik").status_code == 302
    assert order()[-2] == "mainan-anak"
    assert as_admin.post(f"/staff/admin/kategori/{toy.id}/pensiunkan").status_code == 302
    assert not toy.is_active
    assert as_admin.post(f"/staff/admin/kategori/{toy.id}/aktifkan").status_code == 302
    assert toy.is_active
    actions = [
        e.action
        for e in db.session.execute(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == "category")
            .order_by(AuditEvent.id)
        ).scalars()
    ]
    assert actions == [
        "category.create",
        "category.rename",
        "category.reorder",
        "category.retire",
        "category.restore",
    ]
    assert as_admin.post(f"/staff/admin/kategori/{toy.id}/naik", csrf=False).status_code == 400


def test_retiring_a_category_keeps_old_listings(app, db, as_admin, client):
    listing = make_public_listing(category_slug="jasa")
    db.session.commit()
    jasa = category("jasa")
    assert as_admin.post(f"/staff/admin/kategori/{jasa.id}/pensiunkan").status_code == 302
    assert not jasa.is_active and listing.category_id == jasa.id
    page = client.get(f"/produk/{listing.id}", follow_redirects=True)
    assert page.status_code == 200 and listing.title in page.text


def test_staff_accounts_create_role_deactivate_reactivate(app, db, as_admin):
    r = as_admin.post(
        "/staff/admin/staf",
        data={
            "name": "Rina",
            "email": "Rina@Dinas.go.id",
            "role": "moderator",
            "password": "kopi pagi di serpong",
        },
    )
    assert r.status_code == 302
    rina = db.session.execute(db.select(User).where(User.email == "rina@dinas.go.id")).scalar_one()
    assert rina.role == Role.MODERATOR and rina.active
    assert (
        as_admin.post(
            "/staff/admin/staf",
            data={
                "name": "Lagi",
                "email": "rina@dinas.go.id",
                "role": "admin",
                "password": "kopi pagi di serpong",
            },
        ).status_code
        == 400
    )
    assert (
        as_admin.post(
            "/staff/admin/staf",
            data={
                "name": "X",
                "email": "x@dinas.go.id",
                "role": "member",
                "password": "kopi pagi di serpong",
            },
        ).status_code
        == 400
    )
    assert (
        as_admin.post(f"/staff/admin/staf/{rina.id}/peran", data={"role": "admin"}).status_code
        == 302
    )
    assert rina.role == Role.ADMIN
    assert as_admin.post(f"/staff/admin/staf/{rina.id}/nonaktifkan").status_code == 302
    assert not rina.active
    assert as_admin.post(f"/staff/admin/staf/{rina.id}/aktifkan").status_code == 302
    assert rina.active
    actions = [
        e.action
        for e in db.session.execute(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == "user", AuditEvent.action.like("staff.%"))
            .order_by(AuditEvent.id)
        ).scalars()
    ]
    assert actions == ["staff.create", "staff.role", "staff.deactivate", "staff.reactivate"]
    assert all(e.actor_id == as_admin.user.id for e in _events(db, "staff.role"))


def test_deactivation_ends_every_session_of_the_account(app, db, as_admin, as_staff):
    assert as_staff.get("/staff/").status_code == 200
    moderator = as_staff.user
    assert as_admin.post(f"/staff/admin/staf/{moderator.id}/nonaktifkan").status_code == 302
    r = as_staff.get("/staff/")
    assert r.status_code == 302 and "/masuk" in r.headers["Location"]
    old_token = moderator.session_token
    assert as_admin.post(f"/staff/admin/staf/{moderator.id}/aktifkan").status_code == 302
    assert moderator.session_token != old_token
    assert as_staff.get("/staff/").status_code == 302  # the old session stays gone


def test_admins_cannot_lock_themselves_or_everyone_out(app, db, as_admin):
    me = as_admin.user
    assert as_admin.post(f"/staff/admin/staf/{me.id}/nonaktifkan").status_code == 302
    assert (
        as_admin.post(f"/staff/admin/staf/{me.id}/peran", data={"role": "moderator"}).status_code
        == 302
    )
    db.session.refresh(me)
    assert me.active and me.role == Role.ADMIN
    assert not _events(db, "staff.deactivate") and not _events(db, "staff.role")
    assert "sendiri" in as_admin.get("/staff/admin/staf").text
    other = make_staff(Role.MEMBER)
    db.session.commit()
    assert as_admin.post(f"/staff/admin/staf/{other.id}/nonaktifkan").status_code == 404
