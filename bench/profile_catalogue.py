"""Profile of an uncached catalogue page: where a page-cache miss spends its time.

Builds the app on the benchmark database (``make_catalogue.py``) with ``PAGE_CACHE=0``,
requests ``URL`` a few times to warm SQLite, SQLAlchemy and Jinja, then profiles ``--n``
requests through the test client and prints the top functions (cProfile, by own time) and
``page_median_ms: <median wall time of an unprofiled request>`` and
``profile_ms_per_page: <mean wall time per page while profiled>``. With ``--cold`` the
catalogue's fragment and data caches (``catalogue.fragments``) are emptied before each
request, so every card is built and rendered again (what a never-seen page costs).

Usage: ``.venv/bin/python bench/profile_catalogue.py [URL] [--n 30] [--top 10] [--cold]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_catalogue  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="/katalog")
    parser.add_argument("--db", default=str(make_catalogue.DEFAULT_PATH))
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()

    from marketplace import create_app

    db_path = Path(args.db).resolve()
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(db_path.parent / "instance"),
            "PAGE_CACHE": False,
        }
    )

    def forget():
        if args.cold:
            try:
                from marketplace.catalogue import fragments
            except ImportError:  # before the fragment cache existed
                return
            with app.app_context():
                fragments.clear()

    logging.getLogger("marketplace").setLevel(logging.WARNING)  # no line per request
    client = app.test_client()
    for _ in range(3):
        forget()
        assert client.get(args.url).status_code == 200
    plain = []
    for _ in range(args.n):
        forget()
        started = time.perf_counter()
        assert client.get(args.url).status_code == 200
        plain.append((time.perf_counter() - started) * 1000)
    profile = cProfile.Profile()
    spent = 0.0
    for _ in range(args.n):
        forget()
        started = time.perf_counter()
        profile.enable()
        r = client.get(args.url)
        profile.disable()
        spent += time.perf_counter() - started
        assert r.status_code == 200
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    print(f"page_median_ms: {statistics.median(plain):.1f}")
    print(f"profile_ms_per_page: {spent * 1000 / args.n:.1f}")


if __name__ == "__main__":
    main()
