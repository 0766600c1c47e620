from marketplace.audit import AuditEvent
from tests.builders import PASSWORD, make_member
from tests.conftest import login


def test_login_and_logout_end_the_session(app, client, db):
    user = make_member()
    db.session.commit()
    r = login(client, user)
    assert r.status_code == 302 and r.headers["Location"].endswith("/portal/")
    assert client.get("/portal/").status_code == 200
    cookie = client.get_cookie("session")
    r = client.post("/keluar", data={"csrf_token": _token(client)})
    assert r.status_code == 302
    assert client.get("/portal/").status_code == 302
    # a replayed session cookie after logout gets the login page
    client.set_cookie("session", cookie.value, domain=cookie.domain)
    r = client.get("/portal/")
    assert r.status_code == 302 and "/masuk" in r.headers["Location"]


def _token(client):
    return client.csrf_token()


def test_unknown_account_and_wrong_password_look_the_same(app, client, db):
    user = make_member()
    db.session.commit()
    a = client.post("/masuk", data={"email": "nobody@contoh.id", "password": PASSWORD})
    b = client.post("/masuk", data={"email": user.email, "password": "salah sekali"})
    assert a.status_code == b.status_code == 200
    assert "E-mail atau kata sandi salah." in a.get_data(as_text=True)
    assert "E-mail atau kata sandi salah." in b.get_data(as_text=True)
    actions = [e.action for e in db.session.execute(db.select(AuditEvent)).scalars()]
    assert actions.count("auth.login_failed") == 2


def test_next_redirect_stays_on_site(app, client, db):
    user = make_member()
    db.session.commit()
    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example", "http:/evil"]:
        r = client.post(f"/masuk?next={evil}", data={"email": user.email, "password": PASSWORD})
        assert r.status_code == 302
        assert "evil" not in r.headers["Location"]
        client.post("/keluar", data={"csrf_token": _token(client)})
    r = client.post("/masuk?next=/portal/", data={"email": user.email, "password": PASSWORD})
    assert r.headers["Location"].endswith("/portal/")
