"""Cache-miss benchmark: real shoppers' variety, not one URL asked again and again.

Prints, measured in this run on this machine (``name: value``):

    hello_rps: <bare Flask hello-world under the same gunicorn, the same client>
    catalogue_miss_rps / catalogue_miss_ratio: <the mix below, page cache on, SQLite>
    catalogue_uncached_rps / catalogue_uncached_ratio: <the same mix with PAGE_CACHE=0>
    listing_uncached_rps / listing_uncached_ratio: <random listing pages, PAGE_CACHE=0>
    pg_uncached_rps / pg_uncached_vs_sqlite: <the uncached mix on PostgreSQL / on SQLite>
    search_p95_ms, search_max_ms: <in process, page 1 of each hard query, SQLite, 100k>
    search_pg_p95_ms, search_pg_max_ms: <the same on PostgreSQL>
    (with --million) search_1m_p95_ms, search_1m_max_ms, catalogue_1m_vs_100k

**The mix** (seeded, the same every run): ``--urls`` distinct catalogue URLs (search words,
typos, categories, districts, price ranges, halal, every sort, some second pages) and
listing pages, each requested ``--repeat`` times in a shuffled order, sent once through
``--connections`` keep-alive connections; rps is requests over wall time. Servers are
``gunicorn -c gunicorn.conf.py`` on 127.0.0.1 (one at a time, always stopped); any answer but
200 fails the run. **Search**: ``HARD_QUERIES`` (stop words, one and two letters, common
words, typos, multi-word, 100 characters, symbols, emoji, no match), each timed 3 times
after a warm pass; p95 and max over every timing. ``catalogue_1m_vs_100k``: the median
in-process time of uncached pages of the mix (fragment store emptied each time) at 1M over
the same at 100k.

Databases come from ``make_catalogue.py`` and are reused: ``bench/out/catalogue.sqlite3``
(100k), ``bench/out/catalogue-1m.sqlite3`` (1M, ``--million``) and the PostgreSQL database
``--pg-url`` (100k; skipped when not given).

Usage: ``.venv/bin/python bench/miss_bench.py [--pg-url URL] [--million] [--urls 240]``
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import random
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_catalogue  # noqa: E402
from catalogue_bench import Server, ensure_database  # noqa: E402

MILLION_PATH = ROOT / "bench" / "out" / "catalogue-1m.sqlite3"
DISTRICTS = ["ciputat", "ciputat-timur", "pamulang", "pondok-aren", "serpong", "serpong-utara"]
TYPOS = ["kripik", "batk", "kopii", "samball", "brwnies", "rendng", "jamuu", "hijb"]
HARD_QUERIES = (
    ["dan", "yang", "di", "dengan", "untuk", "dari", "ini", "atau"]  # stop words
    + ["a", "k", "s", "b", "m", "1"]  # one letter
    + ["ke", "ko", "sa", "ba", "ja", "s a"]  # two letters
    + ["keripik", "kopi", "batik", "pedas", "original", "manis", "kue", "sambal"]  # common
    + TYPOS
    + ["keripik singkong pedas", "sambal roa pedas manis", "kue kering nastar keju"]
    + ["kopi arabika gayo asli", "batik tulis tangan halus", "bu sri keripik"]
    + ["x" * 100, "keripik " * 12, "a b c d e f g h i j"]  # long
    + ["%", "%%__", "' \" \\", "!!!", "🍪", "🍪 ☕️", "☕"]  # symbols, emoji
    + ["zzzqx", "qwerty", "pizza", "sushi", "laptop", "xylofon"]  # no match
    + ["dodol", "madu", "basreng", "teh", "tas", "sepatu", "sabun", "lulur"]
)


def _words() -> list[str]:
    found = set()
    for titles in make_catalogue.PRODUCTS.values():
        for title in titles:
            found.update(w.lower() for w in title.split())
    return sorted(found)


def make_mix(db_url: str, n_urls: int, n_listings: int, seed: int = 19) -> tuple[list, list]:
    """``(catalogue paths, listing paths)``: seeded, valid (each answers 200)."""
    import sqlalchemy as sa

    from marketplace import create_app
    from marketplace.catalogue import queries, urls
    from marketplace.catalogue.forms import CatalogueArgs
    from marketplace.clock import now
    from marketplace.extensions import db
    from marketplace.listings.models import Listing

    rng = random.Random(seed)
    words = _words()
    categories = list(make_catalogue.PRODUCTS)
    app = create_app(
        {"DATABASE_URL": db_url, "SECRET_KEY": "bench", "INSTANCE_PATH": "/tmp/miss-bench"}
    )
    paths = []
    with app.test_request_context("/"):
        at = now()
        while len(paths) < n_urls:
            params = {}
            r = rng.random()
            if r < 0.55:
                q = rng.choice(words)
                if rng.random() < 0.3:
                    q += " " + rng.choice(words)
                params["q"] = q
            elif r < 0.62:
                params["q"] = rng.choice(TYPOS)
            if rng.random() < 0.4:
                params["kategori"] = rng.choice(categories)
            if rng.random() < 0.3:
                params["kecamatan"] = rng.choice(DISTRICTS)
            if rng.random() < 0.15:
                params["halal"] = "1"
            if rng.random() < 0.15:
                low = rng.choice([5, 10, 20, 50]) * 1000
                params["harga_min"] = str(low)
                params["harga_max"] = str(low * rng.choice([2, 5, 10]))
            if rng.random() < 0.35:
                params["urut"] = rng.choice(["baru", "murah", "mahal"])
            if rng.random() < 0.15:  # a second page
                args = CatalogueArgs.from_args(params)
                page = queries.search_listings(
                    at, q=args.q, sort=args.sort, filters=args.filters, cards=True
                )
                if page.next is None:
                    continue
                params["cursor"] = page.next
            paths.append("/katalog?" + urllib.parse.urlencode(params))
        ids = rng.sample(range(1, n_listings + 1), max(40, n_urls // 3))
        rows = db.session.execute(
            sa.select(Listing.id, Listing.title).where(Listing.id.in_(ids))
        ).all()
        pattern = "/produk/{listing_id}-{slug}"
        listings = [pattern.format(**urls.listing_path_values(r)) for r in rows]
        db.engine.dispose()
    return paths, listings


def send(port: int, sequence: list[str], connections: int, seconds: float | None = None) -> float:
    """Requests per second: ``sequence`` sent once (or looped for ``seconds``) through
    ``connections`` keep-alive connections. Any status but 200 raises."""
    counter = itertools.count()
    deadline = time.monotonic() + seconds if seconds else None
    done, errors = [0] * connections, []

    def run(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not errors:
            n = next(counter)
            if deadline is None and n >= len(sequence):
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            path = sequence[n % len(sequence)]
            conn.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(f"{r.status} {path}")
                break
            done[i] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"under load: {errors[0]}")
    return sum(done) / (time.monotonic() - started)


def mix_rps(db_url: str, sequence: list[str], connections: int, **env) -> float:
    with Server(db_url, **env) as server:
        server.wait("/healthz")
        # Warm every worker (templates compiled, connections open) on pages outside the mix.
        send(server.port, ["/", "/katalog?per_page=23", "/katalog?urut=mahal&per_page=23"] * 8, 4)
        return send(server.port, sequence, connections)


def search_times(db_url: str) -> tuple[float, float]:
    """``(p95, max)`` in ms of page 1 of every hard query, in process."""
    from marketplace import create_app
    from marketplace.catalogue import queries
    from marketplace.clock import now
    from marketplace.extensions import db

    app = create_app(
        {"DATABASE_URL": db_url, "SECRET_KEY": "bench", "INSTANCE_PATH": "/tmp/miss-bench"}
    )
    timings = []
    with app.test_request_context("/"):
        at = now()
        for q in HARD_QUERIES:
            queries.search_listings(at, q=q, cards=True)
        for _ in range(3):
            for q in HARD_QUERIES:
                started = time.perf_counter()
                queries.search_listings(at, q=q, cards=True)
                timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
        db.engine.dispose()
    slowest = sorted(zip(timings, HARD_QUERIES * 3, strict=True), reverse=True)[:5]
    print(
        "slowest searches:",
        ", ".join(f"{q[:20]!r} {ms:.0f} ms" for ms, q in slowest),
        file=sys.stderr,
    )
    timings.sort()
    return timings[int(0.95 * (len(timings) - 1))], timings[-1]


def page_cost(db_url: str, paths: list[str]) -> float:
    """Median ms of an uncached page of ``paths`` in process (fragment store emptied)."""
    from marketplace import create_app
    from marketplace.catalogue import fragments

    app = create_app(
        {
            "DATABASE_URL": db_url,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": "/tmp/miss-bench",
            "PAGE_CACHE": False,
        }
    )
    client = app.test_client()
    timings = []
    for path in paths[:5] + paths:
        with app.app_context():
            fragments.clear()
        started = time.perf_counter()
        r = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{r.status_code} {path}")
    return statistics.median(timings[5:])


def main() -> None:
    import logging

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(make_catalogue.DEFAULT_PATH))
    parser.add_argument("--pg-url", help="a PostgreSQL database built by make_catalogue.py")
    parser.add_argument("--million", action="store_true", help="also the 1M figures")
    parser.add_argument("--urls", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--hello-seconds", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("marketplace").setLevel(logging.WARNING)

    db_path = Path(args.db).resolve()
    ensure_database(db_path, rebuild=False)
    sqlite_url = f"sqlite:///{db_path}"
    catalogue, listings = make_mix(sqlite_url, args.urls, 100_000)
    rng = random.Random(7)
    sequence = (catalogue + listings) * args.repeat
    rng.shuffle(sequence)
    listing_sequence = listings * 2
    rng.shuffle(listing_sequence)
    out = {}

    with Server(sqlite_url, "hello_app:app") as hello:
        hello.wait("/")
        out["hello_rps"] = send(hello.port, ["/"], args.connections, args.hello_seconds)
    out["catalogue_miss_rps"] = mix_rps(sqlite_url, sequence, args.connections)
    out["catalogue_uncached_rps"] = mix_rps(sqlite_url, sequence, args.connections, PAGE_CACHE="0")
    out["listing_uncached_rps"] = mix_rps(
        sqlite_url, listing_sequence, args.connections, PAGE_CACHE="0"
    )
    if args.pg_url:
        out["pg_uncached_rps"] = mix_rps(args.pg_url, sequence, args.connections, PAGE_CACHE="0")
    out["search_p95_ms"], out["search_max_ms"] = search_times(sqlite_url)
    if args.pg_url:
        out["search_pg_p95_ms"], out["search_pg_max_ms"] = search_times(args.pg_url)
    if args.million:
        if not MILLION_PATH.exists():
            print(f"building {MILLION_PATH} …", file=sys.stderr)
            make_catalogue.build(MILLION_PATH, 1_000_000)
        million_url = f"sqlite:///{MILLION_PATH}"
        out["search_1m_p95_ms"], out["search_1m_max_ms"] = search_times(million_url)
        sample = catalogue[:60]
        out["catalogue_1m_vs_100k"] = page_cost(million_url, sample) / page_cost(sqlite_url, sample)

    hello_rps = out["hello_rps"]
    for name in ("hello_rps", "catalogue_miss_rps", "catalogue_uncached_rps"):
        print(f"{name}: {out[name]:.0f}")
    print(f"catalogue_miss_ratio: {out['catalogue_miss_rps'] / hello_rps:.3f}")
    print(f"catalogue_uncached_ratio: {out['catalogue_uncached_rps'] / hello_rps:.3f}")
    print(f"listing_uncached_rps: {out['listing_uncached_rps']:.0f}")
    print(f"listing_uncached_ratio: {out['listing_uncached_rps'] / hello_rps:.3f}")
    if args.pg_url:
        print(f"pg_uncached_rps: {out['pg_uncached_rps']:.0f}")
        ratio = out["pg_uncached_rps"] / out["catalogue_uncached_rps"]
        print(f"pg_uncached_vs_sqlite: {ratio:.2f}")
    for name in ("search_p95_ms", "search_max_ms", "search_pg_p95_ms", "search_pg_max_ms"):
        if name in out:
            print(f"{name}: {out[name]:.1f}")
    for name in ("search_1m_p95_ms", "search_1m_max_ms", "catalogue_1m_vs_100k"):
        if name in out:
            print(f"{name}: {out[name]:.2f}")


if __name__ == "__main__":
    main()
