"""Where a community stands and what it can do after a decision: notifications with the
unread count, the reason's explanation and note, next round's dates, withdraw, copy into the
open round, carry into the next round with history, and members by signed invitation."""

from datetime import timedelta

from marketplace.audit import AuditEvent
from marketplace.auth.models import User
from marketplace.listings.models import Listing, ListingStatus
from marketplace.moderation.decisions import decide
from marketplace.moderation.models import ModerationReason
from marketplace.notifications import Notification
from tests.builders import (
    make_business,
    make_listing,
    make_member,
    make_published_round,
    make_round,
    make_staff,
)
from tests.conftest import login

S = ListingStatus


def _own_listing(client, status=S.SUBMITTED, **kw):
    business = make_business(community=client.user.community)
    return make_listing(status, business=business, **kw)


def test_a_decision_shows_in_the_portal_with_reason_explanation_note_and_unread_count(
    as_member, db, clock
):
    listing = _own_listing(as_member)
    reason = db.session.execute(
        db.select(ModerationReason).where(ModerationReason.code == "foto-buram")
    ).scalar_one()
    decide(
        listing,
        "request_changes",
        moderator=make_staff(),
        seen_version=1,
        reason_id=reason.id,
        note="Foto kedua gelap",
        now=clock(),
    )
    db.session.commit()
    page = as_member.get("/portal/").get_data(as_text=True)
    assert "Foto buram" in page and "Foto kedua gelap" in page and reason.explanation in page
    assert 'aria-label="1 belum dibaca"' in page
    detail = as_member.get(f"/portal/produk/{listing.id}").get_data(as_text=True)
    assert reason.explanation in detail and "Foto kedua gelap" in detail
    notes = as_member.get("/portal/notifikasi").get_data(as_text=True)
    assert "perlu perbaikan: Foto buram." in notes and "Perbaiki lalu ajukan ulang sebelum" in notes
    assert (
        db.session.execute(db.select(Notification.read_at)).scalar_one() is None
    )  # a GET changes nothing
    assert as_member.post("/portal/notifikasi/baca").status_code == 302
    assert "belum dibaca" not in as_member.get("/portal/").get_data(as_text=True)


def test_notifications_belong_to_their_community(as_member, db, clock):
    other = make_listing(S.SUBMITTED)  # another community's listing
    decide(other, "approve", moderator=make_staff(), seen_version=1, now=clock())
    db.session.commit()
    assert "belum dibaca" not in as_member.get("/portal/").get_data(as_text=True)
    assert "Keripik" not in as_member.get("/portal/notifikasi").get_data(as_text=True)
    as_member.post("/portal/notifikasi/baca")
    assert db.session.execute(db.select(Notification.read_at)).scalar_one() is None


def test_next_rounds_dates_show_when_none_is_open(as_member, db, clock):
    make_round(opens_at=clock() + timedelta(days=5), closes_at=clock() + timedelta(days=9))
    db.session.commit()
    page = as_member.get("/portal/").get_data(as_text=True)
    assert "Belum ada periode yang dibuka" in page and "dibuka" in page and "WIB" in page


def test_withdraw_any_time_even_when_public(as_member, db, clock):
    listing = _own_listing(as_member, S.APPROVED, rnd=make_published_round())
    db.session.commit()
    assert "Tarik produk" in as_member.get(f"/portal/produk/{listing.id}").get_data(as_text=True)
    as_member.post(f"/portal/produk/{listing.id}/tarik")
    db.session.refresh(listing)
    assert listing.status == S.WITHDRAWN


def test_copy_a_past_listing_into_the_open_round(as_member, db, clock):
    past = _own_listing(
        as_member, S.APPROVED, rnd=make_published_round(), title="Sambal Roa", photos=2
    )
    current = make_round()
    db.session.commit()
    page = as_member.get(f"/portal/produk/{past.id}").get_data(as_text=True)
    assert f"Salin ke {current.title}" in page
    r = as_member.post(f"/portal/produk/{past.id}/salin")
    copy = db.session.execute(
        db.select(Listing).where(Listing.copied_from_id == past.id)
    ).scalar_one()
    assert r.headers["Location"].endswith(f"/portal/produk/{copy.id}")
    assert (copy.round_id, copy.status, copy.title, copy.version) == (
        current.id,
        S.DRAFT,
        "Sambal Roa",
        1,
    )
    assert [p.image_id for p in copy.photos] == [p.image_id for p in past.photos]
    db.session.refresh(past)
    assert past.status == S.APPROVED  # the original stays public
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "listing.copy")
    ).scalar_one()
    assert event.details["copied_from"] == past.id


