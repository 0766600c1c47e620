"""Business changes reviewed (issue #12, item 2): while a business has approved or public
listings, a change to its public fields waits for a moderator and shoppers keep the old,
checked values everywhere; staff approve or refuse from the "Perubahan usaha" queue."""

from __future__ import annotations

import pytest

from marketplace.audit import AuditEvent
from marketplace.clock import now
from marketplace.errors import StaleVersion
from marketplace.inputs import format_phone
from marketplace.instagram.services import post_caption
from marketplace.listings.models import BusinessChange, ChangeStatus, ListingStatus
from marketplace.moderation.business_changes import decide_change
from marketplace.notifications import Notification
from tests.builders import make_business, make_listing, make_public_listing, make_published_round

OLD, NEW = "+6281234567890", "+6281399998888"


def _form(business, **changes):
    data = {
        "name": business.name,
        "owner_name": business.owner_name,
        "district_id": str(business.district_id),
        "whatsapp": business.whatsapp,
        "story": business.story,
        "current_password": "kata sandi rahasia",
    }
    data.update(changes)
    return data


def _served_numbers(client, listing) -> dict[str, bool]:
    """Does each public surface carry the NEW number?"""
    digits = NEW.lstrip("+")
    # (the listing page, the cards and the API (#16) carry no number: their WhatsApp link is
    # the counting redirect, checked here)
    tap = client.get(f"/produk/{listing.id}/whatsapp")
    api = client.get(f"/api/v1/listings/{listing.id}").get_json()
    assert api["business"]["whatsapp_url"].endswith(f"/produk/{listing.id}/whatsapp")
    return {
        "redirect": digits in tap.headers.get("Location", ""),
        "kit": "1399" in post_caption(listing.round, [listing], part=1, parts=1).replace("-", ""),
    }


def test_a_whatsapp_change_is_not_served_until_a_moderator_approves(
    app, db, client, as_member, as_staff
):
    app.config["PAGE_CACHE"] = False
    business = make_business(as_member.user.community)
    listing = make_public_listing(rnd=make_published_round(), business=business)
    db.session.commit()
    r = as_member.post(f"/portal/usaha/{business.id}/ubah", data=_form(business, whatsapp=NEW))
    assert r.status_code == 302
    db.session.refresh(business)
    assert business.whatsapp == OLD
    (change,) = db.session.execute(db.select(BusinessChange)).scalars()
    assert change.status == ChangeStatus.PENDING and change.changes == {"whatsapp": [OLD, NEW]}
    assert not any(_served_numbers(client, listing).values())
    portal = as_member.get("/portal/usaha").get_data(as_text=True)
    assert "Perubahan menunggu persetujuan" in portal
    form = as_member.get(f"/portal/usaha/{business.id}/ubah").get_data(as_text=True)
    assert format_phone(NEW) in form  # goes on from what is waiting, written as people write it

    queue = as_staff.get("/staff/perubahan-usaha").get_data(as_text=True)
    # old and new as people write them (0812-3456-7890), the new one under the old
    assert format_phone(OLD) in queue and format_phone(NEW) in queue and "Nomor WhatsApp" in queue
    assert queue.index(format_phone(OLD)) < queue.index(format_phone(NEW))
    assert "<th>" + "Menjadi" not in queue
    r = as_staff.post(
        f"/staff/perubahan-usaha/{change.id}",
        data={f"c{change.id}-version": str(change.version), f"c{change.id}-approve": "1"},
    )
    assert r.status_code == 302
    db.session.refresh(business)
    assert business.whatsapp == NEW
    assert all(_served_numbers(client, listing).values())
    actions = [
        e.action
        for e in db.session.execute(
            db.select(AuditEvent).where(AuditEvent.object_type == "business")
        ).scalars()
    ]
    assert "business.change_request" in actions and "business.change_approve" in actions
    notes = db.session.execute(db.select(Notification.message)).scalars().all()
    assert any("disetujui" in n for n in notes)


def test_a_refused_change_keeps_the_old_values_and_tells_the_community_why(
    app, db, as_member, as_staff
):
    business = make_business(as_member.user.community)
    make_listing(ListingStatus.APPROVED, business=business)  # approved, not yet public
    db.session.commit()
    as_member.post(f"/portal/usaha/{business.id}/ubah", data=_form(business, name="Nama Palsu"))
    (change,) = db.session.execute(db.select(BusinessChange)).scalars()
    url = f"/staff/perubahan-usaha/{change.id}"
    prefix = f"c{change.id}-"
    r = as_staff.post(url, data={prefix + "version": str(change.version), prefix + "refuse": "1"})
    assert r.status_code == 302
    db.session.refresh(change)
    assert change.status == ChangeStatus.PENDING  # a refusal needs a reason
    as_staff.post(
        url,
        data={
            prefix + "version": str(change.version),
            prefix + "refuse": "1",
            prefix + "reason": "Nama tidak sesuai NIB.",
        },
    )
    db.session.refresh(change)
    db.session.refresh(business)
    assert change.status == ChangeStatus.REFUSED and business.name == "Keripik Bu Sri"
    portal = as_member.get("/portal/usaha").get_data(as_text=True)
    assert "Perubahan ditolak" in portal and "Nama tidak sesuai NIB." in portal


def test_a_business_with_nothing_public_changes_freely(app, db, as_member):
    business = make_business(as_member.user.community)
    make_listing(ListingStatus.SUBMITTED, business=business)
    db.session.commit()
    as_member.post(f"/portal/usaha/{business.id}/ubah", data=_form(business, whatsapp=NEW))
    db.session.refresh(business)
    assert business.whatsapp == NEW
    assert db.session.execute(db.select(BusinessChange)).first() is None


def test_a_decision_on_a_version_the_moderator_did_not_see_is_refused(app, db, as_member, as_staff):
    business = make_business(as_member.user.community)
    make_public_listing(rnd=make_published_round(), business=business)
    db.session.commit()
    url = f"/portal/usaha/{business.id}/ubah"
    as_member.post(url, data=_form(business, whatsapp=NEW))
    (change,) = db.session.execute(db.select(BusinessChange)).scalars()
    seen = change.version
    # the community edits again: the same pending change, a new version
    as_member.post(url, data=_form(business, whatsapp="+6281377776666"))
    db.session.refresh(change)
    assert change.version == seen + 1 and change.changes["whatsapp"][1] == "+6281377776666"
    with pytest.raises(StaleVersion):
        decide_change(change, approve=True, version=seen, reason="", actor=as_staff.user, now=now())
    db.session.rollback()
    db.session.refresh(business)
    assert business.whatsapp == OLD
    # editing back to the live values withdraws the change
    as_member.post(url, data=_form(business, whatsapp=OLD))
    db.session.refresh(change)
    assert change.status == ChangeStatus.WITHDRAWN


def test_two_moderators_deciding_at_once_one_wins(app, db, as_member, as_staff):
    business = make_business(as_member.user.community)
    make_public_listing(rnd=make_published_round(), business=business)
    db.session.commit()
    as_member.post(f"/portal/usaha/{business.id}/ubah", data=_form(business, whatsapp=NEW))
    (change,) = db.session.execute(db.select(BusinessChange)).scalars()
    v = change.version
    decide_change(change, approve=True, version=v, reason="", actor=as_staff.user, now=now())
    db.session.commit()
    with pytest.raises(StaleVersion):
        decide_change(change, approve=False, version=v, reason="x", actor=as_staff.user, now=now())
