"""The catalogue on a 360×780 phone as a shopper sees it (#17): the result count and the first
product card above the fold (the filters fold into "Filter (n)"), nothing wider than the
screen, and every tap target at least 24×24 CSS px (WCAG 2.2, 2.5.8); axe-core of any impact."""

from __future__ import annotations

import pytest

from tests.browser import PHONE, axe_violations, format_violations
from tests.builders import make_business, make_community, make_public_listing, with_real_photos

pytestmark = pytest.mark.browser

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")

# Every visible thing a finger can tap; a control inside a <label> is tapped through the label.
TARGETS_JS = """() => {
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  for (const el of document.querySelectorAll(sel)) {
    const box = (el.closest('label') || el).getBoundingClientRect();
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
    if (box.right <= 0 || box.bottom + window.scrollY <= 0) continue;  // the skip link, off-screen
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    const text = (el.innerText || el.name || '').trim().slice(0, 30);
    if (box.width < 24 || box.height < 24)
      out.push(`${el.tagName} "${text}" ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return out;
}"""


def _seed(server, n: int = 8):
    with server.seed():
        business = make_business(make_community("UMKM Pamulang Jaya"), name="Keripik Bu Sri")
        first = make_public_listing(business=business, title="Keripik Singkong Balado Pedas")
        with_real_photos(first)
        for i in range(n - 1):
            make_public_listing(business=business, title=f"Kopi Robusta Gula Aren {i}", price=25000)


@pytest.mark.parametrize("path", ["/katalog", "/katalog?kategori=makanan&harga_min=abc", "/"])
def test_phone_first_card_above_the_fold_nothing_too_wide_or_too_small(server, journeys, path):
    _seed(server)
    shopper = journeys("pembeli")
    page = shopper.page
    shopper.goto(path, "katalog")
    if path.startswith("/katalog"):
        count = page.locator(".result-count")
        assert count.is_visible()
        assert count.bounding_box()["y"] < PHONE["height"]
        box = page.locator(".cards .card").first.bounding_box()
        assert box is not None, "no product card"
        # The card's photo starts on the first screen, with room to see it is a product.
        assert box["y"] + 120 <= PHONE["height"], f"first card starts at {box['y']:.0f}px"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px screen"
    small = page.evaluate(TARGETS_JS)
    assert not small, f"tap targets under 24×24 CSS px on {path}: {small}"
    found = axe_violations(page, impacts=ALL_IMPACTS)
    assert not found, format_violations(path, found)


def test_phone_filters_open_without_javascript(server, browser):
    """The "Filter" disclosure is a plain <details>: it opens with JavaScript off."""
    from tests.browser import new_context

    _seed(server, n=2)
    context = new_context(browser, base_url=server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/katalog")
        select = page.locator("#f-kategori")
        assert not select.is_visible()
        page.locator("summary", has_text="Filter").click()
        assert select.is_visible()
        select.select_option("makanan")
        page.locator("button", has_text="Tampilkan").click()
        page.wait_for_url("**kategori=makanan**")
        assert "Filter (1)" in page.locator("summary").inner_text()
    finally:
        context.close()
