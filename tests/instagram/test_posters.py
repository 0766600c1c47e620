"""Printable posters: an A4 stand poster per community and A6 price cards, as real PDFs
(rendered back with PDFium); their QR codes decode (zxing-cpp) and lead to the pages."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from marketplace.instagram.posters import (
    PosterItem,
    StandPoster,
    drawable,
    price_cards,
    stand_poster,
)
from marketplace.shortlinks.codes import short_code
from marketplace.slugs import slugify
from tests.builders import (
    make_business,
    make_community,
    make_public_listing,
    make_published_round,
    with_real_photos,
)

A4_PT, A6_PT = (595, 842), (298, 420)


def _pages(data: bytes, scale: float = 3.0) -> list[Image.Image]:
    assert data.startswith(b"%PDF-")
    pdf = pdfium.PdfDocument(data)
    return [pdf[i].render(scale=scale).to_pil() for i in range(len(pdf))]


def _size(data: bytes) -> tuple[int, int]:
    page = pdfium.PdfDocument(data)[0]
    return round(page.get_width()), round(page.get_height())


def _codes(image: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(image))


def test_price_cards_pdf_pure():
    items = [
        PosterItem("Kopi Robusta 🍵", "Rp45.000 / pack", "ETL-3TCN", "https://x.id/k/ETL-3TCN"),
        PosterItem(
            "Kue " * 40,
            "Hubungi penjual",
            "ETL-7MSA",
            "https://x.id/k/ETL-7MSA",
            photo=Image.new("RGB", (400, 900), (200, 80, 40)),
        ),
    ]
    data = price_cards(items, "Etalase UMKM Tangsel")
    assert _size(data) == A6_PT
    pages = _pages(data)
    assert len(pages) == 2
    assert _codes(pages[0]) == ["https://x.id/k/ETL-3TCN"]
    assert _codes(pages[1]) == ["https://x.id/k/ETL-7MSA"]


def test_drawable_leaves_out_what_the_font_lacks():
    assert drawable("Kopi 🍵  Robusta") == "Kopi Robusta"


def test_stand_poster_pdf_pure_holds_twelve_products_at_most():
    items = [PosterItem(f"Produk {i}", "Rp1.000 / pcs", f"ETL-{i:04d}", "u") for i in range(15)]
    poster = StandPoster(
        "Etalase", "Komunitas Kopi Setu", "Setu", "https://x.id/komunitas/kopi", items
    )
    data = stand_poster(poster)
    assert _size(data) == A4_PT
    (page,) = _pages(data, scale=2.0)
    assert "https://x.id/komunitas/kopi" in _codes(page)


def test_poster_and_cards_lead_to_the_pages(app, db, as_staff, client):
    rnd = make_published_round()
    community = make_community(name="Komunitas Kopi")
    listing = with_real_photos(
        make_public_listing(
            rnd=rnd, business=make_business(community), title="Kopi Robusta", price=45000
        )
    )
    db.session.commit()

    r = as_staff.get(f"/staff/instagram/{rnd.id}/kartu-harga.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    (card,) = _pages(r.data)
    (url,) = _codes(card)
    assert url == f"http://localhost/k/{short_code(listing.id)}"
    follow = client.get(url.removeprefix("http://localhost"))
    assert follow.headers["Location"].endswith(f"/produk/{listing.id}-{slugify(listing.title)}")

    r = as_staff.get(f"/staff/instagram/komunitas/{community.id}/poster.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    (page,) = _pages(r.data)
    assert f"http://localhost/komunitas/{community.slug}" in _codes(page)
    assert client.get(f"/komunitas/{community.slug}").status_code == 200


def test_posters_are_for_staff_only(app, db, as_member):
    rnd = make_published_round()
    community = make_community()
    db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get(f"/staff/instagram/{rnd.id}/kartu-harga.pdf").status_code == 302
    assert as_member.get(f"/staff/instagram/komunitas/{community.id}/poster.pdf").status_code == 404
