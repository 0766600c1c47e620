"""The page cache's one declaration: every page in ``CACHEABLE_ENDPOINTS`` is both stored
and served from the cache; every other catalogue page is neither."""

from __future__ import annotations

from contextlib import contextmanager

from flask import request, request_started

from marketplace.catalogue import pagecache
from marketplace.slugs import slugify
from tests.builders import make_public_listing


@contextmanager
def reaching_flask(app):
    """Collect the endpoint of every request that got past the middleware (a hit never does)."""
    seen: list[str | None] = []

    def record(sender, **extra):
        seen.append(request.endpoint)

    with request_started.connected_to(record, app):
        yield seen


def _public_world(db):
    listing = make_public_listing(title="Kopi Robusta")
    db.session.commit()
    return listing


def _declared_urls(listing) -> dict[str, str]:
    business, rnd = listing.business, listing.round
    return {
        "catalogue.home": "/",
        "catalogue.catalogue": "/katalog?kategori=makanan",
        "catalogue.listing": f"/produk/{listing.id}-{slugify(listing.title)}",
        "catalogue.business": f"/usaha/{business.id}",
        "catalogue.community": f"/komunitas/{business.community.slug}",
        "catalogue.round_page": f"/edisi/{rnd.edition}",
        "catalogue.sitemap": "/sitemap.xml",
        "catalogue.robots": "/robots.txt",
        "feeds.meta": "/feed/meta.csv",
        "feeds.google": "/feed/google.xml",
        "feeds.rounds": "/feed/edisi.atom",
    }


def test_the_declaration_names_only_routes_that_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert pagecache.CACHEABLE_ENDPOINTS <= endpoints


def test_every_declared_page_is_stored_then_served_from_the_cache(app, client, db):
    urls = _declared_urls(_public_world(db))
    assert set(urls) == pagecache.CACHEABLE_ENDPOINTS, "give each declared page a sample URL"
    for endpoint, url in urls.items():
        with reaching_flask(app) as seen:
            first = client.get(url)
            again = client.get(url)
        assert first.status_code == 200, url
        assert seen == [endpoint], f"{url} was not served from the cache"
        assert again.status_code == 200 and again.get_data() == first.get_data()


def test_a_catalogue_page_left_out_of_the_declaration_is_neither_stored_nor_served(app, client, db):
    listing = _public_world(db)
    values = {
        "listing_id": listing.id,
        "business_id": listing.business_id,
        "edition": listing.round.edition,
        "slug": slugify(listing.title),
    }
    undeclared = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("catalogue.")
        and rule.endpoint not in pagecache.CACHEABLE_ENDPOINTS
        and "GET" in rule.methods
    ]
    assert {rule.endpoint for rule in undeclared} >= {"catalogue.whatsapp", "catalogue.healthz"}
    for rule in undeclared:
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        with reaching_flask(app) as seen:
            client.get(url)
            client.get(url)
        assert seen == [rule.endpoint, rule.endpoint], url


def test_the_declaration_alone_decides(app, client, db, monkeypatch):
    _public_world(db)
    without = pagecache.CACHEABLE_ENDPOINTS - {"catalogue.catalogue"}
    with reaching_flask(app) as seen:
        monkeypatch.setattr(pagecache, "CACHEABLE_ENDPOINTS", without)
        client.get("/katalog")  # left out: not stored...
        monkeypatch.undo()
        client.get("/katalog")  # ...so this one is built (and stored now)
        client.get("/katalog")  # a hit
        monkeypatch.setattr(pagecache, "CACHEABLE_ENDPOINTS", without)
        client.get("/katalog")  # left out again: the stored page is not served
    assert seen == ["catalogue.catalogue"] * 3
