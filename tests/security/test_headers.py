"""Headers, logs and errors (SECURITY.md 24–26), and the CSRF-expiry page that keeps the
text (16): CSP nonces on every page, HSTS in production, error pages with a request id the
log also has, and the audit trail."""

from __future__ import annotations

import json
import logging
import re
import time as _time

import pytest

from marketplace import create_app
from marketplace.audit import AuditEvent
from marketplace.extensions import db as _db
from marketplace.listings.models import Business, Listing
from tests.builders import PASSWORD, jpeg_bytes, make_business, make_member, make_round
from tests.conftest import CSRFClient, base_config, copy_database, login
from tests.security.world import RULES, World, methods, url_for_rule


@pytest.fixture
def world(app, clock):
    return World(app, clock)


def _check_headers(r, where: str, failures: list[str]) -> None:
    csp = r.headers.get("Content-Security-Policy", "")
    for needle in (
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
    ):
        if needle not in csp:
            failures.append(f"{where}: CSP lacks {needle}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        failures.append(f"{where}: CSP allows unsafe-inline/eval")
    if r.headers.get("X-Content-Type-Options") != "nosniff":
        failures.append(f"{where}: no nosniff")
    if not r.headers.get("Referrer-Policy"):
        failures.append(f"{where}: no Referrer-Policy")
    if r.mimetype == "text/html":
        html = r.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", csp)
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
            if "src=" in tag or 'type="application/ld+json"' in tag:
                continue
            if not nonce or f'nonce="{nonce.group(1)}"' not in tag:
                failures.append(f"{where}: inline script without this response's nonce: {tag}")
        if re.search(
            r"\son[a-z]+\s*=", re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I)
        ):
            failures.append(f"{where}: an inline event handler (on...=)")


@pytest.mark.parametrize("role", ["anonymous", "member_a", "admin"])
def test_every_page_has_the_security_headers_and_no_inline_script_without_a_nonce(app, world, role):
    client = world.client(role)
    failures: list[str] = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in RULES or "GET" not in methods(rule):
            continue
        url = url_for_rule(app, rule, "a", world)
        _check_headers(client.get(url), f"GET {url} as {role}", failures)
    for url in ("/tidak-ada", "/produk/999999", "/staff/komunitas/999999"):
        _check_headers(client.get(url), f"GET {url}", failures)
    _check_headers(client.post("/keluar", csrf=False), "POST /keluar without a token", failures)
    assert not failures, "\n".join(failures)


def test_nonces_differ_per_response(app, world):
    client = world.client("admin")
    seen = {
        re.search(
            r"'nonce-([^']+)'",
            client.get("/staff/").headers["Content-Security-Policy"] + "'nonce-x'",
        ).group(1)
        for _ in range(3)
    }
    assert len(seen) in (1, 3)  # either no nonce is used on the page, or a new one each time


def _production_app(tmp_path, clock, migrated_template):
    app = create_app(
        {
            **base_config(tmp_path, clock),
            **copy_database(migrated_template, tmp_path),
            "APP_ENV": "production",
        }
    )
    app.test_client_class = CSRFClient
    return app


def test_hsts_in_production_only(app, client, tmp_path, clock, migrated_template):
    assert "Strict-Transport-Security" not in client.get("/").headers
    (tmp_path / "p").mkdir()
    prod = _production_app(tmp_path / "p", clock, migrated_template)
    with prod.app_context():
        c = prod.test_client()
        for url in ("/", "/tidak-ada"):
            hsts = c.get(url, base_url="https://localhost").headers.get(
                "Strict-Transport-Security", ""
            )
            assert "max-age=31536000" in hsts, url
        _db.session.remove()
        _db.engine.dispose()


# --- 26: error pages --------------------------------------------------------------------------


def test_a_500_is_our_page_with_a_request_id_the_log_has(app, client, caplog):
    def boom():
        raise RuntimeError("secret detail from the database")

    app.add_url_rule("/_boom", "boom", boom)
    caplog.set_level(logging.ERROR)
    r = client.get("/_boom")
    html = r.get_data(as_text=True)
    assert r.status_code == 500 and "Terjadi kesalahan" in html
    assert "Traceback" not in html and "secret detail" not in html
    rid = re.search(r"Kode permintaan: ([0-9a-f]{16})", html).group(1)
    assert any(rid in rec.getMessage() for rec in caplog.records)
    assert "Content-Security-Policy" in r.headers


