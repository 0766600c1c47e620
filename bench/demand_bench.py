"""Demand-counting overhead: the catalogue search page under gunicorn with counting on and
off, measured in the same run.

Prints:

    demand_hello_rps: <bare Flask hello-world, same gunicorn settings>
    demand_search_rps_off: <a counted search page, DEMAND_COUNTING=0>
    demand_search_rps_on: <the same page, DEMAND_COUNTING=1 (the default)>
    catalogue_ratio_demand_off: <off / hello>
    catalogue_ratio_demand_on: <on / hello>
    demand_overhead_pct: <(off - on) / off × 100; aim ≤ 5>
    demand_listing_rps_off: <a listing page (its views counted when on), DEMAND_COUNTING=0>
    demand_listing_rps_on: <the same listing page, DEMAND_COUNTING=1>
    demand_view_overhead_pct: <(off - on) / off × 100 for the listing page; aim ≤ 5>

The search page is ``/katalog?q=masker+kain&kategori=fesyen`` (a search that finds little and is
served from the page cache, so counting is the largest share of the work), loaded with a
phone's User-Agent (bots are not counted). On and off alternate ``--rounds`` times (median
of each), on 127.0.0.1 only, a fixed number of seconds each; every server is stopped at the
end. The listing page is a public listing of the same database (its views are counted the
same way, by the same middleware). The database is ``catalogue_bench``'s
(``make_catalogue.py``).

Usage: ``.venv/bin/python bench/demand_bench.py [--seconds 5] [--rounds 3] [--connections 16]``
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import catalogue_bench  # noqa: E402
import make_catalogue  # noqa: E402

SEARCH_PATH = "/katalog?q=masker+kain&kategori=fesyen"
PHONE = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 Chrome/120 Mobile"
HEADERS = {"Accept-Encoding": "br, gzip", "User-Agent": PHONE}


def python_load(url: str, seconds: int, connections: int) -> float:
    """Keep-alive GETs per connection (threads) with a phone's headers; requests/s."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].split("/", 1)[1]
    deadline = time.monotonic() + seconds
    counts, errors = [0] * connections, []

    def run(i):
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        while time.monotonic() < deadline:
            conn.request("GET", path, headers=HEADERS)
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
                return
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"status {errors[0]} under load at {url}")
    return sum(counts) / (time.monotonic() - started)


def load(url: str, seconds: int, connections: int) -> float:
    request = urllib.request.Request(url, headers=HEADERS)
    for _ in range(20):  # warm every worker's page cache
        urllib.request.urlopen(request, timeout=30).read()
    if not shutil.which("wrk"):
        return python_load(url, seconds, connections)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
        + [arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")]
        + [url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load at {url}:\n{out}")
    return float(out.split("Requests/sec:")[1].split()[0])


def listing_path(db_path: Path) -> str:
    """The canonical path of the newest public listing of the bench database."""
    import sqlite3

    from marketplace.slugs import slugify

    conn = sqlite3.connect(db_path)
    try:
        listing_id, title = conn.execute(
            "SELECT id, title FROM listings WHERE status = 'approved' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return f"/produk/{listing_id}-{slugify(title)}"


def measure(
    db_path: Path, counting: bool, seconds: int, connections: int, paths: list[str]
) -> list[float]:
    """Requests/s of each path on one server with counting on or off."""
    os.environ["DEMAND_COUNTING"] = "1" if counting else "0"
    server = catalogue_bench.Server(db_path)
    try:
        server.wait("/healthz")
        return [load(server.url(path), seconds, connections) for path in paths]
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(make_catalogue.DEFAULT_PATH))
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    db_path = Path(args.db)
    catalogue_bench.ensure_database(db_path, rebuild=False)

    hello = catalogue_bench.Server(db_path, "hello_app:app")
    try:
        hello.wait("/")
        hello_rps = load(hello.url("/"), args.seconds, args.connections)
    finally:
        hello.stop()
    paths = [SEARCH_PATH, listing_path(db_path)]
    on, off = [], []
    for _ in range(args.rounds):  # alternate, so a noisy neighbour hits both alike
        off.append(measure(db_path, False, args.seconds, args.connections, paths))
        on.append(measure(db_path, True, args.seconds, args.connections, paths))
    rps_on, rps_off = (statistics.median(r[0] for r in runs) for runs in (on, off))
    view_on, view_off = (statistics.median(r[1] for r in runs) for runs in (on, off))
    print(f"demand_hello_rps: {hello_rps:.0f}")
    print(f"demand_search_rps_off: {rps_off:.0f}")
    print(f"demand_search_rps_on: {rps_on:.0f}")
    print(f"catalogue_ratio_demand_off: {rps_off / hello_rps:.2f}")
    print(f"catalogue_ratio_demand_on: {rps_on / hello_rps:.2f}")
    print(f"demand_overhead_pct: {(rps_off - rps_on) / rps_off * 100:.1f}")
    print(f"demand_listing_rps_off: {view_off:.0f}")
    print(f"demand_listing_rps_on: {view_on:.0f}")
    print(f"demand_view_overhead_pct: {(view_off - view_on) / view_off * 100:.1f}")


if __name__ == "__main__":
    main()
