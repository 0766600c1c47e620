"""Moderation at scale (#13) in headless Chromium at 1280×800, the "Done when" journey: a
moderator decides 30 listings with the keyboard only (approve, request changes with reason 2,
reject with a note), sees the flags on the planted blurry and duplicate photos, cancels one
bulk confirmation (back in the queue, selection kept) and bulk-approves the rest of the page
after checking the thumbnails; a colleague in another browser context sees the claims and
never gets the same listing from "next". The decision panel stays above the fold at 1280×800
and 1366×768, and typing in the note never fires a shortcut.

The listings are seeded (not typed in): 40 waiting listings with real photos, pre-checked as
a submit does."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from marketplace.listings.models import Listing, ListingStatus
from marketplace.moderation.prechecks import check_listing
from tests.builders import make_listing, make_round, make_staff, with_real_photos
from tests.conftest import FIXTURES
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.browser

REAL = FIXTURES / "images" / "real"
S = ListingStatus
N = 40
BLURRY, DUPLICATE = 32, 33  # positions in the queue, left for the bulk approve


def _above_fold(page, selector: str, height: int) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def _photo(tmp_path, i: int, *, blur: bool = False):
    """A distinct sharp picture per listing (shapes on a gradient; distinct hashes, so only
    the planted photos are flagged); ``blur`` gives a blurred one."""
    rng = random.Random(i)
    im = PILImage.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270)))
    im = im.resize((800, 600)).convert("RGB")
    draw = ImageDraw.Draw(im)
    for _ in range(10):
        x, y, r = rng.randrange(800), rng.randrange(600), rng.randrange(30, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in "rgb"))
    if blur:
        im = im.filter(ImageFilter.GaussianBlur(6))
    path = tmp_path / f"foto-{i}.jpg"
    im.save(path, "JPEG", quality=88)
    return path


def _seed(server, tmp_path):
    with server.seed():
        rina, budi = make_staff(), make_staff()
        rina.name, budi.name = "Rina", "Budi"
        rnd = make_round()
        ids = []
        for i in range(N):
            photo = _photo(tmp_path, i, blur=i == BLURRY)
            if i in (3, DUPLICATE):  # one photo on two businesses' listings
                photo = REAL / "camera_gps.jpg"
            listing = with_real_photos(
                make_listing(S.SUBMITTED, rnd=rnd, title=f"Produk Uji {i + 1:02d}"), photo
            )
            listing.submitted_at = server.clock() - timedelta(hours=2) + timedelta(minutes=i)
            check_listing(listing, now=server.clock())
            ids.append(listing.id)
        return rina.email, budi.email, rnd.id, ids


def _decide(tab, keys: list[str], note: str | None = None) -> None:
    page = tab.page
    for key in keys:
        page.keyboard.press(key)
    if note:
        page.keyboard.press("c")
        page.keyboard.type(note)
        page.keyboard.press("Escape")
    tab.go(lambda: page.keyboard.press("s"))
    tab.seen("review", axe=False)  # the same page as the first review, which axe checked


def test_two_moderators_clear_a_round_by_keyboard(server, journeys, tmp_path):
    rina_email, budi_email, round_id, ids = _seed(server, tmp_path)
    rina = journeys("rina", desktop=True)
    page = rina.page
    log_in(rina, rina_email)
    rina.seen("staff-home", axe=False)
    rina.goto(f"/staff/moderasi/{round_id}", "queue")
    for i, code in ((BLURRY, "blurry"), (DUPLICATE, "duplicate_photo")):
        card = page.locator(".queue-card", has_text=f"Produk Uji {i + 1:02d}")
        assert card.locator(f".flag-{code}").count() == 1, code
    assert page.locator(".flag-blurry").count() == 1
    assert page.locator(".flag-duplicate_photo").count() == 1  # the later of the two

    for width, height in ((1366, 768), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        rina.goto(f"/staff/moderasi/produk/{ids[0]}", f"review-{width}")
        for selector in (
            "button[name=save_next], input[name=save_next]",
            "input[name=action][value=reject]",
            "select[name=reason_id]",
            "textarea[name=note]",
        ):
            assert _above_fold(page, selector, height), (selector, width, height)
        assert page.locator(".shortcuts").is_visible()
    # typing in the note never fires a shortcut
    page.keyboard.press("c")
    page.keyboard.type("atas")
    assert page.locator("textarea[name=note]").input_value() == "atas"
    assert not page.locator("input[name=action]:checked").count()
    page.locator("textarea[name=note]").fill("")
    page.keyboard.press("Escape")

    # Budi, in another browser, opens the second listing: Rina's first is claimed.
    budi = journeys("budi", desktop=True)
    log_in(budi, budi_email)
    budi.seen("staff-home", axe=False)
    budi.goto(f"/staff/moderasi/{round_id}", "queue-colleague")
    first = budi.page.locator(".queue-card", has_text="Produk Uji 01")
    assert "sedang ditinjau oleh Rina" in first.inner_text()
    budi.goto(f"/staff/moderasi/produk/{ids[1]}", "review-colleague")
    budi_holds = {ids[1]}

    expected, visited = {}, []
    for n in range(30):
        current = int(page.url.split("/produk/")[1].split("?")[0])
        assert current not in budi_holds, f"Rina got Budi's listing {current} from next"
        visited.append(current)
        if n == 4:
            _decide(rina, ["p", "2"])
            expected[current] = S.CHANGES_REQUESTED
        elif n == 9:
            _decide(rina, ["t", "5"], note="Ini produk pabrikan, bukan UMKM.")
            expected[current] = S.REJECTED
        else:
            _decide(rina, ["a"])
            expected[current] = S.APPROVED
        if n == 14:  # Budi's "next" passes the listing Rina has open now
            rina_holds = int(page.url.split("/produk/")[1].split("?")[0])
            budi.goto(f"/staff/moderasi/produk/{ids[1]}", "review-colleague-again")
            budi.go(lambda: budi.page.keyboard.press("j"), "next-colleague")
            got = int(budi.page.url.split("/produk/")[1].split("?")[0])
            assert got != rina_holds and got not in visited, (got, rina_holds)
            budi_holds.add(got)
    assert len(set(visited)) == 30

    # The rest of the page: cancel one bulk confirmation, then approve after the thumbnails.
    rina.goto(f"/staff/moderasi/{round_id}", "queue-after-30")
    waiting = page.locator(".pick input[type=checkbox]")
    left = waiting.count()
    assert left == N - 30
    page.locator(".pick-all input").first.check()
    rina.go(page.get_by_role("button", name="Setujui yang dipilih…").first.click, "bulk-confirm")
    thumbs = page.locator(".queue-card img")
    assert thumbs.count() == left
    for k in range(left):  # every thumbnail of what is about to be approved has loaded
        thumbs.nth(k).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbs.nth(k).element_handle()
        )
    assert (
        page.locator(".flag-blurry").count() == page.locator(".flag-duplicate_photo").count() == 1
    )
    rina.go(page.get_by_role("link", name="Batal").first.click, "bulk-cancelled")
    assert f"/staff/moderasi/{round_id}" in page.url and "/setujui" not in page.url
    assert page.locator(".pick input[type=checkbox]:checked").count() == left  # kept
    rina.go(page.get_by_role("button", name="Setujui yang dipilih…").first.click, "bulk-again")
    rina.go(page.get_by_role("button", name=f"Ya, setujui {left} produk").first.click, "bulk-done")
    assert f"{left} produk disetujui" in page.inner_text("body")
    rina.goto(f"/staff/moderasi/{round_id}/kemajuan", "progress")
    assert "Rina" in page.inner_text("table")

    with server.seed() as db:
        got = {i: db.session.get(Listing, i).status for i in ids}
    for listing_id, status in expected.items():
        assert got[listing_id] == status, listing_id
    rest = [i for i in ids if i not in expected]
    assert all(got[i] == S.APPROVED for i in rest)
    assert sorted(expected.values()).count(S.APPROVED) == 28
