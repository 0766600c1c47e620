"""Text pre-checks (#13 item 3, text part): phone numbers, URLs, "transfer ke rekening"."""

import pytest

from marketplace.listings.models import ListingStatus
from marketplace.moderation.prechecks import text_findings
from tests.builders import make_listing


@pytest.mark.parametrize(
    "text, found",
    [
        ("Renyah dan pedas, isi 250 gram.", []),
        ("Pesan di 0812-3456-7890 ya", ["phone"]),
        ("WA +62 812 3456 7890", ["phone"]),
        ("Lihat tokobusri.com atau https://s.id/abc", ["url"]),
        ("Bayar transfer ke rekening BCA", ["transfer"]),
        ("Harga 15.000, berat 250 gram, kode 2024", []),
    ],
)
def test_text_findings(text, found):
    assert text_findings(text) == found


def test_the_flag_shows_on_the_review_page(app, db, as_staff):
    listing = make_listing(ListingStatus.SUBMITTED)
    listing.description = "Hubungi 0812 3456 7890, transfer ke rekening saya"
    db.session.commit()
    page = as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    assert "flag-contact_in_text" in page and "nomor telepon, ajakan transfer" in page
