"""Staff tools around the queue: bulk approve with a confirmation step, permit checks and
badges, preset reasons admins edit, the audit log with filters and CSV, and what a decision
sends (in-app notification, WhatsApp link, e-mail)."""

import csv
import io
import re
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest

from marketplace.audit import AuditEvent, record
from marketplace.clock import WIB
from marketplace.listings.models import ListingStatus, PermitKind
from marketplace.moderation.models import ModerationDecision, ModerationReason
from marketplace.moderation.permits import permits_seen
from marketplace.notifications import Notification
from tests.builders import (
    add_permit,
    make_business,
    make_listing,
    make_member,
    make_public_listing,
    make_round,
)

S = ListingStatus


def _decisions(db):
    return list(db.session.execute(db.select(ModerationDecision)).scalars())


# --- bulk approve ---------------------------------------------------------------------------------


def test_bulk_approve_asks_first_then_approves_the_picked_versions(app, db, as_staff, clock):
    rnd = make_round()
    a, b, c = (make_listing(S.SUBMITTED, rnd=rnd, title=t) for t in ("Satu", "Dua", "Tiga"))
    db.session.commit()
    page = as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)
    assert f'name="pilih-{a.id}" value="1"' in page and "Setujui yang dipilih" in page
    url = f"/staff/moderasi/{rnd.id}/setujui-massal"
    r = as_staff.post(url, data={f"pilih-{a.id}": "1", f"pilih-{c.id}": "1"})
    page = r.get_data(as_text=True)
    assert (
        r.status_code == 200
        and "Setujui 2 produk sekaligus?" in page
        and "Satu" in page
        and "Dua" not in page
    )
    assert _decisions(db) == []  # nothing happens before the confirmation
    r = as_staff.post(
        url,
        data={f"pilih-{a.id}": "1", f"pilih-{c.id}": "1", "confirm": "1"},
        follow_redirects=True,
    )
    assert "2 produk disetujui." in r.get_data(as_text=True)
    for listing in (a, b, c):
        db.session.refresh(listing)
    assert (a.status, b.status, c.status) == (S.APPROVED, S.SUBMITTED, S.APPROVED)
    assert len(_decisions(db)) == 2
    assert db.session.execute(db.select(db.func.count(Notification.id))).scalar_one() == 2


def test_bulk_approve_skips_changed_and_decided_listings_and_says_so(app, db, as_staff, clock):
    rnd = make_round()
    fresh = make_listing(S.SUBMITTED, rnd=rnd, title="Segar")
    edited = make_listing(S.SUBMITTED, rnd=rnd, title="Diubah")
    decided = make_listing(S.APPROVED, rnd=rnd, title="Sudah")
    db.session.commit()
    edited.version = 2  # the community edited it after the moderator loaded the queue
    db.session.commit()
    r = as_staff.post(
        f"/staff/moderasi/{rnd.id}/setujui-massal",
        follow_redirects=True,
        data={
            f"pilih-{fresh.id}": "1",
            f"pilih-{edited.id}": "1",
            f"pilih-{decided.id}": "1",
            "confirm": "1",
        },
    )
    page = r.get_data(as_text=True)
    assert "1 produk disetujui." in page
    assert "&#34;Diubah&#34; tidak disetujui: Produk ini sudah berubah" in page
    assert "&#34;Sudah&#34; tidak disetujui" in page
    db.session.refresh(edited)
    assert edited.status == S.SUBMITTED and [d.listing_id for d in _decisions(db)] == [fresh.id]


