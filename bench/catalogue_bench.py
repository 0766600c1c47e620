"""Catalogue benchmark: 100,000 listings served by gunicorn exactly as in production.

Prints, all measured in this run on this machine:

    hello_rps: <requests/s of a bare Flask hello-world under the same gunicorn settings>
    catalogue_rps: <page 1 of a filtered catalogue: /katalog?kategori=makanan&kecamatan=pamulang>
    catalogue_deep_rps: <page 200 of the same results (a keyset cursor)>
    listing_rps: <a listing page>
    catalogue_ratio: <catalogue_rps / hello_rps>
    search_median_ms: <median wall time of catalogue.queries.search_listings, page 1, in process>
    catalogue_page_kb: <the catalogue page's HTML + CSS + JS as a phone downloads them (br/gzip)>

The database is built by ``make_catalogue.py`` (reused when it is already at the current
schema, unless ``--rebuild``). Both servers run ``gunicorn -c gunicorn.conf.py`` (gthread
workers and threads from that file) on 127.0.0.1 only, one after the other; the load is
``wrk`` (Debian's, ``.ci/install-wrk.sh``) or, without it, a Python keep-alive loop, for a
fixed number of seconds per URL, with ``Accept-Encoding: br, gzip`` as phones send it.
Every server is stopped at the end, whatever happens. A response other than 200 fails the
run (the load must be served, not refused).

Usage: ``.venv/bin/python bench/catalogue_bench.py [--seconds 6] [--connections 16] [--rebuild]``
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_catalogue  # noqa: E402

CATALOGUE_PATH = "/katalog?kategori=makanan&kecamatan=pamulang"
DEEP_PAGE = 200
QUERIES = [
    "keripik",
    "keripik singkong",
    "kripik pedas",
    "batik tulis",
    "kopi gayo",
    "sambal roa",
    "madu hutan",
    "dodol betawi",
    "bu sri",
    "tas anyaman",
    "brownies kukus",
    "sabun susu kambing",
    "jamu",
    "nastar keju",
    "bakso",
    "rendang",
    "teh telang",
    "kerupuk kulit",
    "basreng pedas",
    "hijab",
    "lulur",
    "bibit cabai",
    "katering",
    "cokelat",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_config(db_path: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": "bench-secret",
        "INSTANCE_PATH": str(db_path.parent / "instance"),
    }


def ensure_database(db_path: Path, rebuild: bool) -> None:
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    if db_path.exists() and not rebuild:
        engine = sa.create_engine(f"sqlite:///{db_path}")
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
        engine.dispose()
        heads = ScriptDirectory(str(ROOT / "migrations")).get_heads()
        if set(current) == set(heads):
            return
    print(f"building {db_path} …", file=sys.stderr)
    make_catalogue.build(db_path)


def in_process(db_path: Path) -> tuple[float, str, str]:
    """search_median_ms, the deep page's URL and a listing's URL."""
    from marketplace import create_app
    from marketplace.catalogue import queries, urls
    from marketplace.catalogue.forms import CatalogueArgs
    from marketplace.clock import now

    app = create_app(app_config(db_path))
    with app.test_request_context("/"):
        at = now()
        for q in QUERIES:  # warm the caches of SQLite and SQLAlchemy
            queries.search_listings(at, q=q)
        timings = []
        for _ in range(5):
            for q in QUERIES:
                started = time.perf_counter()
                queries.search_listings(at, q=q)
                timings.append((time.perf_counter() - started) * 1000)
        args = CatalogueArgs.from_args({"kategori": "makanan", "kecamatan": "pamulang"})
        page = queries.search_listings(at, filters=args.filters, per_page=args.per_page)
        cursor = page.next
        for _ in range(DEEP_PAGE - 2):
            page = queries.search_listings(
                at, filters=args.filters, per_page=args.per_page, after=cursor
            )
            cursor = page.next
        deep = f"{CATALOGUE_PATH}&cursor={cursor}"
        first = page.items[0]
        listing = "/produk/{listing_id}-{slug}".format(**urls.listing_path_values(first))
    from marketplace.extensions import db

    with app.app_context():
        db.engine.dispose()
    return statistics.median(timings), deep, listing


class Server:
    """``gunicorn -c gunicorn.conf.py [app]`` on a free loopback port, stopped by ``stop()``
    or on leaving a ``with``. ``db`` is a SQLite file or a database URL; ``env`` adds settings
    (``PAGE_CACHE="0"``). The one bench server: ``demand_bench`` and ``miss_bench`` use it."""

    def __init__(self, db: Path | str, app: str | None = None, **env):
        self.port = free_port()
        db_url = db if isinstance(db, str) and "://" in db else f"sqlite:///{db}"
        env = dict(
            os.environ,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            APP_ENV="production",
            SECRET_KEY="bench-secret",
            DATABASE_URL=db_url,
            PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}",
            **env,
        )
        env.pop("REDIS_URL", None)
        cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
        if app:
            cmd.append(app)
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited early")
            try:
                with urllib.request.urlopen(self.url(path), timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-H",
            "Accept-Encoding: br, gzip",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load at {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def python_load(url: str, seconds: int, connections: int) -> float:
    """A keep-alive GET loop per connection (threads), for machines without wrk."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].split("/", 1)[1]
    deadline = time.monotonic() + seconds
    counts, errors = [0] * connections, []

    def run(i):
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        while time.monotonic() < deadline:
            conn.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
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
    for _ in range(20):  # warm every worker's page cache and connections
        urllib.request.urlopen(url, timeout=30).read()
    if shutil.which("wrk"):
        return wrk(url, seconds, connections)
    return python_load(url, seconds, connections)


