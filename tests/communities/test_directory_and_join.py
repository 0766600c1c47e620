"""The public "Komunitas UMKM" directory and "Minta bergabung" requests (#14 item 3)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from marketplace import create_app
from marketplace.audit import AuditEvent
from marketplace.auth.models import CommunityStatus
from marketplace.communities.models import JoinRequest, JoinStatus
from tests.builders import (
    category,
    make_business,
    make_community,
    make_member,
    make_public_listing,
    make_user,
)
from tests.conftest import CSRFClient, base_config, copy_database, login

DATA = {"name": "Bu Ani", "whatsapp": "0812-1111-2222", "sells": "Kue kering"}


def test_directory_filters_by_kecamatan_and_category_and_hides_pending(app, db, client):
    anggrek = make_community("Komunitas Anggrek", district_slug="pamulang")
    make_community("Komunitas Bougenville", district_slug="serpong")
    make_community("Komunitas Cempaka", status=CommunityStatus.PENDING)
    make_public_listing(business=make_business(anggrek))
    db.session.commit()
    page = client.get("/komunitas").get_data(as_text=True)
    assert "Komunitas Anggrek" in page and "Komunitas Bougenville" in page
    assert "Komunitas Cempaka" not in page
    page = client.get("/komunitas?kecamatan=serpong").get_data(as_text=True)
    assert "Komunitas Bougenville" in page and "Komunitas Anggrek" not in page
    slug = category().slug
    page = client.get(f"/komunitas?kategori={slug}").get_data(as_text=True)
    assert "Komunitas Anggrek" in page and "Komunitas Bougenville" not in page
    for odd in ("?kecamatan=%27%22%3C", "?kategori=%25", "?kecamatan=" + "x" * 500):
        assert client.get("/komunitas" + odd).status_code == 200


def test_join_request_is_private_and_the_coordinator_accepts(app, db, client):
    community = make_community("Komunitas Anggrek")
    coordinator = make_user(community=community)
    db.session.commit()
    r = client.post(
        f"/komunitas/{community.slug}/gabung",
        data={**DATA, "name": "<script>alert(1)</script> Bu Ani"},
    )
    assert r.status_code == 200 and "Permintaan terkirim" in r.get_data(as_text=True)
    req = db.session.execute(db.select(JoinRequest)).scalar_one()
    assert req.whatsapp == "+6281211112222" and req.status == JoinStatus.PENDING
    # nothing typed is public
    for path in ("/komunitas", f"/komunitas/{community.slug}"):
        assert "Bu Ani" not in client.get(path).get_data(as_text=True)
    # the same number again: no duplicate
    client.post(f"/komunitas/{community.slug}/gabung", data=DATA)
    assert db.session.execute(db.select(db.func.count(JoinRequest.id))).scalar_one() == 1
    login(client, coordinator)
    page = client.get("/portal/permintaan-gabung").get_data(as_text=True)
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    r = client.post(f"/portal/permintaan-gabung/{req.id}/terima")
    assert r.status_code == 302
    db.session.refresh(req)
    assert req.status == JoinStatus.ACCEPTED and req.decided_by_id == coordinator.id
    page = client.get("/portal/permintaan-gabung").get_data(as_text=True)
    start = page.index("https://wa.me/6281211112222?text=")
    text = unquote(page[start : page.index('"', start)].split("text=")[1])
    assert "kami terima" in text
    # answered twice: told, nothing changes
    r = client.post(f"/portal/permintaan-gabung/{req.id}/tolak", follow_redirects=True)
    assert "sudah dijawab" in r.get_data(as_text=True)
    actions = [e.action for e in db.session.execute(db.select(AuditEvent)).scalars()]
    assert actions.count("join.request") == 1 and actions.count("join.accept") == 1


def test_bad_input_keeps_the_form_and_bots_are_ignored(app, db, client):
    community = make_community()
    db.session.commit()
    r = client.post(
        f"/komunitas/{community.slug}/gabung", data={**DATA, "whatsapp": "12345", "sells": ""}
    )
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and 'value="Bu Ani"' in text and "wajib diisi" in text
    r = client.post(f"/komunitas/{community.slug}/gabung", data={**DATA, "website": "http://x"})
    assert r.status_code == 200
    assert db.session.execute(db.select(db.func.count(JoinRequest.id))).scalar_one() == 0
    pending = make_community(status=CommunityStatus.PENDING)
    db.session.commit()
    assert client.get(f"/komunitas/{pending.slug}/gabung").status_code == 404


def test_only_the_own_coordinator_decides(app, db, client):
    community = make_community()
    other = make_member()
    plain = make_user(community=community, coordinator=False)
    db.session.commit()
    client.post(f"/komunitas/{community.slug}/gabung", data=DATA)
    req = db.session.execute(db.select(JoinRequest)).scalar_one()
    login(client, other)
    assert client.post(f"/portal/permintaan-gabung/{req.id}/terima").status_code == 404
    c2 = app.test_client()
    login(c2, plain)
    c2.post(f"/portal/permintaan-gabung/{req.id}/terima")
    db.session.refresh(req)
    assert req.status == JoinStatus.PENDING


@pytest.fixture
def limited(tmp_path, clock, migrated_template):
    app = create_app(
        {
            **base_config(tmp_path, clock),
            **copy_database(migrated_template, tmp_path),
            "RATELIMIT_ENABLED": True,
            "JOIN_REQUEST_RATE_LIMIT": "3 per hour",
        }
    )
    app.test_client_class = CSRFClient
    with app.app_context():
        yield app
        from marketplace.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_a_flood_of_requests_is_throttled(limited):
    from marketplace.extensions import db

    community = make_community()
    db.session.commit()
    client = limited.test_client()
    codes = [
        client.post(
            f"/komunitas/{community.slug}/gabung", data={**DATA, "whatsapp": f"0812111122{i:02d}"}
        ).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