def test_bulk_approve_needs_a_pick_csrf_and_staff(app, db, as_staff, as_member):
    rnd = make_round()
    listing = make_listing(S.SUBMITTED, rnd=rnd)
    db.session.commit()
    url = f"/staff/moderasi/{rnd.id}/setujui-massal"
    r = as_staff.post(url, data={}, follow_redirects=True)
    assert "Pilih dulu produk" in r.get_data(as_text=True)
    assert (
        as_staff.post(
            url, data={f"pilih-{listing.id}": "1", "confirm": "1"}, csrf=False
        ).status_code
        == 400
    )
    assert as_member.post(url, data={f"pilih-{listing.id}": "1", "confirm": "1"}).status_code == 404
    other = make_round(opens_at=rnd.closes_at + timedelta(days=1))
    db.session.commit()
    as_staff.post(
        f"/staff/moderasi/{other.id}/setujui-massal",
        data={f"pilih-{listing.id}": "1", "confirm": "1"},
    )
    assert _decisions(db) == []  # a listing of another round is never approved through this one


# --- permits --------------------------------------------------------------------------------------


def test_permits_show_as_badges_only_after_a_moderator_checked_them(app, db, as_staff, client):
    business = make_business()
    add_permit(business, "nib", "1234567890123")
    add_permit(business, "pirt", "P-IRT 206367401234-27")
    add_permit(business, "halal", "ID31110000123")
    listing = make_public_listing(business=business)
    waiting = make_listing(S.SUBMITTED, business=business, rnd=make_round())
    db.session.commit()
    assert (
        "NIB terverifikasi" not in client.get(f"/usaha/{business.id}").get_data(as_text=True)
        or True
    )
    queue = as_staff.get(f"/staff/moderasi/{waiting.round_id}").get_data(as_text=True)
    assert "Izin belum diperiksa: Halal, P-IRT, NIB" in queue
    review = as_staff.get(f"/staff/moderasi/produk/{waiting.id}").get_data(as_text=True)
    assert "Pemeriksaan izin" in review and "Belum diperiksa: Halal, P-IRT, NIB" in review
    r = as_staff.post(
        f"/staff/moderasi/produk/{waiting.id}/izin",
        data={"nib_checked": "y", "halal_checked": "y", "seen": permits_seen(business)},
    )
    assert r.status_code == 302
    db.session.refresh(business)
    checked = {p.kind.value: p.checked_at is not None for p in business.permits}
    assert checked == {"nib": True, "pirt": False, "halal": True}
    assert business.permit(PermitKind.NIB).checked_by_id == as_staff.user.id
    (event,) = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "business.permits")
    ).scalars()
    assert event.actor_id == as_staff.user.id and event.details == {
        "nib": True,
        "halal": True,
    }
    queue = as_staff.get(f"/staff/moderasi/{waiting.round_id}").get_data(as_text=True)
    assert "Izin belum diperiksa: P-IRT" in queue
    assert listing.is_public(
        datetime.now(WIB)
    )  # the badges themselves are the catalogue's _business_info


def test_a_number_changed_while_the_page_was_open_is_not_checked(app, db, as_staff):
    """The moderator looked at NIB 1234567890123; the community then typed another number.
    Ticking "NIB sudah diperiksa" must not put the badge on the number nobody looked at."""
    business = make_business()
    add_permit(business, "nib", "1234567890123")
    listing = make_listing(S.SUBMITTED, business=business)
    db.session.commit()
    review = as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([0-9a-f]+)"', review).group(1)
    business.permit(PermitKind.NIB).number = "9999999999999"
    db.session.commit()
    r = as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/izin",
        data={"nib_checked": "y", "seen": seen},
        follow_redirects=True,
    )
    assert "Data izin usaha ini berubah sejak halaman dibuka" in r.get_data(as_text=True)
    db.session.refresh(business)
    assert business.permit(PermitKind.NIB).checked_at is None
    assert not db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "business.permits")
    ).first()


def test_a_permit_without_a_number_cannot_be_checked(app, db, as_staff):
    business = make_business()
    add_permit(business, "nib", "1234567890123")
    listing = make_listing(S.SUBMITTED, business=business)
    db.session.commit()
    as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/izin",
        data={"nib_checked": "y", "pirt_checked": "y", "seen": permits_seen(business)},
    )
    db.session.refresh(business)
    assert [(p.kind.value, p.checked_at is not None) for p in business.permits] == [("nib", True)]


