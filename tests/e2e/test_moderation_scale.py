"""Moderation at scale (#13) in headless Chromium at 1280×800: the review page keeps the
decision panel above the fold and is driven by the keyboard alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.listings.models import Listing, ListingStatus
from tests.builders import make_listing, make_round, make_staff, with_real_photos
from tests.conftest import FIXTURES
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.browser

PORTRAIT = FIXTURES / "images" / "real" / "portrait_orientation_6.jpg"
S = ListingStatus


def _above_fold(page, selector: str, height: int) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_review_decides_by_keyboard_with_the_panel_above_the_fold(server, journeys):
    with server.seed():
        moderator = make_staff()
        rnd = make_round()
        ids = []
        for i in range(3):
            listing = with_real_photos(
                make_listing(S.SUBMITTED, rnd=rnd, title=f"Produk Uji {i + 1}"), PORTRAIT
            )
            listing.submitted_at = server.clock() - timedelta(minutes=30 - i)
            ids.append(listing.id)
        email = moderator.email
    staff = journeys("moderator", desktop=True)
    page = staff.page
    log_in(staff, email)
    staff.seen("staff-home")
    for width, height in ((1280, 800), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        staff.goto(f"/staff/moderasi/produk/{ids[0]}", f"review-{width}")
        for selector in (
            "button[name=save_next], input[name=save_next]",
            "input[name=action][value=reject]",
            "select[name=reason_id]",
            "textarea[name=note]",
        ):
            assert _above_fold(page, selector, height), (selector, width, height)
        assert page.locator(".shortcuts").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    # typing in the note never fires a shortcut
    page.keyboard.press("c")
    page.keyboard.type("atas")
    assert page.locator("textarea[name=note]").input_value() == "atas"
    assert not page.locator("input[name=action]:checked").count()
    for _ in "atas":
        page.keyboard.press("Backspace")
    page.keyboard.press("Escape")  # leaves the note: shortcuts work again
    page.keyboard.press("a")
    staff.go(lambda: page.keyboard.press("s"), "after-approve")
    assert f"/produk/{ids[1]}" in page.url
    page.keyboard.press("p")
    page.keyboard.press("2")
    staff.go(lambda: page.keyboard.press("s"), "after-changes")
    assert f"/produk/{ids[2]}" in page.url
    staff.go(lambda: page.keyboard.press("k"), "previous")
    assert f"/produk/{ids[1]}" in page.url  # the one just decided
    with server.seed() as db:
        got = {i: db.session.get(Listing, i).status for i in ids}
    assert got == {ids[0]: S.APPROVED, ids[1]: S.CHANGES_REQUESTED, ids[2]: S.SUBMITTED}
