"""Requests and access (SECURITY.md 16–18, 21–23): the url_map walks for CSRF and for GETs
that write, the access matrix, mass assignment and repeated fields, ``next``, search and
pagination, escaping and WhatsApp links."""

from __future__ import annotations

import re

import pytest

from marketplace.audit import AuditEvent
from marketplace.listings.models import Business, Listing, ListingStatus
from marketplace.security import is_safe_next
from tests.builders import (
    PASSWORD,
    make_business,
    make_listing,
    make_member,
    make_public_listing,
    make_round,
)
from tests.security.world import (
    KINDS,
    ROLES,
    RULES,
    World,
    changed,
    kind_of,
    methods,
    outcome,
    snapshot,
    url_for_rule,
)


@pytest.fixture
def world(app, clock):
    return World(app, clock)


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def test_every_route_has_an_access_rule(app):
    """A new route must be classified in tests/security/world.py RULES (deny by default)."""
    missing = sorted({r.endpoint for r in _rules(app) if r.endpoint not in RULES})
    assert not missing, f"classify these routes in tests/security/world.py RULES: {missing}"
    unknown_args = sorted(
        {
            (r.endpoint, a)
            for r in _rules(app)
            for a in r.arguments
            if a not in RULES[r.endpoint].objects
        }
    )
    assert not unknown_args, f"give these URL arguments an object in RULES: {unknown_args}"
    stale = sorted(set(RULES) - {r.endpoint for r in _rules(app)})
    assert not stale, f"RULES names routes that no longer exist: {stale}"


# --- the access matrix (17) -------------------------------------------------------------------


def _walk(app, world, role, *, get_walk: bool) -> list[str]:
    """Request every route as ``role``; return what went against ``KINDS``/``RULES``.

    ``get_walk``: only GETs with community A's objects (the "no GET writes" walk);
    otherwise every other cell (B's objects, and refused POSTs with a valid token)."""
    client = world.client(role)
    failures = []
    before = snapshot()
    for rule in _rules(app):
        if rule.endpoint not in RULES:
            continue  # reported by test_every_route_has_an_access_rule
        for owner in ("a", "b") if rule.arguments else ("a",):
            url = url_for_rule(app, rule, owner, world)
            for method in methods(rule):
                if get_walk != (method == "GET" and owner == "a"):
                    continue
                kind = kind_of(rule, method)
                expected = KINDS[kind][role]
                if kind == "member_object" and role in ("member_a", "member_b"):
                    expected = "ok" if role == f"member_{owner}" else "404"  # own objects only
                if method == "POST" and expected == "ok":
                    continue  # allowed POSTs are the features' own tests; here only refusals
                r = client.open(
                    url,
                    method=method,
                    data={"csrf_token": client.csrf_token()} if method == "POST" else None,
                )
                got = outcome(r)
                if (
                    method == "GET"
                    and expected == "ok"
                    and r.status_code == 404
                    and owner == "b"
                    and kind == "public"
                ):
                    got = "ok"  # B's objects need not be public; a 404 is fine, a 500 is not
                if got != expected:
                    failures.append(
                        f"{method} {url} ({rule.endpoint}) as {role}: {got}, expected {expected}"
                    )
                after = snapshot()
                allowed = set(RULES[rule.endpoint].get_writes) if method == "GET" else set()
                diff = set(changed(before, after)) - allowed
                if diff:
                    failures.append(f"{method} {url} as {role} changed {sorted(diff)}")
                before = after
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    """Every route × A's and B's objects for one role: the expected answer, and a refused
    request (GET or POST, with a valid CSRF token) changes nothing. (GETs of A's objects
    are walked by the test below.)"""
    failures = _walk(app, world, role, get_walk=False)
    assert not failures, "\n".join(failures)


# --- no GET writes (16) --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_the_database(app, world, role):
    """A GET to every route with community A's objects, as every role (a member of A, a
    member of B, moderator, admin, anonymous): the expected answer, never a 500, and every
    table as it was but for documented exceptions (``Rule.get_writes``: the WhatsApp tap
    counter) and the audit record of a refusal."""
    failures = _walk(app, world, role, get_walk=True)
    assert not failures, "\n".join(failures)