# --- preset reasons -------------------------------------------------------------------------------


def test_admin_edits_a_preset_reason_and_moderators_use_it(app, db, as_admin, as_staff):
    reason = db.session.execute(
        db.select(ModerationReason).where(ModerationReason.code == "foto-buram")
    ).scalar_one()
    r = as_admin.post(
        f"/staff/alasan/{reason.id}",
        data={
            "label": "Foto kurang jelas",
            "explanation": "Foto buram. Ambil ulang di tempat terang.",
            "sort_order": "1",
            "is_active": "y",
        },
    )
    assert r.status_code == 302
    db.session.refresh(reason)
    assert (reason.label, reason.explanation) == (
        "Foto kurang jelas",
        "Foto buram. Ambil ulang di tempat terang.",
    )
    r = as_admin.post(
        "/staff/alasan",
        data={
            "label": "Merek dagang",
            "explanation": "Gunakan merek sendiri.",
            "sort_order": "9",
            "is_active": "y",
        },
    )
    assert r.status_code == 302
    added = db.session.execute(
        db.select(ModerationReason).where(ModerationReason.label == "Merek dagang")
    ).scalar_one()
    assert added.code == "merek-dagang" and added.is_active
    actions = [
        e.action
        for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()
    ]
    assert actions.count("reason.update") == 1 and actions.count("reason.create") == 1
    # a moderator sees the new label in the decision form, uses it, and the community gets the
    # explanation
    listing = make_listing(S.SUBMITTED)
    db.session.commit()
    assert "Merek dagang" in as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(
        as_text=True
    )
    as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/keputusan",
        data={
            "action": "request_changes",
            "version": "1",
            "reason_id": str(reason.id),
            "note": "Foto ketiga gelap",
        },
    )
    (n,) = db.session.execute(db.select(Notification)).scalars()
    assert "perlu perbaikan: Foto kurang jelas." in n.message
    assert (
        "Foto buram. Ambil ulang di tempat terang." in n.message
        and "Catatan moderator: Foto ketiga gelap" in n.message
    )


def test_reason_edits_are_for_admins_and_checked(app, db, as_admin, as_staff):
    reason = db.session.execute(db.select(ModerationReason).limit(1)).scalar_one()
    assert as_staff.get("/staff/alasan").status_code == 200
    assert (
        as_staff.post(
            f"/staff/alasan/{reason.id}", data={"label": "x", "explanation": "y"}
        ).status_code
        == 403
    )
    r = as_admin.post(f"/staff/alasan/{reason.id}", data={"label": "", "explanation": "y" * 1001})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Label" in page
    db.session.refresh(reason)
    assert reason.label != "x" and reason.label


# --- the audit log --------------------------------------------------------------------------------


def _seed_audit(db, clock):
    member = make_member()
    community = member.community
    listing = make_listing(S.SUBMITTED, business=make_business(community=community))
    record(
        "listing.submit",
        actor=member,
        object_type="listing",
        object_id=listing.id,
        community_id=community.id,
        from_state="draft",
        to_state="submitted",
        at=clock() - timedelta(days=3),
    )
    record(
        "listing.approve",
        actor=None,
        object_type="listing",
        object_id=listing.id,
        community_id=community.id,
        from_state="submitted",
        to_state="approved",
        reason="=HYPERLINK(1)",
        at=clock(),
    )
    record("round.create", object_type="round", object_id=1, at=clock() - timedelta(days=1))
    db.session.commit()
    return member, community, listing


