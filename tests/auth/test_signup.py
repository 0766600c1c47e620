from marketplace.audit import AuditEvent
from marketplace.auth.models import Community, CommunityStatus, User


def _form(**over):
    data = {
        "community_name": "UMKM Setu Maju",
        "district_id": "7",
        "description": "Komunitas tani.",
        "instagram": "@setu_maju",
        "contact_name": "Ibu Lina",
        "contact_phone": "0812 3456 7890",
        "email": "Lina@Contoh.id",
        "password": "dua kata cukup",
    }
    data.update(over)
    return data


def test_signup_creates_a_pending_community_and_its_coordinator(client, db):
    assert client.get("/daftar").status_code == 200
    r = client.post("/daftar", data=_form())
    assert r.status_code == 302 and r.headers["Location"].endswith("/portal/")
    community = db.session.execute(db.select(Community)).scalar_one()
    user = db.session.execute(db.select(User)).scalar_one()
    assert community.status == CommunityStatus.PENDING and community.slug == "umkm-setu-maju"
    assert (user.email, user.community_id, user.is_coordinator) == (
        "lina@contoh.id",
        community.id,
        True,
    )
    assert community.contact_phone == "+6281234567890" and community.instagram == "setu_maju"
    assert user.password_hash.startswith("pbkdf2:sha256:1$")  # tests use a cheap method
    page = client.get("/portal/").get_data(as_text=True)
    assert "menunggu verifikasi" in page
    assert db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "community.signup")
    ).scalar_one()


def test_signup_errors_keep_what_was_typed(client, db):
    r = client.post("/daftar", data=_form(password="umkmtangsel", contact_phone="12"))
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "terlalu umum" in html and "bukan nomor Indonesia" in html
    assert 'value="UMKM Setu Maju"' in html and "Komunitas tani." in html
    assert db.session.execute(db.select(User)).first() is None


def test_duplicate_email_refused(client, db):
    client.post("/daftar", data=_form())
    client.post("/keluar")
    r = client.post("/daftar", data=_form(community_name="Lain"))
    assert r.status_code == 400 and "sudah terdaftar" in r.get_data(as_text=True)


def test_create_admin_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-admin", "Admin@Dinas.id", "--password", "kunci pintu rumah"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert (user.email, user.role.value) == ("admin@dinas.id", "admin")
    bad = runner.invoke(args=["create-admin", "x@dinas.id", "--password", "pendek"])
    assert bad.exit_code != 0 and "8 karakter" in bad.output