def test_carry_a_listing_sent_back_for_changes_into_the_next_round_with_its_history(
    as_member, db, clock
):
    rnd = make_round()
    listing = _own_listing(as_member, S.SUBMITTED, rnd=rnd, title="Kue Lapis")
    decide(
        listing,
        "request_changes",
        moderator=make_staff(),
        seen_version=1,
        reason_text="Harga belum ada",
        now=clock(),
    )
    nxt = make_round(opens_at=rnd.publishes_at + timedelta(days=1))
    db.session.commit()
    clock.set(rnd.publishes_at + timedelta(hours=1))  # too late to resubmit in its own round
    page = as_member.get(f"/portal/produk/{listing.id}").get_data(as_text=True)
    assert f"Bawa ke {nxt.title}" in page
    as_member.post(f"/portal/produk/{listing.id}/bawa")
    carried = db.session.execute(
        db.select(Listing).where(Listing.copied_from_id == listing.id)
    ).scalar_one()
    db.session.refresh(listing)
    assert listing.status == S.WITHDRAWN and (carried.round_id, carried.status) == (nxt.id, S.DRAFT)
    detail = as_member.get(f"/portal/produk/{carried.id}").get_data(as_text=True)
    assert "produk asal" in detail and "Harga belum ada" in detail and "Dibawa ke" in detail


def test_carry_needs_changes_requested_and_copy_needs_another_round(as_member, db, clock):
    listing = _own_listing(as_member, S.APPROVED)  # its round is the only one
    db.session.commit()
    r = as_member.post(f"/portal/produk/{listing.id}/bawa", follow_redirects=True)
    assert "Hanya produk yang perlu perbaikan" in r.get_data(as_text=True)
    r = as_member.post(f"/portal/produk/{listing.id}/salin", follow_redirects=True)
    assert "Belum ada periode lain" in r.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Listing.id))).scalar_one() == 1


def test_another_community_cannot_copy(as_member, db, clock):
    foreign = make_listing(S.APPROVED, rnd=make_published_round())
    make_round()
    db.session.commit()
    assert as_member.post(f"/portal/produk/{foreign.id}/salin").status_code == 404
    assert db.session.execute(db.select(db.func.count(Listing.id))).scalar_one() == 1


# --- members ------------------------------------------------------------------------------------


def _invite(client, email="anggota.baru@contoh.id"):
    r = client.post("/portal/anggota/undang", data={"email": email})
    page = r.get_data(as_text=True)
    assert r.status_code == 200, page
    start = page.index("http://localhost/portal/undangan/")
    return page[start : page.index('"', start)].replace("http://localhost", "")


def test_coordinator_invites_a_member_who_joins_then_removes_them(app, as_member, db, clock):
    link = _invite(as_member)
    guest = app.test_client()
    page = guest.get(link).get_data(as_text=True)
    assert "Buat akun untuk anggota.baru@contoh.id" in page
    r = guest.post(link, data={"name": "Ani", "password": "kopi susu gula aren"})
    assert r.status_code == 302
    ani = db.session.execute(
        db.select(User).where(User.email == "anggota.baru@contoh.id")
    ).scalar_one()
    assert ani.community_id == as_member.user.community_id and not ani.is_coordinator and ani.active
    assert (
        guest.post(link, data={"name": "Ani", "password": "kopi susu gula aren"}).status_code == 400
    )  # used
    login(guest, ani, "kopi susu gula aren")
    assert guest.get("/portal/").status_code == 200
    # a plain member cannot manage members
    assert guest.post(f"/portal/anggota/{as_member.user.id}/hapus").status_code == 302
    db.session.refresh(as_member.user)
    assert as_member.user.active
    # the coordinator removes Ani: her session ends at once
    as_member.post(f"/portal/anggota/{ani.id}/hapus")
    db.session.refresh(ani)
    assert not ani.active
    assert guest.get("/portal/").status_code == 302
    actions = [
        e.action
        for e in db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action.like("member.%")).order_by(AuditEvent.id)
        ).scalars()
    ]
    assert actions == ["member.invite", "member.join", "member.remove"]


