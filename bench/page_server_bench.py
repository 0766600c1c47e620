"""Server time of every staff and portal page on the demo data (#17), in process.

Builds a fresh demo instance in a temporary folder (migrations + ``demo.load``), logs in as
the demo admin and the demo coordinator with Flask's test client, and requests each page
``--runs`` times (after one warm-up). Prints one line per page and the slowest median:

    page_server_ms_<page>: <median milliseconds, request in → response out>
    page_server_ms_max: <the slowest page's median>

In-process time is the server's own time (no network, no browser); the aim (issue #17) is
under 300 ms for every page that does not process photos. Pages that make photos (kit
slides) are not in the list.

Usage: ``.venv/bin/python bench/page_server_bench.py [--runs 5]``
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "umkm-juara-2026"
ADMIN = "admin@demo.etalase.id"
COORDINATOR = "koordinator.pamulang@demo.etalase.id"


def staff_pages(ids: dict) -> dict[str, str]:
    return {
        "staff_dashboard": "/staff/",
        "staff_queue": f"/staff/moderasi/{ids['open_round']}",
        "staff_review": f"/staff/moderasi/produk/{ids['waiting']}",
        "staff_communities": "/staff/komunitas",
        "staff_community": f"/staff/komunitas/{ids['community']}",
        "staff_audit": "/staff/audit",
        "staff_reasons": "/staff/alasan",
        "staff_rounds": "/staff/rounds/",
        "staff_round_new": "/staff/rounds/baru",
        "staff_schedule": "/staff/rounds/jadwalkan",
        "staff_kit_index": "/staff/instagram/",
        "staff_kit": f"/staff/instagram/{ids['published_round']}",
        "staff_stats": "/staff/statistik/",
        "staff_stats_round": f"/staff/statistik/{ids['published_round']}",
        "staff_stats_communities": "/staff/statistik/komunitas",
        "staff_admin": "/staff/admin/",
        "staff_admin_staff": "/staff/admin/staf",
    }


def portal_pages(ids: dict) -> dict[str, str]:
    return {
        "portal_dashboard": "/portal/",
        "portal_businesses": "/portal/usaha",
        "portal_notifications": "/portal/notifikasi",
        "portal_listing": f"/portal/produk/{ids['own_listing']}",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="page-bench-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        PAGE_CACHE="0",
        LOG_LEVEL="WARNING",
    )
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from marketplace import create_app, demo
    from marketplace.auth.models import User
    from marketplace.clock import now
    from marketplace.extensions import db
    from marketplace.listings.models import Listing, ListingStatus
    from marketplace.rounds.models import Round

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        demo.load(now(), echo=lambda *a, **k: None)
        db.session.commit()
        coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
        waiting = db.session.scalar(
            sa.select(Listing).where(Listing.status == ListingStatus.SUBMITTED).limit(1)
        )
        rounds = list(db.session.scalars(sa.select(Round).order_by(Round.opens_at)))
        at = now()
        published = [r for r in rounds if r.publishes_at <= at]
        ids = {
            "open_round": waiting.round_id,
            "waiting": waiting.id,
            "community": coordinator.community_id,
            "published_round": published[-1].id if published else rounds[0].id,
            "own_listing": db.session.scalar(
                sa.select(Listing.id)
                .where(Listing.community_id == coordinator.community_id)
                .limit(1)
            ),
        }
    results: dict[str, float] = {}
    for email, pages in ((ADMIN, staff_pages(ids)), (COORDINATOR, portal_pages(ids))):
        client = app.test_client()
        form = client.get("/masuk").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        response = client.post(
            "/masuk", data={"email": email, "password": PASSWORD, "csrf_token": token}
        )
        if response.status_code not in (302, 303):
            errors = re.findall(
                r'class="(?:error|flash[^"]*)"[^>]*>([^<]+)', response.get_data(as_text=True)
            )
            raise SystemExit(f"login {email}: {response.status_code} {errors}")
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path  # warm-up
            times = []
            for _ in range(opts.runs):
                start = time.perf_counter()
                status = client.get(path).status_code
                times.append((time.perf_counter() - start) * 1000)
                assert status == 200, path
            results[name] = statistics.median(times)
            print(f"page_server_ms_{name}: {results[name]:.1f}", flush=True)
    print(f"page_server_ms_max: {max(results.values()):.1f}")


if __name__ == "__main__":
    main()
