"""Every public page carries an og:image, and the catalogue says what it holds (#16)."""

import re

from marketplace.slugs import slugify
from tests.builders import make_business, make_community, make_public_listing, make_published_round


def _meta(html: str, prop: str) -> str | None:
    m = re.search(rf'<meta (?:property|name)="{prop}" content="([^"]*)"', html)
    return m.group(1) if m else None


def test_every_public_page_has_an_og_image_and_the_catalogue_counts(client, db):
    rnd = make_published_round()
    business = make_business(make_community(district_slug="pamulang"))
    listing = make_public_listing(rnd=rnd, business=business, title="Keripik", photos=1)
    make_public_listing(rnd=rnd, business=business, title="Kue", photos=1)
    db.session.commit()
    pages = [
        "/",
        "/katalog",
        "/katalog?kategori=makanan",
        "/katalog?kecamatan=pamulang",
        f"/komunitas/{business.community.slug}",
        f"/usaha/{business.id}",
        f"/edisi/{rnd.edition}",
        f"/produk/{listing.id}-{slugify(listing.title)}",
    ]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert (_meta(html, "og:image") or "").startswith("http://localhost/"), url
    html = client.get("/katalog?kategori=makanan&kecamatan=pamulang").get_data(as_text=True)
    assert _meta(html, "og:description") == "2 produk makanan dari Pamulang"
    assert _meta(html, "description") == "2 produk makanan dari Pamulang"
    html = client.get("/katalog?kategori=minuman").get_data(as_text=True)
    assert _meta(html, "og:image") is None  # nothing to show: no picture rather than a wrong one
