"""An English reader sees no Indonesian reference data (#17): category names and units come
from the data's own English names (categories.name_en, reference/units.py), on the public
pages and in the portal; Indonesian stays the stored name and the default."""

from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.reference.models import Category
from tests.builders import make_business, make_community, make_public_listing, make_published_round

CATEGORY_WORDS = [
    "Makanan",
    "Minuman",
    "Fesyen",
    "Kerajinan",
    "Kesehatan",
    "Kecantikan",
    "Pertanian",
    "Jasa",
]
UNIT_WORDS = ["botol", "porsi", "lusin"]


def _text(html: str) -> str:
    """What a reader sees: tags dropped (option labels kept), scripts and styles gone."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _seed(db):
    rnd = make_published_round()
    business = make_business(make_community("Komunitas Ceria"), name="Toko Ceria")
    items = []
    for slug, unit in zip(
        ["makanan", "minuman", "kerajinan", "jasa"],
        ["botol", "porsi", "lusin", "jasa"],
        strict=True,
    ):
        listing = make_public_listing(
            rnd=rnd, business=business, title=f"Barang {slug[:3]}", category_slug=slug
        )
        listing.unit = unit
        items.append(listing)
    db.session.commit()
    return items


def test_english_pages_have_no_indonesian_reference_words(client, db):
    items = _seed(db)
    client.get("/bahasa/en_ID")
    pages = ["/", "/katalog", "/katalog?kategori=jasa", *(f"/produk/{i.id}" for i in items)]
    for path in pages:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        text = _text(response.get_data(as_text=True))
        for word in CATEGORY_WORDS + UNIT_WORDS:
            assert not re.search(rf"\b{word}\b", text), f"{word!r} on English {path}"
    text = _text(client.get("/katalog").get_data(as_text=True))
    assert "Food" in text and "Services" in text and "/ bottle" in text


def test_indonesian_stays_the_stored_name(client, db):
    items = _seed(db)
    text = _text(client.get(f"/produk/{items[0].id}", follow_redirects=True).get_data(as_text=True))
    assert "Makanan" in text and "/ botol" in text
    food = db.session.scalar(sa.select(Category).where(Category.slug == "makanan"))
    assert (food.name, food.name_id, food.name_en) == ("Makanan", "Makanan", "Food")
    # SQL reads the Indonesian column: sorting and the admin's uniqueness check
    assert db.session.scalar(sa.select(Category.id).where(Category.name == "Makanan")) == food.id


def test_a_category_without_english_falls_back_to_indonesian(client, db):
    db.session.add(Category(slug="mainan", name="Mainan", sort_order=99))
    db.session.commit()
    client.get("/bahasa/en_ID")
    assert "Mainan" in _text(client.get("/katalog").get_data(as_text=True))


def test_signed_in_footers_do_not_offer_community_sign_up(app, as_staff, as_member):
    """#17: the footer's "Daftarkan komunitas UMKM" is for visitors, not staff or members."""
    visitor = app.test_client()
    assert "Daftarkan komunitas UMKM" in visitor.get("/katalog").get_data(as_text=True)
    assert "Daftarkan komunitas UMKM" not in as_staff.get("/staff/").get_data(as_text=True)
    assert "Daftarkan komunitas UMKM" not in as_member.get("/portal/").get_data(as_text=True)
