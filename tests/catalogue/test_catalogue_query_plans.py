"""No catalogue ordering sorts or scans the listings table, on SQLite and on PostgreSQL.

Each test requests real pages, records every SQL statement that reads ``listings`` with an
ORDER BY, and asks the engine for its plan (SQLite: EXPLAIN QUERY PLAN, which plans as if the
tables were large; PostgreSQL: EXPLAIN with sequential scans and sorts priced out, so a
sequential scan or a Sort in the plan means no index can give that order). Also: a search of
only symbols or emoji runs no query at all.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.catalogue.queries import Filters, count_listings, search_listings
from marketplace.clock import now
from tests.builders import make_business, make_public_listing, make_published_round

_LISTINGS = re.compile(r"\bFROM listings\b", re.IGNORECASE)


def _recorded(db, fetch) -> list[tuple[str, object]]:
    """``(statement, parameters)`` of each SELECT run by ``fetch()``."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        fetch()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def _plan(db, statement, parameters) -> str:
    conn = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return "\n".join(r[0] for r in rows)
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(r[-1] for r in rows)


def _problems(db, plan: str) -> list[str]:
    """The lines of ``plan`` that scan or sort the listings table."""
    bad = []
    for line in plan.splitlines():
        if db.engine.dialect.name == "postgresql":
            if "Seq Scan on listings" in line or re.search(r"\bSort\b", line):
                bad.append(line.strip())
        elif re.search(r"\bSCAN listings\b", line) and "INDEX" not in line:
            bad.append(line.strip())
        elif "TEMP B-TREE FOR ORDER BY" in line:
            bad.append(line.strip())
    return bad


def _ordered_listing_reads(db, fetch) -> list[tuple[str, object]]:
    return [
        (s, p)
        for s, p in _recorded(db, fetch)
        if _LISTINGS.search(s) and "ORDER BY" in s.upper() and "listing_search" not in s
    ]


@pytest.fixture
def shelf(app, db):
    """Thirty public listings over two rounds, two categories, with and without a price."""
    old, new = make_published_round(days_ago=20), make_published_round(days_ago=2)
    business = make_business()
    items = []
    for i in range(30):
        items.append(
            make_public_listing(
                rnd=new if i % 3 else old,
                business=business,
                title=f"Keripik Singkong {i}",
                category_slug="makanan" if i % 2 else "minuman",
                price=None if i % 7 == 0 else 1000 * (i + 1),
                approved_at=now() - timedelta(hours=i),
            )
        )
    db.session.commit()
    app.config["PAGE_CACHE"] = False  # every request runs its queries
    return {"rounds": (old, new), "items": items}


PAGES = [
    "/",
    "/katalog",
    "/katalog?urut=murah",
    "/katalog?urut=mahal",
    "/katalog?kategori=makanan",
    "/katalog?kecamatan=pamulang&urut=baru",
    "/katalog?per_page=5",
    "/katalog?urut=murah&per_page=5",
    "/katalog?urut=mahal&per_page=5",
]


def _next_link(body: str) -> str | None:
    m = re.search(r'href="(/katalog\?[^"]*cursor=[^"]+)"', body)
    return m.group(1).replace("&amp;", "&") if m else None


@pytest.mark.parametrize("url", PAGES)
def test_catalogue_orders_walk_an_index(client, db, shelf, url):
    pages = [url]
    body = client.get(url).get_data(as_text=True)
    nxt = _next_link(body)
    if nxt:
        pages.append(nxt)  # a page cut by the keyset cursor
    reads = []
    for u in pages:

        def get(u=u):
            assert client.get(u).status_code == 200

        reads += _ordered_listing_reads(db, get)
    assert reads, "the page read no listings in order"
    for statement, parameters in reads:
        plan = _plan(db, statement, parameters)
        assert not _problems(db, plan), f"{statement}\n--- plan ---\n{plan}"


def test_listing_page_related_and_round_page_walk_an_index(client, db, shelf):
    item = shelf["items"][1]
    _, new = shelf["rounds"]
    reads = []
    for url in (f"/produk/{item.id}", f"/edisi/{new.edition}"):

        def get(url=url):
            assert client.get(url, follow_redirects=True).status_code == 200

        reads += _ordered_listing_reads(db, get)
    assert len(reads) >= 2
    for statement, parameters in reads:
        plan = _plan(db, statement, parameters)
        assert not _problems(db, plan), f"{statement}\n--- plan ---\n{plan}"


def test_the_probe_catches_a_sort_it_cannot_avoid(client, db, shelf):
    """The check itself can fail: an order no index gives (by title) is reported."""
    stmt = "SELECT id FROM listings ORDER BY title DESC LIMIT 5"
    assert _problems(db, _plan(db, stmt, {} if db.engine.dialect.name != "sqlite" else ()))


@pytest.mark.parametrize("q", ["%", "🍪", "%%__", "' \" \\", "🍪 ☕️ !!"])
def test_symbols_or_emoji_only_run_no_query(app, client, db, shelf, q):
    reads = _recorded(db, lambda: search_listings(now(), q=q))
    assert reads == []
    page = search_listings(now(), q=q)
    assert page.items == [] and page.match.unsearchable
    assert count_listings(now(), q, Filters()) == 0

    r = client.get("/katalog", query_string={"q": q})
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "Pencarian perlu huruf atau angka" in body
    assert "Lihat tanpa kata kunci" in body  # the way out: the same page without the query
