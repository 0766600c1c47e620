"""The "Laporkan produk" journey (#12), on a phone: a shopper reports a listing without an
account; a moderator takes it down from the Laporan queue with the reason prefilled; the
community sees why, never who reported."""

from __future__ import annotations

import pytest

from tests.builders import make_business, make_member, make_public_listing, make_staff
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.browser


def test_a_shoppers_report_leads_to_a_take_down_the_community_understands(server, journeys):
    with server.seed():
        member = make_member()
        listing = make_public_listing(
            business=make_business(member.community, name="Madu Hutan Pak Ujang"),
            title="Madu Hutan Asli",
        )
        staff_user = make_staff()
        listing_id, emails = listing.id, (member.email, staff_user.email)

    shopper = journeys("pembeli")
    shopper.goto(f"/produk/{listing_id}", "produk")
    shopper.go(shopper.page.get_by_role("link", name="Laporkan produk").click, "form-laporan")
    shopper.page.get_by_label("Penipuan / nomor WhatsApp salah").check()
    shopper.page.get_by_label("Catatan (boleh kosong)").fill(
        "Sudah transfer, barang tidak dikirim."
    )
    shopper.go(shopper.page.get_by_role("button", name="Kirim laporan").click, "terkirim")
    assert "Laporan Anda sudah kami terima" in shopper.page.content()

    moderator = journeys("moderator", desktop=True)
    log_in(moderator, emails[1])
    moderator.seen("staf")
    moderator.goto("/staff/laporan", "laporan")
    card = moderator.page.locator("section.card", has_text="Madu Hutan Asli")
    assert "Sudah transfer, barang tidak dikirim." in card.inner_text()
    reason = card.get_by_label("Alasan untuk komunitas")
    assert reason.input_value().strip()  # prefilled from the report's reason
    reason.fill("Dilaporkan pembeli: barang tidak dikirim setelah transfer.")
    moderator.go(card.get_by_role("button", name="Turunkan produk").click, "diturunkan")

    gone = journeys("pembeli-lagi")
    response = gone.goto(f"/produk/{listing_id}")
    assert response.status == 404
    gone.seen("tidak-tayang")

    community = journeys("komunitas")
    log_in(community, emails[0])
    community.seen("portal")
    community.goto(f"/portal/produk/{listing_id}", "produk-diturunkan")
    text = community.page.locator("main").inner_text()
    assert "Diturunkan" in text
    assert "barang tidak dikirim setelah transfer" in text
    assert "198.51.100" not in text and "127.0.0.1" not in text  # never who reported