def test_b_gets_404_for_a_drafts_and_nothing_about_them(app, world):
    client = world.client("member_b")
    r = client.get(f"/portal/produk/{world.a.draft_listing.id}")
    assert r.status_code == 404
    assert world.a.draft_listing.title not in r.get_data(as_text=True)
    r = client.post(
        f"/portal/produk/{world.a.draft_listing.id}/ubah",
        data={"title": "dibajak", "business_id": world.b.business.id},
    )
    assert r.status_code == 404
    app.extensions["sqlalchemy"].session.expire_all()
    assert world.a.draft_listing.title != "dibajak"
    denied = (
        app.extensions["sqlalchemy"]
        .session.execute(
            AuditEvent.__table__.select().where(AuditEvent.action == "security.denied")
        )
        .all()
    )
    assert len(denied) == 2 and all(row.actor_id == world.b.member.id for row in denied)


def test_the_documented_get_write_is_only_the_tap_counter():
    writers = {e: r.get_writes for e, r in RULES.items() if r.get_writes}
    assert writers == {
        "catalogue.whatsapp": ("whatsapp_taps",),
        # #13: a moderator opening a waiting listing claims it (issue 13, item 4)
        "moderation.review": ("listing_claims",),
    }


# --- CSRF (16) -----------------------------------------------------------------------------


def _csrf_cases(world):
    """endpoint → (role allowed to post, owner, a payload that succeeds with a token)."""
    a = world.a
    return {
        "auth.logout": ("member_a", {}),
        "auth.login": ("anonymous", {"email": a.member.email, "password": PASSWORD}),
        "listings.listing_action": ("member_a", {}),
        "listings.business_form": (
            "member_a",
            {
                "name": "Usaha Baru",
                "district_id": a.community.district_id,
                "whatsapp": "0812-3456-7890",
            },
        ),
        "moderation.community_verify": ("moderator", {"note": ""}),
        "moderation.community_suspend": ("moderator", {"reason": "Data palsu"}),
        "rounds.publish_now": ("admin", {}),
        "auth.signup": ("anonymous", {}),
    }


def test_every_post_without_a_token_is_refused_and_changes_nothing(app, world, db):
    """Walk every POST route as a user who may use it; without a token: 400, nothing
    changed but the audit record of the refusal."""
    cases = _csrf_cases(world)
    clients = {role: world.client(role) for role in ROLES}
    failures = []
    for rule in _rules(app):
        if "POST" not in rule.methods or rule.endpoint not in RULES:
            continue
        kind = kind_of(rule, "POST")
        role = cases.get(rule.endpoint, (None,))[0] or next(
            r for r in ("member_a", "admin", "anonymous") if KINDS[kind][r] == "ok"
        )
        payload = dict(cases.get(rule.endpoint, (None, {}))[1])
        url = url_for_rule(app, rule, "a", world)
        if rule.endpoint == "moderation.community_verify":
            url = f"/staff/komunitas/{world.pending.id}/verifikasi"
        client = clients[role]
        before = snapshot()
        count = db.session.query(AuditEvent).filter_by(action="security.csrf_failed").count()
        r = client.post(url, data=payload, csrf=False)
        if r.status_code != 400:
            failures.append(f"POST {url} without token as {role}: {r.status_code}")
        diff = changed(before, snapshot())
        if diff:
            failures.append(f"POST {url} without token changed {diff}")
        if (
            db.session.query(AuditEvent).filter_by(action="security.csrf_failed").count()
            != count + 1
        ):
            failures.append(f"POST {url} without token: no audit record")
        # a token of another session is refused too
        r = client.post(
            url, data={**payload, "csrf_token": clients["member_b"].csrf_token()}, csrf=False
        )
        if r.status_code != 400:
            failures.append(f"POST {url} with another session's token: {r.status_code}")
    assert not failures, "\n".join(failures)


