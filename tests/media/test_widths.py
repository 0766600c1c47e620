"""The WebP widths fit the places photos are shown, and the templates let the browser
choose among them (srcset/sizes, width/height, lazy below the fold).

Slots are the CSS pixel widths that static/css/site.css gives a photo: a product card in
the 2-column phone grid ((100vw − 2rem padding − .75rem gap) / 2), the phone listing page
(100vw − 2rem), the desktop listing page (32rem column) and the desktop 4-column grid.
A browser needs ``slot × devicePixelRatio`` pixels; following the HTML rule (the smallest
candidate at least that wide, else the widest), the file it fetches should be no more than
twice as wide as needed (4× the pixels) and, unless the photo is that wide, not narrower.
"""

from __future__ import annotations

import re

import pytest

from marketplace.media.images import VARIANTS

WEB_WIDTHS = sorted(v.width for v in VARIANTS if v.content_type == "image/webp")

# (what, viewport CSS px, device pixel ratio, slot CSS px)
SCENARIOS = [
    ("cheap phone, card", 360, 2.0, (360 - 32 - 12) / 2),
    ("cheap phone 1.5x, card", 360, 1.5, (360 - 32 - 12) / 2),
    ("mid phone, card", 412, 2.625, (412 - 32 - 12) / 2),
    ("phone 3x, card", 393, 3.0, (393 - 32 - 12) / 2),
    ("cheap phone, listing page", 360, 2.0, 360 - 32),
    ("mid phone, listing page", 412, 2.625, 412 - 32),
    ("desktop, listing page", 1280, 1.0, 512),
    ("retina desktop, listing page", 1440, 2.0, 512),
    ("desktop, card", 1280, 1.0, (1152 - 32 - 48) / 4),
    ("retina desktop, card", 1440, 2.0, (1152 - 32 - 48) / 4),
]


def pick(needed: float) -> int:
    return next((w for w in WEB_WIDTHS if w >= needed), WEB_WIDTHS[-1])


@pytest.mark.parametrize("what,viewport,dpr,slot", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_each_slot_gets_a_close_fit(what, viewport, dpr, slot):
    needed = slot * dpr
    chosen = pick(needed)
    assert chosen >= min(needed, WEB_WIDTHS[-1]) * 0.95, (
        f"{what}: {chosen} px for {needed:.0f} needed"
    )
    assert chosen <= 2 * needed, (
        f"{what}: {chosen} px is more than twice the {needed:.0f} px needed"
    )


def test_the_instagram_kit_gets_a_1080_jpeg():
    ig = [v for v in VARIANTS if v.content_type == "image/jpeg"]
    assert [(v.name, v.width) for v in ig] == [("ig1080", 1080)]


def test_the_listing_page_uses_the_responsive_picture():
    from tests.media.support import REPO

    text = (REPO / "templates/catalogue/listing.html").read_text()
    assert 'import picture' in text
    calls = re.findall(r"picture\((.*?)\)\s*}}", text, flags=re.S)
    assert calls and all("sizes=" in c for c in calls), calls


def test_a_card_writes_its_precomputed_srcset_and_sizes():
    """Cards no longer call the picture macro per card (#19): ``listing_cards`` computes each
    image's ``src``/``srcset`` once; the card must still give the browser both and ``sizes``."""
    from tests.media.support import REPO

    text = (REPO / "templates/catalogue/_card.html").read_text()
    img = re.search(r"<img [^>]*>", text).group(0)
    for attribute in ('src="{{ c.picture.src }}"', 'srcset="{{ c.picture.srcset }}"', "sizes="):
        assert attribute in img, (attribute, img)


def test_listing_page_loads_the_first_photo_eagerly_and_the_rest_lazily():
    from tests.media.support import REPO

    text = (REPO / "templates/catalogue/listing.html").read_text()
    assert "eager=loop.first" in text
    card = (REPO / "templates/catalogue/_card.html").read_text()
    assert "eager" not in card  # cards: lazy (the grid starts below the fold on a phone)
