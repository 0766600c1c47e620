"""A readable audit log (#13 item 6): labels in the reader's language, the object's name and
link, states as words, the full reason; the CSV keeps the codes."""

from marketplace.listings.models import ListingStatus
from marketplace.moderation.decisions import decide
from tests.builders import make_listing, make_round, make_staff

S = ListingStatus
LONG = "Foto buram dan harga belum dicantumkan; " * 6


def _decided(db, clock):
    listing = make_listing(S.SUBMITTED, title="Rendang Daun Jeruk")
    decide(
        listing,
        "reject",
        moderator=make_staff(),
        seen_version=1,
        reason_text=LONG[:200],
        now=clock(),
    )
    db.session.commit()
    return listing


def test_audit_page_shows_labels_names_states_and_the_whole_reason(app, db, as_staff, clock):
    listing = _decided(db, clock)
    page = as_staff.get("/staff/audit").get_data(as_text=True)
    assert "Ditolak" in page  # the lifecycle label, not only the code
    assert f'href="/staff/moderasi/produk/{listing.id}">Rendang Daun Jeruk</a>' in page
    assert "Menunggu moderasi → Ditolak" in page
    assert LONG[:200].strip() in page
    assert ">listing.reject<" in page  # the code stays visible, small


def test_audit_labels_follow_the_readers_language(app, db, as_staff, clock):
    _decided(db, clock)
    make_round()
    as_staff.set_cookie("lang", "en_ID")
    page = as_staff.get("/staff/audit").get_data(as_text=True)
    assert "Rejected" in page and "Awaiting review → Rejected" in page
    assert "Menunggu moderasi" not in page


def test_csv_keeps_the_codes(app, db, as_staff, clock):
    _decided(db, clock)
    body = as_staff.get("/staff/audit.csv").get_data(as_text=True)
    assert "listing.reject" in body and "submitted" in body and "Ditolak" not in body


def test_filter_links_keep_the_other_filters(app, db, as_staff, clock):
    listing = _decided(db, clock)
    page = as_staff.get("/staff/audit?tindakan=listing.reject").get_data(as_text=True)
    assert f"tindakan=listing.reject&amp;produk={listing.id}" in page or (
        f"produk={listing.id}&amp;tindakan=listing.reject" in page
    )
