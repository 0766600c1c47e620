"""Roles inside a community (#14 item 2): the coordinator keeps everything and manages
members; a member keeps the businesses assigned to them and their listings."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.audit import AuditEvent
from marketplace.listings.models import Business, ListingStatus
from marketplace.moderation.decisions import decision_email
from marketplace.notifications import notify
from tests.builders import make_business, make_community, make_listing, make_round, make_user
from tests.conftest import login

FORM = {
    "name": "Kue Bu Ani",
    "owner_name": "Ani",
    "district_id": "1",
    "whatsapp": "0812-1111-2222",
}


def _client(app, user):
    c = app.test_client()
    assert login(c, user).status_code == 302
    return c


def _setup(db):
    community = make_community("Komunitas Anggrek")
    coordinator = make_user(community=community)
    ani = make_user(community=community, coordinator=False)
    budi = make_user(community=community, coordinator=False)
    mine = make_business(community, name="Usaha Ani")
    mine.keeper_id = ani.id
    theirs = make_business(community, name="Usaha Budi")
    theirs.keeper_id = budi.id
    unassigned = make_business(community, name="Usaha Koordinator")
    rnd = make_round()
    listings = {
        b.name: make_listing(ListingStatus.DRAFT, business=b, rnd=rnd, title=f"Produk {b.name}")
        for b in (mine, theirs, unassigned)
    }
    db.session.commit()
    return community, coordinator, ani, budi, (mine, theirs, unassigned), listings


def test_a_member_keeps_only_the_businesses_assigned_to_them(app, db):
    community, coordinator, ani, budi, (mine, theirs, unassigned), listings = _setup(db)
    c = _client(app, ani)
    page = c.get("/portal/usaha").get_data(as_text=True)
    assert "Usaha Ani" in page and "Usaha Budi" not in page and "Usaha Koordinator" not in page
    assert c.get(f"/portal/usaha/{mine.id}/ubah").status_code == 200
    for other in (theirs, unassigned):
        assert c.get(f"/portal/usaha/{other.id}/ubah").status_code == 404
        r = c.post(f"/portal/usaha/{other.id}/ubah", data={**FORM, "name": "Diubah"})
        assert r.status_code == 404
        db.session.refresh(other)
        assert other.name != "Diubah"
        assert c.get(f"/portal/produk/{listings[other.name].id}").status_code == 404
    assert c.get(f"/portal/produk/{listings['Usaha Ani'].id}").status_code == 200
    dashboard = c.get("/portal/").get_data(as_text=True)
    assert "Produk Usaha Ani" in dashboard and "Produk Usaha Budi" not in dashboard
    # what a member adds, they keep
    r = c.post("/portal/usaha/baru", data=FORM)
    assert r.status_code == 302
    added = db.session.execute(
        sa.select(Business).where(Business.name == "Kue Bu Ani")
    ).scalar_one()
    assert added.keeper_id == ani.id
    # the coordinator keeps all
    boss = _client(app, coordinator)
    page = boss.get("/portal/usaha").get_data(as_text=True)
    assert "Usaha Budi" in page and "Usaha Koordinator" in page and "Kue Bu Ani" in page
    assert boss.get(f"/portal/produk/{listings['Usaha Budi'].id}").status_code == 200


def test_the_coordinator_assigns_businesses_and_hands_over_the_role(app, db):
    community, coordinator, ani, budi, (mine, theirs, unassigned), _listings = _setup(db)
    outsider = make_user(community=make_community("Komunitas Lain"))
    db.session.commit()
    # a member may not assign, nor make themselves coordinator
    c = _client(app, ani)
    c.post(f"/portal/usaha/{unassigned.id}/pemegang", data={"keeper_id": str(ani.id)})
    c.post(f"/portal/anggota/{ani.id}/jadikan-koordinator")
    db.session.refresh(unassigned)
    db.session.refresh(ani)
    assert unassigned.keeper_id is None and not ani.is_coordinator
    # another community's coordinator gets 404
    o = _client(app, outsider)
    assert o.post(f"/portal/usaha/{unassigned.id}/pemegang", data={}).status_code == 404
    assert o.post(f"/portal/anggota/{ani.id}/jadikan-koordinator").status_code == 404
    boss = _client(app, coordinator)
    # a member of another community cannot be made keeper
    boss.post(f"/portal/usaha/{unassigned.id}/pemegang", data={"keeper_id": str(outsider.id)})
    db.session.refresh(unassigned)
    assert unassigned.keeper_id is None
    r = boss.post(f"/portal/usaha/{unassigned.id}/pemegang", data={"keeper_id": str(ani.id)})
    assert r.status_code == 302
    db.session.refresh(unassigned)
    assert unassigned.keeper_id == ani.id
    assert c.get(f"/portal/usaha/{unassigned.id}/ubah").status_code == 200
    boss.post(f"/portal/usaha/{theirs.id}/pemegang", data={"keeper_id": ""})
    db.session.refresh(theirs)
    assert theirs.keeper_id is None
    # hand the role to Budi: Budi manages now, the old coordinator is a member
    assert boss.post(f"/portal/anggota/{budi.id}/jadikan-koordinator").status_code == 302
    db.session.refresh(coordinator)
    db.session.refresh(budi)
    assert budi.is_coordinator and not coordinator.is_coordinator
    assert boss.get("/portal/usaha/impor").status_code == 403
    assert _client(app, budi).get("/portal/usaha/impor").status_code == 200
    actions = [e.action for e in db.session.execute(sa.select(AuditEvent)).scalars()]
    assert actions.count("business.keeper") == 2
    assert actions.count("member.coordinator_handover") == 1


def test_each_member_gets_their_own_notifications_and_the_coordinator_all(app, db, clock):
    community, coordinator, ani, budi, _b, listings = _setup(db)
    for name in ("Usaha Ani", "Usaha Budi"):
        notify(
            community.id,
            f"Keputusan untuk {name}",
            kind="listing.approve",
            at=clock(),
            listing_id=listings[name].id,
        )
    notify(community.id, "Edisi dibuka untuk semua", kind="round.opened#1", at=clock())
    db.session.commit()
    page = _client(app, ani).get("/portal/notifikasi").get_data(as_text=True)
    assert "Keputusan untuk Usaha Ani" in page and "Edisi dibuka untuk semua" in page
    assert "Keputusan untuk Usaha Budi" not in page
    page = _client(app, coordinator).get("/portal/notifikasi").get_data(as_text=True)
    assert "Keputusan untuk Usaha Ani" in page and "Keputusan untuk Usaha Budi" in page
    recipients, _subject, _body = decision_email(listings["Usaha Ani"], "x")
    assert sorted(recipients) == sorted([coordinator.email, ani.email])