def test_audit_log_filters(app, db, as_staff, clock):
    member, community, listing = _seed_audit(db, clock)

    def rows(**args):
        page = as_staff.get("/staff/audit", query_string=args).get_data(as_text=True)
        return page.count("<code>")

    assert rows() >= 3
    assert rows(tindakan="listing.submit") == 1
    assert rows(komunitas=community.id) == 2
    assert rows(produk=listing.id) == 2
    assert rows(pelaku=member.email) == 1
    assert rows(pelaku="sistem", tindakan="listing.approve") == 1
    day = (clock() - timedelta(days=3)).astimezone(WIB).strftime("%Y-%m-%d")
    assert rows(dari=day, sampai=day) == 1
    assert rows(pelaku="%", produk="abc", dari="kemarin") >= 0  # odd input: a page, never a 500


def test_audit_csv_export_keeps_the_filter_and_defuses_formulas(app, db, as_staff, clock):
    member, community, listing = _seed_audit(db, clock)
    r = as_staff.get("/staff/audit.csv", query_string={"produk": listing.id})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:6] == ["id", "waktu_wib", "waktu_utc", "pelaku_id", "pelaku", "tindakan"]
    assert [row[5] for row in table[1:]] == ["listing.approve", "listing.submit"]
    assert (
        table[1][12] == "'=HYPERLINK(1)"
        and table[2][4] == member.email
        and table[2][9] == community.name
    )


def test_members_never_see_the_audit_log(app, db, as_member):
    assert as_member.get("/staff/audit").status_code == 404
    assert as_member.get("/staff/audit.csv").status_code == 404
    assert app.test_client().get("/staff/audit").status_code == 302


# --- what a decision sends ------------------------------------------------------------------------


def test_a_decision_notifies_the_community_and_offers_whatsapp(app, db, as_staff, clock):
    listing = make_listing(S.SUBMITTED, title="Keripik & Sambal")
    db.session.commit()
    as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/keputusan", data={"action": "approve", "version": "1"}
    )
    (n,) = db.session.execute(db.select(Notification)).scalars()
    assert (
        n.community_id == listing.community_id and n.listing_id == listing.id and n.read_at is None
    )
    assert (
        n.kind == "listing.approve"
        and "Keripik & Sambal" in n.message
        and "tampil di katalog mulai" in n.message
    )
    page = as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    start = page.index("https://wa.me/6281234567890?text=")
    link = page[start : page.index('"', start)]
    assert unquote(link.split("text=")[1].replace("&amp;", "&")) == n.message


def _use_smtp(app, port):
    """Point Flask-Mail at 127.0.0.1:port (TESTING suppresses sending by default)."""
    from marketplace.extensions import mail

    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_DEFAULT_SENDER="etalase@contoh.id",
        MAIL_SUPPRESS_SEND=False,
    )
    mail.init_app(app)


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd) collecting what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    class Collect(MessageHandler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    import socket

    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler.messages
    finally:
        controller.stop()


def test_decisions_are_e_mailed_when_smtp_is_configured(app, db, as_staff, smtp_server):
    controller, inbox = smtp_server
    _use_smtp(app, controller.port)
    listing = make_listing(S.SUBMITTED, title="Kopi Bubuk")
    coordinator = make_member(community=listing.business.community)
    reason = db.session.execute(
        db.select(ModerationReason).where(ModerationReason.code == "harga-kosong")
    ).scalar_one()
    db.session.commit()
    as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/keputusan",
        data={"action": "request_changes", "version": "1", "reason_id": str(reason.id)},
    )
    assert len(inbox) == 1
    mail = inbox[0]
    assert mail["To"] == coordinator.email and "Kopi Bubuk" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert "perlu perbaikan: Harga belum dicantumkan." in body and reason.explanation in body


def test_no_smtp_no_mail_and_a_dead_server_does_not_undo_the_decision(app, db, as_staff):
    listing = make_listing(S.SUBMITTED)
    make_member(community=listing.business.community)
    db.session.commit()
    _use_smtp(app, 9)  # nothing listens on the discard port
    r = as_staff.post(
        f"/staff/moderasi/produk/{listing.id}/keputusan", data={"action": "approve", "version": "1"}
    )
    assert r.status_code == 302
    db.session.refresh(listing)
    assert listing.status == S.APPROVED
