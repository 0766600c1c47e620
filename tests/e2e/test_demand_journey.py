"""The "Dicari pembeli" journey (#15): three shoppers search "masker kain" and find nothing;
staff see it on the board and tell the fashion communities; a coordinator of one of them
reads the notification and sees the demand in the portal."""

from __future__ import annotations

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from marketplace.listings.models import ListingStatus
from tests.builders import (
    make_business,
    make_community,
    make_listing,
    make_member,
    make_published_round,
    make_staff,
)
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.browser


def test_shoppers_unmet_search_reaches_the_fashion_communities(server, journeys):
    # Every tab connects from 127.0.0.1: behind a (test) proxy each shopper gets its own
    # address, so the three count as three distinct visitors (K = 3).
    server.app.wsgi_app = ProxyFix(server.app.wsgi_app, x_for=1)
    with server.seed():
        rnd = make_published_round()
        fashion, food = make_community("Batik Pamulang"), make_community("Dapur Setu")
        for community, slug in ((fashion, "fesyen"), (food, "makanan")):
            make_listing(
                ListingStatus.APPROVED,
                business=make_business(community),
                rnd=rnd,
                category_slug=slug,
            )
        coordinator = make_member(fashion)
        other = make_member(food)
        staff_user = make_staff()
        emails = coordinator.email, other.email, staff_user.email

    for n in range(3):
        shopper = journeys(f"pembeli{n}")
        shopper.page.set_extra_http_headers({"X-Forwarded-For": f"198.51.100.{n + 1}"})
        shopper.goto("/katalog?q=masker+kain&kategori=fesyen", "cari-masker-kain")
        assert "Belum ada produk yang cocok" in shopper.page.content()
        assert shopper.page.locator("#saya-cari").count() == 1
    server.app.extensions["demand"].flush()  # the batch the next N seconds would write

    staff = journeys("staf", desktop=True)
    log_in(staff, emails[2])
    staff.seen("staf-ringkasan")
    staff.goto("/staff/dicari/", "papan-dicari")
    row = staff.page.locator("#unmet tr", has_text="masker kain")
    assert row.count() == 1
    staff.go(row.get_by_role("button", name="Beri tahu komunitas").click, "diberi-tahu")
    told = staff.page.locator("#notified").inner_text()
    assert "Batik Pamulang" in told and "Dapur Setu" not in told
    assert (
        "Pembeli mencari *masker kain* — 3 kali"
        in staff.page.locator("#whatsapp-text").inner_text()
    )

    member = journeys("koordinator")
    log_in(member, emails[0])
    member.seen("portal")
    member.goto("/portal/notifikasi", "notifikasi")
    assert "Pembeli mencari *masker kain*" in member.page.content()
    member.goto("/portal/dicari", "dicari-portal")
    assert "masker kain" in member.page.locator("#demand").inner_text()

    outsider = journeys("komunitas-lain")
    log_in(outsider, emails[1])
    outsider.seen("portal-lain")
    outsider.goto("/portal/notifikasi", "notifikasi-lain")
    assert "masker kain" not in outsider.page.content()
