"""No page runs a query per card: the number of SQL statements of a page does not grow with
the number of listings (or photos) it shows.

Each test renders a page with a few items, then with three times as many, and compares the
statements counted on the engine (the page cache off, each page requested once to warm the
per-process caches first). A lazy load per card (an N+1) makes the second count larger.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.listings.models import ListingStatus
from tests.builders import (
    make_business,
    make_listing,
    make_public_listing,
    make_published_round,
    make_round,
)


def statements(db, client, url: str) -> int:
    """How many SQL statements one GET of ``url`` runs (after a warming GET)."""
    assert client.get(url, follow_redirects=True).status_code == 200
    count = 0

    def bump(*args, **kw):
        nonlocal count
        count += 1

    sa.event.listen(db.engine, "before_cursor_execute", bump)
    try:
        r = client.get(url, follow_redirects=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", bump)
    assert r.status_code == 200
    return count


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False


def _grows(db, client, url_of, add) -> tuple[int, int]:
    """Statements of the page with ``add(2)`` items, then with ``add(4)`` more."""
    add(2)
    db.session.commit()
    few = statements(db, client, url_of())
    add(4)
    db.session.commit()
    many = statements(db, client, url_of())
    return few, many


@pytest.mark.parametrize("url", ["/", "/katalog", "/katalog?q=keripik", "/katalog?urut=murah"])
def test_public_lists_cost_the_same_for_more_cards(client, db, url):
    rnd = make_published_round(days_ago=2)
    business = make_business()

    def add(n):
        for _ in range(n):
            make_public_listing(rnd=rnd, business=make_business(), photos=2)
            make_public_listing(rnd=rnd, business=business, title="Keripik Tempe", photos=1)

    few, many = _grows(db, client, lambda: url, add)
    # Fewer is fine: a keyset walk (in stock, then sold out) stops as soon as its page is full,
    # so a short first segment costs one more query per page, never one per card.
    assert many <= few, f"{url}: {few} statements with 4 cards, {many} with 12"


def test_listing_page_costs_the_same_for_more_photos_and_related(client, db):
    rnd = make_published_round(days_ago=2)
    item = make_public_listing(rnd=rnd, photos=1, category_slug="minuman")
    make_public_listing(rnd=rnd, business=make_business(), photos=1, category_slug="minuman")
    db.session.commit()
    one = statements(db, client, f"/produk/{item.id}")
    busy = make_public_listing(rnd=rnd, photos=5)
    for _ in range(4):  # related listings of the same category
        make_public_listing(rnd=rnd, business=make_business(), photos=3)
    db.session.commit()
    five = statements(db, client, f"/produk/{busy.id}")
    assert five == one, f"{one} statements with 1 photo and 1 related, {five} with 5 and 4"


def test_moderation_queue_costs_the_same_for_more_rows(as_staff, db):
    rnd = make_round()

    def add(n):
        for _ in range(n):
            make_listing(ListingStatus.SUBMITTED, rnd=rnd, business=make_business(), photos=2)

    few, many = _grows(db, as_staff, lambda: f"/staff/moderasi/{rnd.id}", add)
    assert many == few, f"queue: {few} statements with 2 rows, {many} with 6"


def test_portal_dashboard_costs_the_same_for_more_listings(as_member, db):
    from marketplace.auth.models import Community

    community = db.session.get(Community, as_member.user.community_id)
    rnd = make_round()

    def add(n):
        for _ in range(n):
            make_listing(
                ListingStatus.SUBMITTED, rnd=rnd, business=make_business(community), photos=2
            )

    few, many = _grows(db, as_member, lambda: "/portal/", add)
    assert many == few, f"portal: {few} statements with 2 listings, {many} with 6"