def test_an_incoming_request_id_is_kept(client):
    r = client.get("/tidak-ada", headers={"X-Request-Id": "abc123def"})
    assert r.status_code == 404 and "abc123def" in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "url,status", [("/tidak-ada", 404), ("/produk/abc", 404), ("/portal/produk/1/salin", 405)]
)
def test_error_pages_are_ours_in_indonesian(client, url, status):
    r = client.get(url)
    assert r.status_code == status and "Kode permintaan" in r.get_data(as_text=True)


# --- 16: a token that expired while a long form was typed ----------------------------------------


def _expired_token(client, monkeypatch) -> str:
    """A token of this session signed 9 hours ago (the limit is 8)."""
    import itsdangerous.timed
    from itsdangerous import URLSafeTimedSerializer

    client.csrf_token()  # make sure the session holds its raw token
    with client.session_transaction() as sess:
        raw = sess["csrf_token"]

    class Past:
        @staticmethod
        def time():
            return _time.time() - 9 * 3600

    with monkeypatch.context() as m:
        m.setattr(itsdangerous.timed, "time", Past)
        return URLSafeTimedSerializer(
            client.application.config["SECRET_KEY"], salt="wtf-csrf-token"
        ).dumps(raw)


LONG = "Keripik singkong dari kebun sendiri, digoreng pagi hari.\n" * 20


def test_expired_token_on_the_listing_form_keeps_the_text(as_member, db, monkeypatch):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    data = {
        "business_id": str(business.id),
        "title": "Keripik Panjang Ceritanya",
        "category_id": "1",
        "price": "15rb",
        "unit": "pack",
        "description": LONG,
        "csrf_token": _expired_token(as_member, monkeypatch),
    }
    r = as_member.post("/portal/produk/baru", data=data, csrf=False)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "kedaluwarsa" in html
    assert 'value="Keripik Panjang Ceritanya"' in html and "digoreng pagi hari." in html
    assert db.session.execute(db.select(Listing)).first() is None
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    r = as_member.post(
        "/portal/produk/baru",
        data={
            **data,
            "csrf_token": fresh,
            "photos": [(__import__("io").BytesIO(jpeg_bytes()), "a.jpg")],
        },
        csrf=False,
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert (
        db.session.execute(db.select(Listing))
        .scalar_one()
        .description.startswith("Keripik singkong")
    )


def test_expired_token_on_the_business_form_keeps_the_text(as_member, db, monkeypatch):
    data = {
        "name": "Warung Bu Sri",
        "district_id": str(as_member.user.community.district_id),
        "whatsapp": "0812-3456-7890",
        "story": LONG,
        "csrf_token": _expired_token(as_member, monkeypatch),
    }
    r = as_member.post("/portal/usaha/baru", data=data, csrf=False)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "kedaluwarsa" in html
    assert 'value="Warung Bu Sri"' in html and "digoreng pagi hari." in html
    assert db.session.execute(db.select(Business)).first() is None
    assert db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "security.csrf_failed")
    ).scalar_one()


def test_expired_token_elsewhere_is_a_clear_page(as_member, monkeypatch):
    r = as_member.post(
        "/keluar", data={"csrf_token": _expired_token(as_member, monkeypatch)}, csrf=False
    )
    assert r.status_code == 400 and "kedaluwarsa" in r.get_data(as_text=True)
    assert as_member.get("/portal/").status_code == 200


# --- 25: the audit trail -----------------------------------------------------------------------