def test_the_refused_posts_would_have_worked_with_a_token(app, world, db):
    """Control for the walk above: the same payloads change the database with a token."""
    for endpoint, (role, payload) in _csrf_cases(world).items():
        if endpoint == "auth.signup":
            continue
        client = world.client(role)
        rule = next(r for r in _rules(app) if r.endpoint == endpoint)
        url = url_for_rule(app, rule, "a", world)
        if endpoint == "moderation.community_verify":
            url = f"/staff/komunitas/{world.pending.id}/verifikasi"
        if endpoint == "moderation.community_suspend":
            url = f"/staff/komunitas/{world.b.community.id}/tangguhkan"
        before = snapshot()
        r = client.post(url, data=payload)
        assert r.status_code in (200, 302), (endpoint, r.status_code)
        assert changed(before, snapshot()), f"{endpoint}: the control POST changed nothing"


def test_logout_needs_a_token(app, world):
    client = world.client("member_a")
    assert client.post("/keluar", csrf=False).status_code == 400
    assert client.get("/portal/").status_code == 200  # still logged in


# --- mass assignment and repeated fields (18) ------------------------------------------------


def test_extra_fields_are_ignored(app, world, db):
    client = world.client("member_a")
    a, b = world.a, world.b
    r = client.post(
        f"/portal/usaha/{a.business.id}/ubah",
        data={
            "name": a.business.name,
            "owner_name": "Pemilik Ganti Nama",  # not a reviewed field (#12): applies at once
            "district_id": a.community.district_id,
            "whatsapp": "0812-3456-7890",
            "community_id": b.community.id,
            "id": b.business.id,
            "verified": "y",
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    business = db.session.get(Business, a.business.id)
    assert (business.owner_name, business.community_id) == ("Pemilik Ganti Nama", a.community.id)
    assert db.session.get(Business, b.business.id).owner_name != "Pemilik Ganti Nama"
    r = client.post(
        f"/portal/produk/{a.draft_listing.id}/ubah",
        data={
            "business_id": a.business.id,
            "category_id": a.draft_listing.category_id,
            "title": "Judul Baru",
            "price": "12000",
            "unit": "pcs",
            "description": "x",
            "keep_photo": [str(p.image_id) for p in a.draft_listing.photos],
            "photo_list": "1",
            "photo": [str(p.image_id) for p in a.draft_listing.photos],
            "status": "approved",
            "community_id": str(b.community.id),
            "round_id": str(world.published_round.id),
            "version": "99",
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    db.session.expire_all()
    listing = db.session.get(Listing, a.draft_listing.id)
    assert listing.title == "Judul Baru"
    assert (listing.status, listing.community_id, listing.round_id) == (
        ListingStatus.DRAFT,
        a.community.id,
        world.open_round.id,
    )


@pytest.mark.parametrize("field", ["name", "whatsapp", "district_id", "csrf_token"])
def test_a_repeated_field_is_an_error(app, world, db, field):
    client = world.client("member_a")
    data = {
        "name": "Usaha Satu",
        "district_id": str(world.a.community.district_id),
        "whatsapp": "0812-3456-7890",
        "csrf_token": client.csrf_token(),
    }
    data[field] = [data[field], data[field] if field == "csrf_token" else "lain"]
    before = snapshot()
    r = client.post("/portal/usaha/baru", data=data, csrf=False)
    assert r.status_code == 400
    assert not changed(before, snapshot())


def test_repeated_photo_fields_are_allowed(app, world):
    from marketplace.security import MULTI_VALUE_FIELDS

    assert {"photos", "keep_photo", "pending_image"} <= MULTI_VALUE_FIELDS


# --- next (21) ---------------------------------------------------------------------------------

EVIL_NEXT = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "／／evil.example",
    "/／evil.example",
    "/＼evil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "\x00//evil.example",
    "/\u3000/evil.example",
    "data:text/html,x",
    "evil.example",
    "",
    None,
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_next_never_leaves_the_site(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        "/portal/",
        "/staff/moderasi/3?status=submitted",
        "/katalog?q=kopi%20susu",
        "/produk/12-keripik",
    ],
)
def test_local_next_is_kept(target):
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "https:evil.example",
        "/\\evil.example",
        "／／evil.example",
    ],
)
def test_login_redirect_with_a_tricky_next_goes_home(app, client, db, target):
    user = make_member()
    db.session.commit()
    r = client.post(
        "/masuk", query_string={"next": target}, data={"email": user.email, "password": PASSWORD}
    )
    assert r.status_code == 302 and r.headers["Location"] == "/portal/"


# --- search and pagination (22) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "%",
        "_",
        "'",
        '"',
        "100%",
        "a_b",
        "'; DROP TABLE listings; --",
        "\\",
        "*",
        "(",
        "NEAR(",
        "AND",
        "\"unbalanced",
        "🌶️",
        "a" * 500,
    ],
)
def test_search_takes_any_text_literally(client, db, q):
    make_public_listing(title="Keripik Pedas")
    db.session.commit()
    r = client.get("/katalog", query_string={"q": q})
    assert r.status_code == 200
    assert "Keripik Pedas" not in r.get_data(as_text=True)
    assert client.get("/api/v1/listings", query_string={"q": q}).status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        {"page": "-1"},
        {"page": "0"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"per_page": "-5"},
        {"per_page": "0"},
        {"per_page": "100000"},
        {"per_page": "x"},
        {"cursor": "garbage"},
        {"cursor": "A" * 5000},
        {"page": "1e9"},
        {"page": "NaN"},
    ],
)
def test_odd_paging_values_never_break(client, as_staff, db, args):
    make_public_listing()
    rnd = make_round()
    db.session.commit()
    for url in (
        "/katalog",
        "/api/v1/listings",
        f"/staff/moderasi/{rnd.id}",
        "/staff/komunitas",
        "/staff/audit",
    ):
        c = as_staff if url.startswith("/staff") else client
        r = c.get(url, query_string=args)
        assert r.status_code in (200, 302, 400, 404), (url, args, r.status_code)


