"""Per-listing page views: counted in the demand middleware beside the page cache (hits and
misses), distinct visitors through the daily salt, no write per request, bots and staff
left out; the portal shows each listing's views and WhatsApp taps, round by round."""

from __future__ import annotations

from datetime import timedelta

from flask import request_started

from marketplace import create_app
from marketplace.catalogue.taps import count_whatsapp_tap
from marketplace.clock import FixedClock, now
from marketplace.demand.counters import MemoryCounts
from marketplace.demand.models import ListingView
from marketplace.demand.queries import ViewCount, listing_views
from marketplace.extensions import db
from marketplace.listings.models import ListingStatus
from marketplace.slugs import slugify
from tests.builders import make_business, make_listing, make_public_listing, make_published_round
from tests.conftest import T0, base_config
from tests.demand.test_counting import DAY, PHONE, demand
from tests.project.test_shared_state import redis_url  # noqa: F401  (a real redis-server)


def url(listing) -> str:
    return f"/produk/{listing.id}-{slugify(listing.title)}"


def view(client, listing, address="10.0.0.1", ua=PHONE, path=None, method="GET", **headers):
    return client.open(
        path or url(listing),
        method=method,
        headers={"User-Agent": ua, **headers},
        environ_base={"REMOTE_ADDR": address},
    )


def stored() -> dict[tuple[int, object], tuple[int, int]]:
    db.session.expire_all()
    return {
        (r.listing_id, r.day): (r.views, r.visitors)
        for r in db.session.execute(db.select(ListingView)).scalars()
    }


def _listing(**kw):
    listing = make_public_listing(**kw)
    db.session.commit()
    return listing


def test_views_are_counted_on_cache_hits_and_misses(app, client):
    listing = _listing()
    reached_flask = []
    request_started.connect(lambda sender, **kw: reached_flask.append(1), app, weak=False)
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        assert view(client, listing, address).status_code == 200
    assert len(reached_flask) == 1  # the second and third came from the page cache
    demand(app).flush()
    assert stored() == {(listing.id, DAY): (3, 2)}  # three views, two visitors
    assert listing_views([listing.id]) == {listing.id: ViewCount(3, 2)}


def test_only_a_shown_page_is_a_view(app, client):
    listing = _listing()
    assert view(client, listing, method="HEAD").status_code == 200
    assert view(client, listing, **{"Sec-Purpose": "prefetch"}).status_code == 200
    assert view(client, listing, path=f"/produk/{listing.id}").status_code == 301  # to the slug
    assert view(client, listing, path="/produk/999999-tidak-ada").status_code == 404
    assert view(client, listing, path=f"/produk/{listing.id}/whatsapp").status_code == 302
    demand(app).flush()
    assert stored() == {}


def test_bots_and_staff_views_are_not_counted(app, client, as_staff):
    listing = _listing()
    view(client, listing, ua="Mozilla/5.0 (compatible; Googlebot/2.1)")
    view(client, listing, ua="WhatsApp/2.23.20.0")  # the link preview of a shared product
    view(client, listing, ua="")
    assert as_staff.get(url(listing), headers={"User-Agent": PHONE}).status_code == 200
    demand(app).flush()
    assert stored() == {}
    view(client, listing)  # a shopper still is
    demand(app).flush()
    assert stored() == {(listing.id, DAY): (1, 1)}


def test_no_write_per_view_until_the_batch_is_due_and_flush_at_shutdown(app, client):
    listing = _listing()
    counter = demand(app)
    counter.every_seconds, counter.every_requests = 3600, 3
    view(client, listing)
    view(client, listing)
    assert stored() == {}  # still in memory
    view(client, listing)  # the third crosses the threshold
    assert stored() == {(listing.id, DAY): (3, 1)}
    view(client, listing, "10.0.0.9")
    assert stored() == {(listing.id, DAY): (3, 1)}
    counter.shutdown()  # what atexit runs when a worker stops
    assert stored() == {(listing.id, DAY): (4, 2)}


def test_views_count_per_wib_day_and_the_viewer_hashes_are_forgotten(app, client, clock):
    listing = _listing()
    view(client, listing, "10.0.0.1")
    demand(app).flush()
    clock.advance(days=1)
    view(client, listing, "10.0.0.1")  # the same address the next day: a new visitor
    demand(app).flush()
    assert stored() == {(listing.id, DAY): (1, 1), (listing.id, DAY + timedelta(days=1)): (1, 1)}
    store = demand(app).store
    assert isinstance(store, MemoryCounts)
    assert all(day > DAY for day, _ in store._viewers) and DAY not in store._salts
    columns = {c.name for c in ListingView.__table__.columns}
    assert columns == {"listing_id", "day", "views", "visitors"}  # nothing about who


def test_counting_off_counts_no_views(app, client):
    listing = _listing()
    app.config["DEMAND_COUNTING"] = False
    view(client, listing)
    demand(app).flush()
    assert stored() == {}


def test_redis_views_are_shared_by_workers(tmp_path, app, redis_url):  # noqa: F811
    import redis

    redis.Redis.from_url(redis_url).flushall()
    listing = _listing()
    workers = []
    for n in (1, 2):
        config = base_config(tmp_path / f"w{n}", FixedClock(T0))
        config.update(DATABASE_URL=app.config["DATABASE_URL"], REDIS_URL=redis_url)
        workers.append(create_app(config))
    one, two = (w.test_client() for w in workers)
    view(one, listing, "10.0.0.1")
    view(one, listing, "10.0.0.2")
    view(two, listing, "10.0.0.1")  # another worker, the same day salt in Redis
    workers[1].extensions["demand"].flush()  # one worker flushes what all gathered
    workers[0].extensions["demand"].flush()  # nothing left: counted once
    assert stored() == {(listing.id, DAY): (3, 2)}
    r = redis.Redis.from_url(redis_url)
    assert all(r.ttl(k) > 0 for k in r.keys("etalase:demand:lv:*"))  # viewer sets expire


def test_portal_shows_views_and_taps_for_the_current_and_past_rounds(app, as_member):
    community = as_member.user.community
    business = make_business(community)
    past = make_published_round(days_ago=20)
    current = make_published_round(days_ago=2)
    old = make_listing(ListingStatus.APPROVED, business=business, rnd=past, title="Tas Anyaman")
    new = make_listing(ListingStatus.APPROVED, business=business, rnd=current, title="Kemeja Batik")
    other = make_public_listing(title="Keripik Tetangga")  # another community's listing
    count_whatsapp_tap(new.id, now())
    db.session.commit()
    anon = app.test_client()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.2"):
        view(anon, new, address)
    view(anon, old, "10.0.0.3")
    view(anon, other, "10.0.0.4")
    demand(app).flush()
    html = as_member.get("/portal/dicari").get_data(as_text=True)
    section = html[html.index('id="taps"') :]
    assert section.index(current.title) < section.index("Kemeja Batik")
    assert section.index("Kemeja Batik") < section.index(past.title) < section.index("Tas Anyaman")
    assert "Kemeja Batik: 3 kali dilihat (2 pengunjung), 1 ketukan" in section
    assert "Tas Anyaman: 1 kali dilihat (1 pengunjung), 0 ketukan" in section
    assert "Keripik Tetangga" not in section