def test_invitation_links_expire_and_cannot_be_forged(app, as_member, db, clock):
    link = _invite(as_member)
    guest = app.test_client()
    clock.advance(days=7, seconds=1)
    r = guest.get(link)
    assert r.status_code == 400 and "kedaluwarsa" in r.get_data(as_text=True)
    clock.advance(days=-7)
    assert guest.get(link).status_code == 200
    r = guest.get(link[:-3] + "abc")
    assert r.status_code == 400 and "tidak valid" in r.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 1


def test_invite_refuses_taken_or_odd_emails_and_non_coordinators(app, as_member, db):
    other = make_member()
    db.session.commit()
    r = as_member.post("/portal/anggota/undang", data={"email": other.email})
    assert r.status_code == 400 and "sudah punya akun" in r.get_data(as_text=True)
    r = as_member.post("/portal/anggota/undang", data={"email": "bukan email"})
    assert r.status_code == 400 and "tidak valid" in r.get_data(as_text=True)
    plain = make_member(community=as_member.user.community)
    plain.is_coordinator = False
    db.session.commit()
    c = app.test_client()
    login(c, plain)
    r = c.post("/portal/anggota/undang", data={"email": "x@contoh.id"}, follow_redirects=True)
    assert "Hanya koordinator" in r.get_data(as_text=True)
    r = as_member.post(f"/portal/anggota/{as_member.user.id}/hapus", follow_redirects=True)
    assert "tidak dapat menghapus diri sendiri" in r.get_data(as_text=True)
    assert as_member.post(f"/portal/anggota/{other.id}/hapus").status_code == 404


def test_deadline_through_the_portal_one_second_before_and_at_the_close(as_member, db, clock):
    from datetime import datetime

    from marketplace.clock import WIB

    rnd = make_round(
        opens_at=datetime(2026, 12, 7, 8, 0, tzinfo=WIB),
        closes_at=datetime(2026, 12, 12, 0, 0, tzinfo=WIB),
        publishes_at=datetime(2026, 12, 14, 9, 0, tzinfo=WIB),
    )
    on_time = _own_listing(as_member, S.DRAFT, rnd=rnd, title="Tepat waktu")
    late = _own_listing(as_member, S.DRAFT, rnd=rnd, title="Terlambat")
    db.session.commit()
    clock.set(datetime(2026, 12, 11, 23, 59, 59, tzinfo=WIB))
    page = as_member.get("/portal/").get_data(as_text=True)
    # Saturday 00.00 WIB shown as the end of Friday in WIB (never the UTC 17.00)
    assert "Jumat, 11 Desember 2026, pukul 24.00 WIB" in page and "17.00" not in page
    as_member.post(f"/portal/produk/{on_time.id}/ajukan")
    clock.advance(seconds=1)
    r = as_member.post(f"/portal/produk/{late.id}/ajukan", follow_redirects=True)
    assert "Batas waktu" in r.get_data(as_text=True)
    db.session.refresh(on_time)
    db.session.refresh(late)
    assert (on_time.status, late.status) == (S.SUBMITTED, S.DRAFT)


def test_a_decision_can_be_forwarded_to_the_seller_on_whatsapp(as_member, db, clock):
    from urllib.parse import parse_qs, urlsplit

    listing = _own_listing(as_member, S.SUBMITTED)
    decide(
        listing,
        "request_changes",
        moderator=make_staff(),
        seen_version=listing.version,
        reason_text="Foto buram",
        now=clock(),
    )
    db.session.commit()
    page = as_member.get("/portal/notifikasi").get_data(as_text=True)
    import re

    link = (
        re.search(r'href="(https://wa\.me/[^"]+)"[^>]*>Teruskan ke penjual', page)
        .group(1)
        .replace("&amp;", "&")
    )
    parts = urlsplit(link)
    assert parts.path == "/" + listing.business.whatsapp_digits
    assert "Foto buram" in parse_qs(parts.query)["text"][0]
