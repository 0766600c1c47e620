"""The community is told (issue #12, item 6): when it is verified or suspended, and when a
business change or a permit check is decided: a notification in the portal, an e-mail to
its members when SMTP is configured, and the text ready for staff to send on WhatsApp."""

from __future__ import annotations

from urllib.parse import unquote

import sqlalchemy as sa

from marketplace.auth.models import CommunityStatus
from marketplace.listings.models import BusinessChange, ChangeStatus
from marketplace.notifications import Notification
from tests.builders import (
    add_permit,
    make_business,
    make_community,
    make_member,
    make_public_listing,
)
from tests.moderation.test_staff_tools import _use_smtp, smtp_server  # noqa: F401


def _notes(db, community_id) -> list[Notification]:
    return list(
        db.session.execute(
            sa.select(Notification)
            .where(Notification.community_id == community_id)
            .order_by(Notification.id)
        ).scalars()
    )


def _body(mail) -> str:
    return mail.get_payload(decode=True).decode()


def test_verification_and_suspension_are_told_in_app_by_e_mail_and_ready_for_whatsapp(
    app,
    db,
    as_staff,
    smtp_server,  # noqa: F811
):
    controller, inbox = smtp_server
    _use_smtp(app, controller.port)
    community = make_community(name="Komunitas Setu Maju", status=CommunityStatus.PENDING)
    coordinator = make_member(community=community)
    db.session.commit()

    r = as_staff.post(f"/staff/komunitas/{community.id}/verifikasi", data={"note": "Selamat!"})
    assert r.status_code == 302
    (note,) = _notes(db, community.id)
    assert note.kind == "community.verify" and "sudah terverifikasi" in note.message
    assert "Catatan: Selamat!" in note.message
    assert len(inbox) == 1 and inbox[0]["To"] == coordinator.email
    assert "terverifikasi" in inbox[0]["Subject"] and "Selamat!" in _body(inbox[0])
    portal_page = as_staff.get(f"/staff/komunitas/{community.id}").get_data(as_text=True)
    start = portal_page.index("https://wa.me/6281234567890?text=")
    link = portal_page[start : portal_page.index('"', start)]
    assert unquote(link.split("text=")[1].replace("&amp;", "&")) == note.message

    r = as_staff.post(
        f"/staff/komunitas/{community.id}/tangguhkan", data={"reason": "Data anggota palsu"}
    )
    assert r.status_code == 302
    latest = _notes(db, community.id)[-1]
    assert latest.kind == "community.suspend" and "Alasan: Data anggota palsu" in latest.message
    assert len(inbox) == 2 and "Data anggota palsu" in _body(inbox[1])


def test_a_refused_suspension_tells_nobody(app, db, as_staff):
    community = make_community()
    db.session.commit()
    r = as_staff.post(f"/staff/komunitas/{community.id}/tangguhkan", data={"reason": ""})
    assert r.status_code == 400
    assert _notes(db, community.id) == []


def test_a_business_change_decision_is_e_mailed(
    app,
    db,
    as_member,
    as_staff,
    smtp_server,  # noqa: F811
):
    controller, inbox = smtp_server
    _use_smtp(app, controller.port)
    business = make_business(as_member.user.community, name="Dodol Bu Ani")
    make_public_listing(business=business)
    db.session.commit()
    as_member.post(
        f"/portal/usaha/{business.id}/ubah",
        data={
            "name": "Dodol Bu Ani Asli",
            "owner_name": business.owner_name,
            "district_id": str(business.district_id),
            "whatsapp": business.whatsapp,
            "story": business.story,
            "current_password": "kata sandi rahasia",
        },
    )
    (change,) = db.session.execute(sa.select(BusinessChange)).scalars()
    r = as_staff.post(
        f"/staff/perubahan-usaha/{change.id}",
        data={
            f"c{change.id}-version": str(change.version),
            f"c{change.id}-refuse": "1",
            f"c{change.id}-reason": "Nama tidak sesuai NIB",
        },
    )
    assert r.status_code == 302
    db.session.refresh(change)
    assert change.status == ChangeStatus.REFUSED
    assert _notes(db, business.community_id)[-1].kind == "business_change"
    (mail,) = inbox
    assert mail["To"] == as_member.user.email and "Dodol Bu Ani" in mail["Subject"]
    assert "ditolak: Nama tidak sesuai NIB" in _body(mail)


def test_a_permit_check_is_told_and_an_unchanged_one_is_not(
    app,
    db,
    as_staff,
    smtp_server,  # noqa: F811
):
    controller, inbox = smtp_server
    _use_smtp(app, controller.port)
    listing = make_public_listing()
    make_member(community=listing.business.community)
    add_permit(listing.business, "halal")
    add_permit(listing.business, "nib", "9120001234567", checked=True)
    db.session.commit()
    url = f"/staff/moderasi/produk/{listing.id}/izin"
    as_staff.post(url, data={"halal_checked": "y"})  # halal checked, NIB's check taken back
    (note,) = _notes(db, listing.community_id)
    assert note.kind == "business.permits" and note.listing_id is None
    assert "Halal sudah diperiksa" in note.message and "NIB belum dapat dipastikan" in note.message
    assert "9120001234567" not in note.message and "ID31110000123" not in note.message
    assert len(inbox) == 1 and "Halal sudah diperiksa" in _body(inbox[0])

    as_staff.post(url, data={"halal_checked": "y"})  # the same again: nothing to tell
    assert len(_notes(db, listing.community_id)) == 1 and len(inbox) == 1