# --- output escaping and WhatsApp links (23) -----------------------------------------------

SCRIPT = '<script>alert("x")</script>'


def test_public_and_staff_output_is_escaped(app, client, as_staff, db):
    listing = make_public_listing(title=f"Kue {SCRIPT}", description=f"Enak {SCRIPT}\n<b>tebal</b>")
    listing.business.name = f"Toko {SCRIPT}"
    listing.business.story = SCRIPT
    submitted = make_listing(ListingStatus.SUBMITTED, title=f"Ajuan {SCRIPT}")
    db.session.commit()
    pages = [
        client.get(f"/produk/{listing.id}", follow_redirects=True),
        client.get("/katalog"),
        client.get(f"/usaha/{listing.business_id}"),
        client.get("/katalog", query_string={"q": SCRIPT}),
        as_staff.get(f"/staff/moderasi/produk/{submitted.id}"),
        as_staff.get(f"/staff/moderasi/{submitted.round_id}"),
    ]
    for r in pages:
        html = r.get_data(as_text=True)
        assert r.status_code == 200
        assert SCRIPT not in html and "<b>tebal</b>" not in html


def test_whatsapp_links_are_digits_and_encoded_text(app, client, db):
    from urllib.parse import parse_qs, urlsplit

    listing = make_public_listing(title='Kopi & Teh #1 ?a=b <b>')
    listing.business.whatsapp = '+62812"<i>34567890'  # fits VARCHAR(20) on PostgreSQL too
    db.session.commit()
    html = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert "<i>34567890" not in html
    r = client.get(f"/produk/{listing.id}/whatsapp")
    assert r.status_code in (302, 303)
    link = urlsplit(r.headers["Location"])
    assert (link.scheme, link.netloc) == ("https", "wa.me")
    assert link.path[1:] == "6281234567890"
    assert set(link.query) <= set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%=-_.~"
    )
    assert "Kopi & Teh #1 ?a=b <b>" in parse_qs(link.query)["text"][0]


# --- 20: one action, one record ---------------------------------------------------------------


def test_a_double_tapped_new_listing_creates_one(as_member, db):
    import io

    from tests.builders import jpeg_bytes

    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    page = as_member.get("/portal/produk/baru").get_data(as_text=True)
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page))
    hidden.pop("csrf_token", None)
    for _ in range(2):
        as_member.post(
            "/portal/produk/baru",
            content_type="multipart/form-data",
            data={
                **hidden,
                "business_id": str(business.id),
                "title": "Keripik",
                "category_id": "1",
                "price": "15rb",
                "unit": "pack",
                "description": "x",
                "action": "submit",
                "photos": [(io.BytesIO(jpeg_bytes()), "a.jpg")],
            },
        )
    assert db.session.query(Listing).count() == 1
