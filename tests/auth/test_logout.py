"""Logout (#18 item 6): the remember cookie leaves the browser, and a GET of /keluar shows a
logout button instead of "Permintaan tidak valid", changing nothing."""

from marketplace.audit import AuditEvent
from tests.builders import PASSWORD, make_member


def remembered_login(client, user):
    r = client.post("/masuk", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert r.status_code == 302
    assert client.get_cookie("remember_token") is not None


def test_logout_deletes_the_remember_cookie(app, client, db):
    user = make_member()
    db.session.commit()
    remembered_login(client, user)
    r = client.post("/keluar")
    assert r.status_code == 302
    deleted = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert "HttpOnly" in deleted[0] and "SameSite=Lax" in deleted[0]
    assert client.get_cookie("remember_token") is None
    assert client.get("/portal/").status_code == 302


def test_get_keluar_shows_a_logout_button_and_changes_nothing(app, client, db):
    user = make_member()
    db.session.commit()
    remembered_login(client, user)
    before = db.session.execute(db.select(db.func.count(AuditEvent.id))).scalar_one()
    r = client.get("/keluar")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Permintaan tidak valid" not in page
    assert 'action="/keluar"' in page and 'name="csrf_token"' in page
    assert "Keluar dari Etalase UMKM?" in page
    assert db.session.execute(db.select(db.func.count(AuditEvent.id))).scalar_one() == before
    assert client.get("/portal/").status_code == 200  # still logged in
    assert client.get_cookie("remember_token") is not None


def test_get_keluar_when_logged_out_goes_to_the_login_page(app, client, db):
    r = client.get("/keluar")
    assert r.status_code == 302 and "/masuk" in r.headers["Location"]
