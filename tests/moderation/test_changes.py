"""The version tag replaced (#13 item 7): a listing resubmitted after "minta perbaikan" is
tagged so in the queue, and its review shows what changed since that decision."""

from marketplace.listings.models import ListingStatus, Photo
from marketplace.listings.state import transition
from marketplace.moderation.changes import changes_since_request, diff, snapshot
from marketplace.moderation.decisions import decide
from tests.builders import make_image, make_listing, make_member, make_staff

S = ListingStatus


def _resubmitted(db, clock):
    listing = make_listing(S.SUBMITTED, title="Keripik Lama", price=15000)
    decide(
        listing,
        "request_changes",
        moderator=make_staff(),
        seen_version=1,
        reason_text="Foto buram",
        now=clock(),
    )
    member = make_member(listing.business.community)
    listing.title = "Keripik Baru"
    listing.price = 17500
    listing.photos = listing.photos + [Photo(image=make_image(), position=1)]
    listing.version += 1
    transition(listing, "resubmit", actor=member, now=clock())
    db.session.commit()
    return listing


def test_diff_names_changed_fields_and_photo_counts(app, db):
    listing = make_listing(S.SUBMITTED, title="A", price=1000)
    before = snapshot(listing)
    listing.title, listing.price = "B", None
    listing.photos = [Photo(image=make_image(), position=0)]
    got = diff(before, listing)
    assert got["fields"] == {"title": ("A", "B"), "price": (1000, None)}
    assert (got["photos_added"], got["photos_removed"]) == (1, 1)
    assert diff(snapshot(listing), listing)["fields"] == {}


def test_review_after_resubmission_shows_what_changed(app, db, as_staff, clock):
    listing = _resubmitted(db, clock)
    changes = changes_since_request(listing)
    assert changes.fields["title"] == ("Keripik Lama", "Keripik Baru")
    assert changes.photos_added == 1 and changes.photos_removed == 0
    page = as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    assert "diubah setelah permintaan perbaikan" in page
    assert "Keripik Lama" in page and "Rp17.500" in page and "1 foto ditambah" in page
    queue = as_staff.get(f"/staff/moderasi/{listing.round_id}").get_data(as_text=True)
    assert "diubah setelah permintaan perbaikan" in queue
    assert ">v2<" not in queue and "v2</span>" not in page


def test_a_first_submission_carries_no_tag(app, db, as_staff):
    listing = make_listing(S.SUBMITTED)
    db.session.commit()
    assert changes_since_request(listing) is None
    page = as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    assert "diubah setelah permintaan perbaikan" not in page
