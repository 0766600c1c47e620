"""#17: the home showcase is topped up from recent rounds when the newest edition holds few
products (and only then), and the listing page's swipe hint sits right under the photos."""

from __future__ import annotations

from tests.builders import make_public_listing, make_published_round


def test_a_full_showcase_is_not_topped_up(client, db):
    old = make_published_round(days_ago=20)
    current = make_published_round(days_ago=2)
    make_public_listing(rnd=old, title="Produk Lama")
    for i in range(12):
        make_public_listing(rnd=current, title=f"Produk Baru {i}")
    db.session.commit()
    body = client.get("/").get_data(as_text=True)
    assert "Dari edisi sebelumnya" not in body and "Produk Lama" not in body


def test_a_thin_showcase_fills_up_to_twelve_without_repeats(client, db):
    old = make_published_round(days_ago=20)
    current = make_published_round(days_ago=2)
    make_public_listing(rnd=current, title="Satu-satunya")
    for i in range(15):
        make_public_listing(rnd=old, title=f"Produk Lama {i:02d}")
    db.session.commit()
    body = client.get("/").get_data(as_text=True)
    earlier = body[body.index("Dari edisi sebelumnya") :]
    assert body.count("Satu-satunya</") == 1
    assert sum(f"Produk Lama {i:02d}<" in earlier for i in range(15)) == 11


def test_swipe_hint_sits_under_the_gallery(client, db):
    listing = make_public_listing(title="Tas Anyaman")
    second = type(listing.photos[0])(image=listing.photos[0].image, position=1)
    listing.photos.append(second)
    db.session.commit()
    body = client.get(f"/produk/{listing.id}", follow_redirects=True).get_data(as_text=True)
    gallery_end = body.index("</figure>", body.index('class="gallery"'))
    hint = body.index('id="gallery-hint"')
    assert gallery_end < hint < body.index("<h1>"), "the hint is not next to the photos"
    assert "(2 foto)" in body and 'aria-describedby="gallery-hint"' in body