def page_kb(server: Server, path: str) -> float:
    """Bytes of the page and its same-site CSS and JS, each as sent to a phone's browser
    (``Accept-Encoding: br, gzip``, what browsers send over HTTPS)."""
    import brotli

    def fetch(p):
        req = urllib.request.Request(server.url(p), headers={"Accept-Encoding": "br, gzip"})
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            encoding = r.headers.get("Content-Encoding")
            text = (
                gzip.decompress(raw)
                if encoding == "gzip"
                else brotli.decompress(raw)
                if encoding == "br"
                else raw
            )
            return len(raw), text.decode("utf-8", "replace")

    total, html = fetch(path)
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(/[^"]+)"', html)
    assets += re.findall(r'<script[^>]+src="(/[^"]+)"', html)
    for asset in dict.fromkeys(assets):
        total += fetch(asset)[0]
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(make_catalogue.DEFAULT_PATH))
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    db_path = Path(args.db)
    ensure_database(db_path, args.rebuild)
    search_ms, deep_path, listing_path = in_process(db_path)

    results = {}
    hello = Server(db_path, "hello_app:app")
    try:
        hello.wait("/")
        results["hello_rps"] = load(hello.url("/"), args.seconds, args.connections)
    finally:
        hello.stop()
    site = Server(db_path)
    try:
        site.wait("/healthz")
        results["catalogue_rps"] = load(site.url(CATALOGUE_PATH), args.seconds, args.connections)
        results["catalogue_deep_rps"] = load(site.url(deep_path), args.seconds, args.connections)
        results["listing_rps"] = load(site.url(listing_path), args.seconds, args.connections)
        kb = page_kb(site, CATALOGUE_PATH)
    finally:
        site.stop()
    print(f"hello_rps: {results['hello_rps']:.0f}")
    print(f"catalogue_rps: {results['catalogue_rps']:.0f}")
    print(f"catalogue_deep_rps: {results['catalogue_deep_rps']:.0f}")
    print(f"listing_rps: {results['listing_rps']:.0f}")
    print(f"catalogue_ratio: {results['catalogue_rps'] / results['hello_rps']:.2f}")
    print(f"search_median_ms: {search_ms:.1f}")
    print(f"catalogue_page_kb: {kb:.1f}")


if __name__ == "__main__":
    main()
