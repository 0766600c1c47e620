"""'Laporkan produk' (issue #12, item 3): shoppers report a public listing without an
account; duplicates are counted, reports are rate limited per address, never reveal the
reporter, and at the fraud threshold the listing leaves the catalogue until staff look."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.audit import AuditEvent
from marketplace.extensions import db as _db
from marketplace.listings.models import ListingStatus
from marketplace.notifications import Notification
from marketplace.reports.models import Report, ReportReason, ReportStatus
from tests.builders import make_member, make_public_listing, make_published_round
from tests.conftest import CSRFClient, base_config, copy_database, login


def _report(client, listing, reason="fraud", note=""):
    return client.post(f"/produk/{listing.id}/laporkan", data={"reason": reason, "note": note})


def _reports():
    return list(_db.session.execute(sa.select(Report).order_by(Report.id)).scalars())


def test_reports_are_counted_not_repeated_and_keep_no_personal_data(app, db, client):
    app.config["PAGE_CACHE"] = False
    listing = make_public_listing(rnd=make_published_round())
    db.session.commit()
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert f'href="/produk/{listing.id}/laporkan"' in page
    form = client.get(f"/produk/{listing.id}/laporkan").get_data(as_text=True)
    assert "Penipuan / nomor WhatsApp salah" in form and 'type="radio"' in form
    for _ in range(3):
        assert _report(client, listing, "not_sold", "Sudah habis").status_code == 302
    _report(client, listing, "not_sold", "<b>tutup</b>")
    _report(client, listing, "other")
    rows = _reports()
    assert [(r.reason, r.count) for r in rows] == [
        (ReportReason.NOT_SOLD, 4),
        (ReportReason.OTHER, 1),
    ]
    assert rows[0].notes == ["Sudah habis", "<b>tutup</b>"]  # plain text, escaped on output
    columns = {c.name for c in Report.__table__.columns}
    assert not columns & {"ip", "address", "remote_addr", "cookie", "user_id", "session"}
    assert listing.hidden_at is None  # not fraud: stays public


def test_bad_reports_get_a_message_or_a_404_and_write_nothing(app, db, client):
    listing = make_public_listing(rnd=make_published_round())
    draft = make_public_listing(rnd=make_published_round())
    draft.status = ListingStatus.WITHDRAWN
    db.session.commit()
    r = _report(client, listing, "hack")
    assert r.status_code == 400 and "Pilih alasan laporan." in r.get_data(as_text=True)
    r = _report(client, listing, "fraud", "x" * 501)
    assert r.status_code == 400 and "500" in r.get_data(as_text=True)
    assert "x" * 501 in r.get_data(as_text=True)  # what was typed is kept
    assert _report(client, draft).status_code == 404
    assert client.post("/produk/999999/laporkan", data={"reason": "fraud"}).status_code == 404
    assert _reports() == []


def test_fraud_reports_hide_a_listing_at_the_threshold_until_staff_look(app, db, client, as_staff):
    app.config["PAGE_CACHE"] = False
    app.config["REPORT_HIDE_THRESHOLD"] = 3
    listing = make_public_listing(rnd=make_published_round(), title="Madu Asli")
    db.session.commit()
    url = f"/produk/{listing.id}"
    for _ in range(2):
        _report(client, listing, "fraud", "Nomor WA minta transfer dulu")
    assert client.get(url, follow_redirects=True).status_code == 200
    _report(client, listing, "fraud")
    db.session.refresh(listing)
    assert listing.hidden_at is not None and listing.status == ListingStatus.APPROVED
    assert client.get(url, follow_redirects=True).status_code == 404
    assert "Madu Asli" not in client.get("/katalog").get_data(as_text=True)
    assert client.get(f"{url}/whatsapp").status_code == 404
    queue = as_staff.get("/staff/laporan").get_data(as_text=True)
    assert "Madu Asli" in queue and "× 3" in queue and "disembunyikan" in queue
    # dismiss: back in the catalogue (reversible), audited
    r = as_staff.post(f"/staff/laporan/{listing.id}/abaikan", data={"dismiss": "1"})
    assert r.status_code == 302
    db.session.refresh(listing)
    assert listing.hidden_at is None
    assert client.get(url, follow_redirects=True).status_code == 200
    assert {r.status for r in _reports()} == {ReportStatus.DISMISSED}
    actions = set(db.session.execute(sa.select(AuditEvent.action)).scalars())
    assert {"report.file", "report.hide", "report.dismiss"} <= actions


def test_a_take_down_from_the_queue_tells_the_community_why_never_who(app, db, client, as_staff):
    listing = make_public_listing(rnd=make_published_round(), title="Sambal Roa")
    db.session.commit()
    _report(client, listing, "not_as_pictured", "Isi cuma setengah, kata Bu Rina 0812111")
    queue = as_staff.get("/staff/laporan").get_data(as_text=True)
    assert "Dilaporkan pembeli: Produk tidak sesuai foto" in queue  # reason prefilled
    prefix = f"l{listing.id}-"
    r = as_staff.post(
        f"/staff/laporan/{listing.id}/turunkan",
        data={
            prefix + "version": str(listing.version),
            prefix + "reason": "Dilaporkan pembeli: Produk tidak sesuai foto",
            prefix + "take_down": "1",
        },
    )
    assert r.status_code == 302
    db.session.refresh(listing)
    assert listing.status == ListingStatus.REMOVED
    (note,) = db.session.execute(
        sa.select(Notification).where(Notification.listing_id == listing.id)
    ).scalars()
    assert "tidak sesuai foto" in note.message
    assert "Rina" not in note.message and "0812111" not in note.message
    assert {r.status for r in _reports()} == {ReportStatus.TAKEN_DOWN}
    assert "Tidak ada laporan yang terbuka." in as_staff.get("/staff/laporan").get_data(True)


@pytest.fixture
def limited_app(tmp_path, clock, migrated_template):
    app = create_app(
        {
            **base_config(tmp_path, clock),
            **copy_database(migrated_template, tmp_path),
            "RATELIMIT_ENABLED": True,
            "REPORT_RATE_LIMIT": "3 per hour",
        }
    )
    app.test_client_class = CSRFClient
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_reports_are_rate_limited_per_address(limited_app):
    listing = make_public_listing(rnd=make_published_round())
    _db.session.commit()
    client = limited_app.test_client()
    assert [_report(client, listing, "other").status_code for _ in range(3)] == [302] * 3
    r = _report(client, listing, "other")
    assert r.status_code == 429 and "<html" in r.get_data(as_text=True)
    (row,) = _reports()
    assert row.count == 1  # one address counts once a day per listing
    other = limited_app.test_client()
    other.environ_base = {"REMOTE_ADDR": "10.0.0.9"}
    assert _report(other, listing, "other").status_code == 302
    _db.session.refresh(row)
    assert row.count == 2


def test_one_phone_cannot_hide_a_listing_three_phones_can(limited_app):
    """A competitor's three fraud reports from one address count once; three addresses
    reach REPORT_HIDE_THRESHOLD (3), and the third shopper is thanked on the catalogue."""
    listing = make_public_listing(rnd=make_published_round())
    _db.session.commit()
    rival = limited_app.test_client()
    assert [_report(rival, listing, "fraud").status_code for _ in range(3)] == [302] * 3
    _db.session.refresh(listing)
    assert listing.hidden_at is None and _reports()[0].count == 1
    for address in ("10.0.0.2", "10.0.0.3"):
        shopper = limited_app.test_client()
        shopper.environ_base = {"REMOTE_ADDR": address}
        r = _report(shopper, listing, "fraud")
    _db.session.refresh(listing)
    assert listing.hidden_at is not None and _reports()[0].count == 3
    assert r.status_code == 302 and r.headers["Location"].endswith("/katalog")


def test_the_community_sees_a_hidden_listing_as_hidden_with_the_reason_in_words(app, db, client):
    app.config["REPORT_HIDE_THRESHOLD"] = 1
    listing = make_public_listing(rnd=make_published_round(), title="Madu Asli")
    member = make_member(community=listing.business.community)
    db.session.commit()
    _report(client, listing, "fraud")
    portal = app.test_client()
    login(portal, member)
    page = portal.get(f"/portal/produk/{listing.id}").get_data(as_text=True)
    assert "Disembunyikan sementara" in page
    assert "Bagikan lewat WhatsApp" not in page and ">Tayang<" not in page
    assert "Penipuan / nomor WhatsApp salah" in page and "(fraud)" not in page
    event = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "report.file")
    ).scalar_one()
    assert event.details["reason_code"] == "fraud"