def test_the_audit_trail_records_the_security_events_in_utc_without_secrets(app, db, caplog, clock):
    caplog.set_level(logging.INFO, logger="marketplace.audit")
    user = make_member()
    other = make_member()
    foreign = make_business(other.community)
    db.session.commit()
    client = app.test_client()
    client.post("/masuk", data={"email": user.email, "password": "salah sekali"})
    client.post("/masuk", data={"email": "nobody@contoh.id", "password": "juga salah"})
    login(client, user)
    client.get(f"/portal/usaha/{foreign.id}/ubah")  # authorisation failure
    client.post("/portal/usaha/baru", data={"name": "x"}, csrf=False)  # CSRF failure
    client.post(
        "/akun/kata-sandi",
        data={
            "current_password": PASSWORD,
            "new_password": "bunga mawar merah",
            "confirm_password": "bunga mawar merah",
        },
    )
    client.post("/keluar")
    events = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    actions = [e.action for e in events]
    for action in (
        "auth.login_failed",
        "auth.login",
        "security.denied",
        "security.csrf_failed",
        "auth.password_changed",
        "auth.logout",
    ):
        assert action in actions, action
    assert all(e.created_at.utcoffset().total_seconds() == 0 for e in events)
    dump = json.dumps([[e.reason, e.note, e.details] for e in events], default=str) + caplog.text
    for secret in (PASSWORD, "salah sekali", "juga salah", "bunga mawar merah"):
        assert secret not in dump


def test_each_audit_record_is_one_log_line_even_with_newlines_in_names(app, client, db, caplog):
    caplog.set_level(logging.INFO, logger="marketplace.audit")
    r = client.post(
        "/daftar",
        data={
            "community_name": "Komunitas\nPalsu\r\naction=auth.login",
            "district_id": 1,
            "contact_name": "Sri\nWahyuni",
            "contact_phone": "0812-3456-7890",
            "email": "sri@contoh.id",
            "password": "bunga mawar merah",
        },
    )
    assert r.status_code in (302, 400)
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "marketplace.audit"]
    count = db.session.query(AuditEvent).count()
    assert len(lines) == count and count >= 1
    for line in lines:
        assert "\n" not in line and "\r" not in line
        assert json.loads(line.split(" ", 1)[1])["action"]


def test_a_rolled_back_change_leaves_no_audit_line(app, db, caplog):
    from marketplace import audit

    caplog.set_level(logging.INFO, logger="marketplace.audit")
    audit.record("listing.update", object_type="listing", object_id=1)
    db.session.flush()
    db.session.rollback()
    assert not [r for r in caplog.records if r.name == "marketplace.audit"]


def test_listing_decision_and_round_changes_are_audited(app, db, as_member, as_admin, clock):
    """Listing changes, moderation decisions and round changes each leave a record with
    who, from and to (the details are the features' own tests)."""
    from marketplace.listings.models import ListingStatus
    from tests.builders import make_listing

    rnd = make_round()
    listing = make_listing(
        ListingStatus.SUBMITTED, business=make_business(as_member.user.community), rnd=rnd
    )
    db.session.commit()
    from marketplace.moderation.decisions import decide

    decide(
        listing,
        "approve",
        moderator=as_admin.user,
        seen_version=listing.version,
        reason_id=None,
        reason_text="",
        note="",
        now=clock(),
    )
    db.session.commit()
    r = as_admin.post(f"/staff/rounds/{rnd.id}/tayangkan", data={})
    assert r.status_code == 302
    actions = {e.action: e for e in db.session.execute(db.select(AuditEvent)).scalars()}
    assert actions["listing.approve"].actor_id == as_admin.user.id
    assert (actions["listing.approve"].from_state, actions["listing.approve"].to_state) == (
        "submitted",
        "approved",
    )
    assert actions["round.publish_now"].actor_id == as_admin.user.id


def test_the_csp_nonce_is_the_one_the_page_used_and_fresh_per_response(app):
    """#18 item 7: the test above passes with no nonce, a fixed one or a fresh one (no page
    uses one today). Here a response whose page asked for a nonce must carry exactly it in
    its CSP, a second response a different one, and a page that asked for none, none."""
    from flask import Response, g

    from marketplace.security import csp_nonce

    def one_response(use_nonce: bool) -> tuple[str | None, str]:
        with app.test_request_context("/"):
            g.__dict__.clear()  # the fixture's app context is reused: a request's g is new
            app.preprocess_request()
            used = csp_nonce() if use_nonce else None
            response = app.process_response(Response("<p>x</p>"))
            return used, response.headers["Content-Security-Policy"]

    first, csp1 = one_response(True)
    second, csp2 = one_response(True)
    assert first and second and first != second and len(first) >= 16
    assert f"'nonce-{first}'" in csp1 and f"'nonce-{second}'" in csp2
    assert first not in csp2
    _none, csp3 = one_response(False)
    assert "nonce-" not in csp3
