"""Holes the #18 mutation audit found in the output tests (item 7): descriptions escaped on
staff pages (only titles were tested), and the WhatsApp *share* link's text URL-encoded (only
the tap redirect's was)."""

import html
from urllib.parse import parse_qs, urlsplit

from marketplace.listings.models import ListingStatus
from tests.builders import make_listing, make_public_listing

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_description_is_escaped_on_the_staff_review_page(app, db, as_staff):
    listing = make_listing(ListingStatus.SUBMITTED)
    listing.description = f"Enak\n{EVIL}"
    db.session.commit()
    page = as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert html.escape(EVIL, quote=False) in page or "&lt;script&gt;" in page


def test_the_share_link_carries_the_text_url_encoded(app, db, client):
    listing = make_public_listing(title='Kue & Kopi #1 100% "asli"')
    db.session.commit()
    page = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    start = page.index('<p class="share"><a href="') + len('<p class="share"><a href="')
    href = html.unescape(page[start : page.index('"', start)])
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/")
    assert "&" not in parts.query.replace("&text", "")  # the title's & is encoded, not a new field
    assert "#" not in href and " " not in href
    (text,) = parse_qs(parts.query)["text"]
    assert text.endswith('\nKue & Kopi #1 100% "asli" · Rp15.000')
    assert text.startswith("http") and f"/produk/{listing.id}" in text.splitlines()[0]
