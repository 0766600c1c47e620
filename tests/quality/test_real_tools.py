"""Checked by real tools: the W3C Nu HTML checker (npm ``vnu-jar`` on Debian's Java) and
axe-core in headless Chromium, on home, catalogue, listing, business, round, login and the
portal's listing form.

The pages come from the Flask test client; Chromium gets them through ``page.route`` (no
server), stylesheets and photos included, so axe sees the page a phone would show.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser import axe_violations, format_violations, new_context, run_vnu
from tests.builders import make_business, make_public_listing, make_round, with_real_photos
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser
BASE = "http://localhost"


@pytest.fixture
def pages(app, db, client, as_member):
    """{name: (client, path)} for the pages under test, with real data behind them."""
    listing = make_public_listing(
        title="Keripik Singkong Balado",
        price=15000,
        description="Singkong pilihan.\nPedas manis, 250 gram.",
    )
    with_real_photos(
        listing,
        FIXTURES / "images/real/landscape_orientation_1.jpg",
        FIXTURES / "images/real/portrait_orientation_6.jpg",
    )
    rnd = listing.round
    make_round()  # the open round, so the member's listing form is there
    make_business(as_member.user.community, name="Kue Ani")
    db.session.commit()
    return {
        "home": (client, "/"),
        "catalogue": (client, "/katalog?q=keripik&kecamatan=" + listing.business.district.slug),
        "listing": (client, f"/produk/{listing.id}"),
        "business": (client, f"/usaha/{listing.business_id}"),
        "round": (client, f"/edisi/{rnd.edition}"),
        "login": (app.test_client(), "/masuk"),
        "portal_listing_form": (as_member, "/portal/produk/baru"),
    }


def test_pages_are_valid_html(pages, tmp_path):
    files = []
    for name, (client, path) in pages.items():
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, (name, path, response.status_code)
        assert response.mimetype == "text/html"
        target = tmp_path / f"{name}.html"
        target.write_bytes(response.get_data())
        files.append(target)
    errors = run_vnu(files)  # one java run for every page
    assert not errors, "W3C Nu checker:\n" + "\n".join(
        f"  {urlsplit(m.get('url', '')).path.rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: "
        f"{m['message']}"
        f"\n      {m.get('extract', '').strip()[:160]!r}"
        for m in errors
    )


def test_pages_pass_axe_core_on_a_phone(pages, browser, app):
    context = new_context(browser)
    current = {}

    def serve(route, request):
        """Answer the browser from the test client of the page being checked."""
        parts = urlsplit(request.url)
        response = current["client"].get(
            parts.path + (f"?{parts.query}" if parts.query else ""), follow_redirects=True
        )
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
        }
        route.fulfill(status=response.status_code, headers=headers, body=response.get_data())

    context.route(re.compile(r"^http://localhost/"), serve)
    problems = []
    try:
        page = context.new_page()
        for name, (client, path) in pages.items():
            current["client"] = client
            response = page.goto(BASE + path)
            assert response.status == 200, (name, path, response.status)
            page.wait_for_load_state("load")
            found = axe_violations(page)
            if found:
                problems.append(format_violations(f"{name} ({path})", found))
    finally:
        context.close()
    assert not problems, "\n".join(problems)
