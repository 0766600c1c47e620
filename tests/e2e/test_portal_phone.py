"""The coordinator's portal on a 360×780 phone (#17), one short journey: the header is two
rows in Indonesian and in English (brand and language, then the menu, "Notifikasi 18"
included) with no "Keluar" among the menu links; the footer's "Keluar" logs out; the photo
picker is a big box and its counter counts photos chosen but not sent yet."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.notifications import Notification
from tests.browser import PHONE
from tests.builders import PASSWORD, make_business, make_member, make_round

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "images"

HEADER_ROWS_JS = """() => {
  const tops = new Set();
  const sel = '.site-header .brand, .site-header nav > a, .bar-tools > :not(.logout-top)';
  for (const el of document.querySelectorAll(sel)) {
    if (el.offsetParent !== null) tops.add(Math.round(el.getBoundingClientRect().top / 10));
  }
  return tops.size;
}"""


def test_phone_header_two_rows_logout_in_footer_and_photo_counter(server, journeys):
    with server.seed() as db:
        member = make_member()
        make_business(community=member.community)
        make_round()
        db.session.add_all(  # a two-digit unread badge, the widest menu
            Notification(community_id=member.community_id, kind="info", message=f"Pesan {i}")
            for i in range(18)
        )
        email = member.email
    tab = journeys("koordinator")
    page = tab.page
    tab.goto("/masuk", "login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    tab.go(page.locator("main").get_by_role("button", name="Masuk").click, "portal")
    for language in ("id", "en"):
        rows = page.evaluate(HEADER_ROWS_JS)
        assert rows == 2, f"the phone header has {rows} rows ({language})"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert not page.locator("header nav").get_by_role("button").count()
        assert not page.locator("header .logout-top").is_visible()
        if language == "id":
            tab.go(page.locator("header a.lang").click, "portal-en")
    tab.go(page.locator("header a.lang").click, "portal-id")

    tab.goto("/portal/produk/baru", "listing-form")
    picker = page.locator("label.picker").bounding_box()
    assert picker["height"] >= 96 and picker["width"] >= 280, picker  # the fieldset's width
    page.set_input_files(
        "input[type=file]",
        [FIXTURES / "real" / "camera_gps.jpg", FIXTURES / "real" / "portrait_orientation_6.jpg"],
    )
    page.wait_for_function(
        "() => document.getElementById('photo-count').textContent.startsWith('2 dari 5 foto')"
    )

    footer_logout = page.locator("footer .logout-bottom button")
    assert footer_logout.is_visible()
    tab.go(footer_logout.click, "logged-out")
    assert "Anda sudah keluar." in page.content()
