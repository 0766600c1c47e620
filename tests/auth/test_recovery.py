"""Account recovery: "Lupa kata sandi?" by e-mail (a real SMTP server on 127.0.0.1), the
staff-issued WhatsApp link, and every bad token: replayed, expired, another user's, tampered."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from marketplace import create_app
from marketplace.audit import AuditEvent
from marketplace.auth import recovery
from tests.builders import PASSWORD, make_community, make_member, make_staff, make_user
from tests.conftest import CSRFClient, base_config, copy_database, login
from tests.moderation.test_staff_tools import _use_smtp, smtp_server  # noqa: F401

NEW = "tiga kata baru sekali"


def _actions(db):
    return [e.action for e in db.session.execute(db.select(AuditEvent)).scalars()]


def _reset(client, token, new=NEW, confirm=None):
    return client.post(
        f"/atur-ulang-sandi/{token}",
        data={"new_password": new, "confirm_password": new if confirm is None else confirm},
    )


def test_login_page_links_to_forgot_password(client):
    assert 'href="/lupa-kata-sandi"' in client.get("/masuk").get_data(as_text=True)


def test_same_answer_whether_or_not_the_address_exists(app, client, db):
    user = make_member()
    db.session.commit()
    a = client.post("/lupa-kata-sandi", data={"email": "tidak.ada@contoh.id"})
    b = client.post("/lupa-kata-sandi", data={"email": user.email.upper()})
    assert a.status_code == b.status_code == 200
    text_a = re.sub(r'name="csrf_token"[^>]*', "", a.get_data(as_text=True))
    text_b = re.sub(r'name="csrf_token"[^>]*', "", b.get_data(as_text=True))
    assert re.sub(r'nonce="[^"]*"', "", text_a) == re.sub(r'nonce="[^"]*"', "", text_b)
    assert "Jika e-mail itu terdaftar" in text_a
    assert _actions(db).count("auth.reset_requested") == 2


def test_reset_by_email_end_to_end_and_the_link_dies_after_use(app, client, db, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    _use_smtp(app, controller.port)
    user = make_member()
    db.session.commit()
    other = app.test_client()  # another phone still logged in
    login(other, user)
    assert other.get("/portal/").status_code == 200
    client.post("/lupa-kata-sandi", data={"email": user.email})
    client.post("/lupa-kata-sandi", data={"email": "tidak.ada@contoh.id"})
    assert len(inbox) == 1 and inbox[0]["To"] == user.email
    body = inbox[0].get_payload(decode=True).decode()
    path = re.search(r"http://localhost(/atur-ulang-sandi/\S+)", body).group(1)
    assert client.get(path).status_code == 200
    r = client.post(path, data={"new_password": NEW, "confirm_password": NEW})
    assert r.status_code == 302 and r.headers["Location"].endswith("/masuk")
    # every other session ended; the new password works, the old one does not
    assert other.get("/portal/").status_code == 302
    assert login(client, user, PASSWORD).status_code == 200
    assert login(client, user, NEW).status_code == 302
    # replayed: the password hash changed, so the link is dead
    r = client.get(path)
    assert r.status_code == 400 and "sudah dipakai" in r.get_data(as_text=True)
    assert "auth.password_reset" in _actions(db)


def test_expired_link_is_refused_to_the_second(app, client, db, clock):
    user = make_member()
    db.session.commit()
    token = recovery.make_token(user)
    clock.advance(seconds=3600)
    assert client.get(f"/atur-ulang-sandi/{token}").status_code == 200
    clock.advance(seconds=1)
    r = _reset(client, token)
    assert r.status_code == 400 and "kedaluwarsa" in r.get_data(as_text=True)
    assert login(client, user, PASSWORD).status_code == 302  # nothing changed


def test_tampered_or_foreign_or_garbage_tokens_change_nothing(app, client, db):
    user = make_member()
    db.session.commit()
    token = recovery.make_token(user)
    payload, _, rest = token.partition(".")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x", "a.b.c", payload):
        r = _reset(client, bad)
        assert r.status_code == 400 and "tidak valid" in r.get_data(as_text=True), bad
    # a token signed with another secret (another site) is refused too
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("other", salt=recovery.SALT).dumps({"u": user.id, "f": "x"})
    assert _reset(client, forged).status_code == 400
    assert login(client, user, PASSWORD).status_code == 302


def test_weak_or_mismatched_password_keeps_the_link_alive(app, client, db):
    user = make_member()
    db.session.commit()
    token = recovery.make_token(user)
    r = _reset(client, token, new="pendek")
    assert r.status_code == 400 and "8 karakter" in r.get_data(as_text=True)
    r = _reset(client, token, confirm="lain sama sekali")
    assert r.status_code == 400 and "tidak sama" in r.get_data(as_text=True)
    assert _reset(client, token).status_code == 302


def test_staff_issue_a_link_with_a_whatsapp_button_audited(app, db, as_staff):
    community = make_community()
    coordinator = make_user(community=community)
    db.session.commit()
    page = as_staff.get(f"/staff/komunitas/{community.id}").get_data(as_text=True)
    assert f"/staff/akun/{coordinator.id}/tautan-sandi" in page
    r = as_staff.post(f"/staff/akun/{coordinator.id}/tautan-sandi")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    page = r.get_data(as_text=True)
    start = page.index("https://wa.me/6281234567890?text=")
    text = unquote(page[start : page.index('"', start)].split("text=")[1])
    path = re.search(r"http://localhost(/atur-ulang-sandi/\S+)", text).group(1)
    events = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "auth.reset_issued")
    ).scalars()
    event = next(iter(events))
    assert event.actor_id == as_staff.user.id and event.object_id == coordinator.id
    fresh = app.test_client()
    assert _reset(fresh, path.rsplit("/", 1)[1]).status_code == 302
    assert login(fresh, coordinator, NEW).status_code == 302


def test_staff_cannot_issue_links_for_staff_and_members_cannot_issue_at_all(
    app, db, as_staff, as_member
):
    other_staff = make_staff()
    db.session.commit()
    r = as_staff.post(f"/staff/akun/{other_staff.id}/tautan-sandi")
    assert r.status_code == 302
    assert "auth.reset_issued" not in _actions(db)
    assert as_member.post(f"/staff/akun/{as_member.user.id}/tautan-sandi").status_code == 404
    anon = app.test_client()
    assert anon.post(f"/staff/akun/{as_member.user.id}/tautan-sandi").status_code == 302
    assert "auth.reset_issued" not in _actions(db)


@pytest.fixture
def limited(tmp_path, clock, migrated_template):
    app = create_app(
        {
            **base_config(tmp_path, clock),
            **copy_database(migrated_template, tmp_path),
            "RATELIMIT_ENABLED": True,
            "PASSWORD_RESET_RATE_LIMIT": "5 per 15 minutes",
            "PASSWORD_RESET_ACCOUNT_RATE_LIMIT": "2 per 15 minutes",
        }
    )
    app.test_client_class = CSRFClient
    with app.app_context():
        yield app
        from marketplace.extensions import db

        db.session.remove()
        db.engine.dispose()


def _ask(client, email, ip):
    return client.post(
        "/lupa-kata-sandi", data={"email": email}, environ_base={"REMOTE_ADDR": ip}
    ).status_code


def test_forgot_password_is_rate_limited_per_account_and_per_address(limited):
    client = limited.test_client()
    assert [_ask(client, "a@contoh.id", f"10.0.0.{i}") for i in range(3)] == [200, 200, 429]
    assert [_ask(client, f"o{i}@contoh.id", "10.0.9.9") for i in range(6)] == [200] * 5 + [429]
