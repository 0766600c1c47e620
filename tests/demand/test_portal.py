"""Coordinators see demand too: the searches in the categories their community sells in
(K-anonymous) and their listings' WhatsApp taps."""

from __future__ import annotations

import re

from marketplace.catalogue.taps import count_whatsapp_tap
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.listings.models import ListingStatus
from tests.builders import make_business, make_listing, make_published_round
from tests.demand.test_board import _shoppers


def test_portal_shows_demand_in_the_communitys_categories_and_taps(app, as_member):
    community = as_member.user.community
    rnd = make_published_round()
    listing = make_listing(
        ListingStatus.APPROVED,
        business=make_business(community),
        rnd=rnd,
        category_slug="fesyen",
        title="Kemeja Batik",
    )
    count_whatsapp_tap(listing.id, now())
    count_whatsapp_tap(listing.id, now())
    db.session.commit()
    anon = app.test_client()
    _shoppers(app, anon, "masker kain", 3, kategori="fesyen")
    _shoppers(app, anon, "rendang", 3, kategori="makanan")  # not a category they sell in
    _shoppers(app, anon, "nama orang", 2, kategori="fesyen")  # under K
    assert "/portal/dicari" in as_member.get("/portal/").get_data(as_text=True)
    html = as_member.get("/portal/dicari").get_data(as_text=True)
    assert "masker kain" in html
    assert "rendang" not in html and "nama orang" not in html
    # the window's first day as people write it ("sejak 4 Nov 2026"), not ISO
    assert re.search(r"sejak \d{1,2} [A-Z][a-z]{2} 20\d\d ", html), "day not written out"
    assert not re.search(r"sejak 20\d\d-\d\d-\d\d", html)
    assert "Kemeja Batik" in html and "2 ketukan" in html
