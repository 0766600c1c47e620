"""Demand counting: every catalogue search (page-cache hit or miss) counted per day without
keeping who searched; K-anonymous reads; flushed in batches and at shutdown; in memory or in
a real redis-server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import request_started

from marketplace import create_app
from marketplace.clock import FixedClock
from marketplace.demand.counters import MemoryCounts
from marketplace.demand.facts import SearchFacts, bucket, from_query_string, looks_personal
from marketplace.demand.models import DemandSearch, DemandVisitors
from marketplace.demand.queries import search_totals, top_queries
from marketplace.extensions import db
from tests.builders import make_public_listing
from tests.conftest import T0, base_config
from tests.project.test_shared_state import redis_url  # noqa: F401  (a real redis-server)

PHONE = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 Chrome/120 Mobile"
DAY = (T0 + timedelta(hours=7)).date()


def search(client, q, address="10.0.0.1", ua=PHONE, **params):
    return client.get(
        "/katalog",
        query_string={"q": q, **params},
        headers={"User-Agent": ua},
        environ_base={"REMOTE_ADDR": address},
    )


def demand(app):
    return app.extensions["demand"]


def rows():
    db.session.expire_all()
    return db.session.execute(db.select(DemandSearch).order_by(DemandSearch.id)).scalars().all()


def visitors(query):
    db.session.expire_all()
    found = db.session.get(DemandVisitors, (DAY, query))
    return found.visitors if found else 0


# --- pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "(0812) 3456 7890",
        "sri@example.com",
        "@toko_bu_sri",
        "https://toko.example/x",
        "www.tokobusri",
        "tokobusri.com",
        "keripik tokopedia.co",
    ],
)
def test_personal_looking_queries_are_recognised(text):
    assert looks_personal(text)
    assert from_query_string(f"q={text}", 0) is None


@pytest.mark.parametrize("text", ["masker kain", "kopi 250 gr", "tas anyaman 2024", "Rp15.000"])
def test_ordinary_queries_are_not_personal(text):
    assert not looks_personal(text)


def test_facts_use_the_search_normalisation_and_buckets():
    facts = from_query_string("q=++M%C3%A1sker++KAIN%21&kategori=Fesyen&kecamatan=pamulang", 0)
    assert facts == SearchFacts("masker kain", "0", "fesyen", "pamulang")
    assert [bucket(n) for n in (0, 1, 5, 6, 40)] == ["0", "1-5", "1-5", "6+", "6+"]
    assert from_query_string("q=masker&cursor=abc", 0) is None  # a later page
    assert from_query_string("q=%25%25", 0) is None  # nothing searchable


def test_the_address_hash_changes_daily_and_is_forgotten_when_the_day_closes():
    store = MemoryCounts()
    facts = SearchFacts("masker kain", "0")
    store.add(DAY, "search", facts, "10.0.0.1")
    store.add(DAY + timedelta(days=1), "search", facts, "10.0.0.1")
    first, second = (store._visitors[(d, "masker kain")] for d in (DAY, DAY + timedelta(days=1)))
    assert first and second and first.isdisjoint(second)  # another salt, another hash
    assert "10.0.0.1" not in str(store._visitors)
    store.drain(DAY + timedelta(days=1))
    assert (DAY, "masker kain") not in store._visitors and DAY not in store._salts


# --- the middleware --------------------------------------------------------------------------


def test_cache_hits_and_misses_are_both_counted(app, client):
    reached_flask = []
    request_started.connect(lambda sender, **kw: reached_flask.append(1), app, weak=False)
    for _ in range(3):
        assert search(client, "Masker Kain").status_code == 200
    assert len(reached_flask) == 1  # the second and third came from the page cache
    demand(app).flush()
    assert [(r.day, r.query, r.bucket, r.searches) for r in rows()] == [
        (DAY, "masker kain", "0", 3)
    ]
    assert visitors("masker kain") == 1  # one address, three searches


def test_result_bucket_and_filters_are_kept(app, client):
    make_public_listing(title="Keripik Singkong Pedas")
    db.session.commit()
    search(client, "keripik")
    search(client, "keripik", kategori="makanan", kecamatan="pamulang")
    demand(app).flush()
    assert {(r.query, r.bucket, r.category, r.district) for r in rows()} == {
        ("keripik", "1-5", "", ""),
        ("keripik", "1-5", "makanan", "pamulang"),
    }


def test_k_anonymity_two_visitors_never_appear_three_do(app, client):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.2"):
        search(client, "masker kain", address)
    demand(app).flush()
    assert top_queries(DAY, DAY) == []
    assert search_totals(DAY, DAY) == (3, 3)  # counted, just not shown
    search(client, "masker  KAIN", "10.0.0.3")
    demand(app).flush()
    assert top_queries(DAY, DAY) == [top_queries(DAY, DAY)[0]]
    assert (top_queries(DAY, DAY)[0].query, top_queries(DAY, DAY)[0].unmet) == ("masker kain", 4)


def test_k_is_a_setting(app, client):
    app.config["DEMAND_K"] = 2
    for address in ("10.0.0.1", "10.0.0.2"):
        search(client, "masker kain", address)
    demand(app).flush()
    assert [q.query for q in top_queries(DAY, DAY)] == ["masker kain"]


def test_personal_looking_queries_are_never_stored(app, client):
    for q in ("0812-3456-7890", "sri@example.com", "https://wa.me/6281234567890", "toko.com"):
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            assert search(client, q, address).status_code == 200
    demand(app).flush()
    assert rows() == []
    assert db.session.execute(db.select(DemandVisitors)).first() is None


def test_bots_and_staff_are_not_counted(app, client, as_staff):
    search(client, "masker kain", ua="Mozilla/5.0 (compatible; Googlebot/2.1)")
    search(client, "masker kain", ua="facebookexternalhit/1.1")
    search(client, "masker kain", ua="")
    assert as_staff.get("/katalog?q=masker+kain", headers={"User-Agent": PHONE}).status_code == 200
    demand(app).flush()
    assert rows() == []
    search(client, "masker kain")  # a shopper still is
    demand(app).flush()
    assert [r.searches for r in rows()] == [1]


def test_nothing_about_the_visitor_is_stored(app, client):
    search(client, "masker kain", "203.0.113.77")
    demand(app).flush()
    columns = {c.name for t in (DemandSearch, DemandVisitors) for c in t.__table__.columns}
    assert columns == {"id", "day", "kind", "query", "bucket", "category", "district"} | {
        "searches",
        "visitors",
    }
    for table in (DemandSearch, DemandVisitors):
        for row in db.session.execute(db.select(table)).scalars():
            assert "203.0.113.77" not in repr(vars(row))


def test_no_database_write_per_search_until_the_batch_is_due(app, client):
    app.config["DEMAND_FLUSH_SECONDS"] = 3600
    counter = demand(app)
    counter.every_seconds, counter.every_requests = 3600, 3
    search(client, "masker kain")
    search(client, "masker kain")
    assert rows() == []  # still in memory
    search(client, "masker kain")  # the third crosses the threshold
    assert [r.searches for r in rows()] == [3]


def test_flush_at_shutdown(app, client):
    counter = demand(app)
    counter.every_seconds, counter.every_requests = 3600, 10_000
    search(client, "masker kain")
    search(client, "batik tulis", kategori="fesyen")
    assert rows() == []
    counter.shutdown()  # what atexit runs when a worker stops
    assert {(r.query, r.category) for r in rows()} == {
        ("masker kain", ""),
        ("batik tulis", "fesyen"),
    }


def test_counting_can_be_turned_off(app, client):
    app.config["DEMAND_COUNTING"] = False
    search(client, "masker kain")
    demand(app).flush()
    assert rows() == []


def test_redis_counts_are_shared_by_workers(tmp_path, app, redis_url):  # noqa: F811
    import redis

    redis.Redis.from_url(redis_url).flushall()
    workers = []
    for n in (1, 2):
        config = base_config(tmp_path / f"w{n}", FixedClock(T0))
        config.update(DATABASE_URL=app.config["DATABASE_URL"], REDIS_URL=redis_url)
        worker = create_app(config)
        worker.extensions["demand"].every_seconds = 3600
        workers.append(worker)
    one, two = (w.test_client() for w in workers)
    search(one, "masker kain", "10.0.0.1")
    search(one, "masker kain", "10.0.0.2")
    search(two, "masker kain", "10.0.0.3")  # another worker, same day salt in Redis
    search(two, "masker kain", "10.0.0.1")
    workers[1].extensions["demand"].flush()  # one worker flushes what all gathered
    workers[0].extensions["demand"].flush()  # nothing left: counted once
    assert [r.searches for r in rows()] == [4]
    assert visitors("masker kain") == 3
    assert [q.query for q in top_queries(DAY, DAY)] == ["masker kain"]
    keys = redis.Redis.from_url(redis_url).keys("etalase:demand:*")
    assert all(redis.Redis.from_url(redis_url).ttl(k) > 0 for k in keys)  # salts, hashes expire
