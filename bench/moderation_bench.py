"""Moderation at scale benchmark (#13): a round of 5,000 submitted listings from 500
communities, each with a stored photo, moderated in process through the real app.

Prints, measured in this run on this machine:

    queue_page_ms: median server time of a 50-card queue page, filtered by category
    queue_sql: SQL statements of that page (goal <= 8: no N+1)
    queue_page_kb: that page's HTML + staff CSS + JS, gzip-compressed, KiB, before thumbnails
    decision_ms: median server time of save-and-next (decide, commit, load the next review)
    decision_sql: SQL statements of one save-and-next, both requests (goal <= 12)
    photo_12mp_ms: median time of the photo pipeline on a 12 MP photo (process_image)
    precheck_ms: median time of the pre-checks for one new 12 MP photo's listing: read the
        stored w640, measure it, the duplicate and title look-ups (goal < 0.25 x photo_12mp_ms)

"Server time" is the WSGI call through Flask's test client (no network, no gunicorn): the
same code a worker runs. The database is SQLite in a temporary folder, built from the
migrations; 10 distinct photos go through the real pipeline and storage, and 5,000 image rows
share their stored files (as content-addressed keys allow). Bounded: a few dozen requests.

Usage: ``.venv/bin/python bench/moderation_bench.py [--listings 5000] [--runs 25]``
"""

from __future__ import annotations

import argparse
import gzip
import io
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

T_NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # Wednesday 10.00 WIB, the round in review
PASSWORD = "kata sandi bench moderasi"


class Counter:
    """Counts SQL statements sent to the database while ``on``."""

    def __init__(self, show: bool = False):
        self.n, self.on, self.show = 0, False, show

    def __call__(self, _conn, _cursor, statement, *_args, **_kw):
        if self.on:
            self.n += 1
            if self.show:
                print(f"  sql {self.n}: {' '.join(statement.split())[:160]}")


def _photos(n: int) -> list[bytes]:
    """``n`` distinct photo-like JPEGs (1600×1200), small enough to build quickly."""
    from PIL import Image, ImageDraw, ImageFilter

    out = []
    for i in range(n):
        im = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
        draw = ImageDraw.Draw(im)
        rng = random.Random(i)
        for _ in range(12):
            x, y, r = rng.randrange(1600), rng.randrange(1200), rng.randrange(60, 300)
            draw.ellipse(
                (x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in "rgb")
            )
        im = im.filter(ImageFilter.GaussianBlur(1))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=88)
        out.append(buf.getvalue())
    return out


def build(app, n_listings: int, seed: int = 13) -> dict:
    """Fill the database: one round in review, 500 communities with a business each, the
    listings (10 per community, all waiting), their photos and pre-check rows; two moderators.
    Returns ids the measuring needs."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from marketplace.auth.models import Community, Role, User
    from marketplace.extensions import db
    from marketplace.listings.models import Business, Listing, Photo
    from marketplace.media.models import Image, ImageVariant
    from marketplace.media.services import save_upload
    from marketplace.moderation.models import ImageCheck, ListingPrecheck
    from marketplace.reference.models import Category, District
    from marketplace.rounds.models import Round

    rng = random.Random(seed)
    conn = db.session.connection()
    districts = [r[0] for r in conn.execute(sa.select(District.id))]
    categories = [r[0] for r in conn.execute(sa.select(Category.id).order_by(Category.id))]
    conn.execute(
        sa.insert(Round),
        [
            {
                "edition": 1,
                "name": "Edisi 1",
                "opens_at": T_NOW - timedelta(days=10),
                "closes_at": T_NOW - timedelta(hours=1),
                "publishes_at": T_NOW + timedelta(days=2),
                "showcase_ends_at": T_NOW + timedelta(days=16),
                "quota_per_community": 10,
                "created_at": T_NOW - timedelta(days=20),
            }
        ],
    )
    round_id = conn.execute(sa.select(Round.id)).scalar_one()
    n_comm = max(1, n_listings // 10)
    conn.execute(
        sa.insert(Community),
        [
            {
                "name": f"Komunitas UMKM {i + 1}",
                "slug": f"komunitas-umkm-{i + 1}",
                "district_id": districts[i % len(districts)],
                "description": "Paguyuban pelaku usaha mikro.",
                "contact_name": "Koordinator",
                "status": "verified",
                "created_at": T_NOW,
                "verified_at": T_NOW,
            }
            for i in range(n_comm)
        ],
    )
    comm = conn.execute(sa.select(Community.id, Community.district_id)).all()
    conn.execute(
        sa.insert(Business),
        [
            {
                "community_id": cid,
                "name": f"Usaha {cid}",
                "owner_name": "Pemilik",
                "district_id": did,
                "whatsapp": f"+62812{rng.randrange(10**7, 10**8)}",
                "story": "Usaha rumahan.",
                "created_at": T_NOW,
                "updated_at": T_NOW,
            }
            for cid, did in comm
        ],
    )
    businesses = conn.execute(sa.select(Business.id, Business.community_id)).all()
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
    for i, name in enumerate(("Rina", "Budi")):
        db.session.add(
            User(
                email=f"mod{i}@bench.id",
                name=name,
                role=Role.MODERATOR,
                password_hash=hashed,
            )
        )
    db.session.flush()

    stored = [save_upload(data, now=T_NOW) for data in _photos(10)]
    db.session.flush()
    conn = db.session.connection()
    conn.execute(
        sa.insert(Image),
        [
            {"width": 1600, "height": 1200, "source_format": "JPEG", "created_at": T_NOW}
            for _ in range(n_listings)
        ],
    )
    image_ids = [
        r[0]
        for r in conn.execute(
            sa.select(Image.id).where(Image.id.not_in([s.id for s in stored])).order_by(Image.id)
        )
    ]
    variants = []
    for k, iid in enumerate(image_ids):
        for v in stored[k % len(stored)].variants:
            variants.append(
                {
                    "image_id": iid,
                    "name": v.name,
                    "backend": v.backend,
                    "key": v.key,
                    "content_type": v.content_type,
                    "size": v.size,
                    "checksum": v.checksum,
                    "width": v.width,
                    "height": v.height,
                }
            )
    conn.execute(sa.insert(ImageVariant), variants)
    rows = []
    for k in range(n_listings):
        bid, cid = businesses[k % len(businesses)]
        submitted = T_NOW - timedelta(hours=30) + timedelta(seconds=17 * k)
        rows.append(
            {
                "business_id": bid,
                "community_id": cid,
                "round_id": round_id,
                "category_id": categories[k % 4],
                "title": f"Produk {k + 1}",
                "description": "Renyah dan gurih, tanpa pengawet.",
                "price": None if k % 9 == 0 else 5000 + 1000 * (k % 90),
                "unit": "pcs",
                "is_halal": False,
                "has_pirt": False,
                "status": "submitted",
                "version": 2,
                "created_at": submitted - timedelta(hours=1),
                "updated_at": submitted,
                "submitted_at": submitted,
            }
        )
    conn.execute(sa.insert(Listing), rows)
    listing_ids = [r[0] for r in conn.execute(sa.select(Listing.id).order_by(Listing.id))]
    conn.execute(
        sa.insert(Photo),
        [
            {"listing_id": lid, "image_id": image_ids[k], "position": 0}
            for k, lid in enumerate(listing_ids)
        ],
    )
    checks = []
    for iid in image_ids:
        h = rng.getrandbits(64)
        checks.append(
            {
                "image_id": iid,
                "sharpness": 500.0,
                "luminance": 120.0,
                "dhash": h - (1 << 64) if h >= 1 << 63 else h,
                **{f"band{i}": (h >> s) & 0xFFFF for i, s in enumerate((48, 32, 16, 0))},
            }
        )
    conn.execute(sa.insert(ImageCheck), checks)
    conn.execute(
        sa.insert(ListingPrecheck),
        [
            {
                "listing_id": lid,
                "listing_version": 2,
                "checked_at": T_NOW,
                "flagged": k % 5 == 0,
                "findings": [{"code": "blurry", "photos": [1], "values": [40], "limit": 70}]
                if k % 5 == 0
                else [],
            }
            for k, lid in enumerate(listing_ids)
        ],
    )
    db.session.commit()
    db.session.connection().exec_driver_sql("ANALYZE")
    db.session.commit()
    return {"round_id": round_id, "category_id": categories[0], "first": listing_ids[0]}


def _timed(counter: Counter, fn):
    counter.n, counter.on = 0, True
    t = time.perf_counter()
    result = fn()
    ms = (time.perf_counter() - t) * 1000
    counter.on = False
    return result, ms, counter.n


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _version(html: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


def page_kb(html: bytes) -> float:
    """HTML + the staff page's CSS and JS, each gzip level 6 (as served), KiB."""
    total = len(gzip.compress(html, 6))
    for name in ("css/site.css", "css/staff.css", "js/staff.js"):
        total += len(gzip.compress((ROOT / "static" / name).read_bytes(), 6))
    return total / 1024


def precheck_figures(app, runs: int) -> tuple[float, float]:
    """(photo_12mp_ms, precheck_ms) in the built database."""
    from photo_bench import photo_like_jpeg

    from marketplace.extensions import db
    from marketplace.listings.models import Listing, ListingStatus, Photo
    from marketplace.media.images import process_image
    from marketplace.media.services import save_upload
    from marketplace.moderation.prechecks import check_listing

    data = photo_like_jpeg()
    pipeline = []
    for _ in range(3):
        t = time.perf_counter()
        process_image(data)
        pipeline.append((time.perf_counter() - t) * 1000)
    with app.test_request_context():
        template = db.session.get(Listing, 1)
        image = save_upload(data, now=T_NOW)
        listing = Listing(
            business_id=template.business_id,
            community_id=template.community_id,
            round_id=template.round_id,
            category_id=template.category_id,
            title="Produk Baru Bench",
            description="Deskripsi.",
            price=10000,
            unit="pcs",
            status=ListingStatus.SUBMITTED,
            version=2,
            submitted_at=T_NOW,
        )
        listing.photos = [Photo(image=image, position=0)]
        db.session.add(listing)
        db.session.flush()
        times = []
        for _ in range(runs):
            nested = db.session.begin_nested()
            t = time.perf_counter()
            check_listing(listing, now=T_NOW)
            times.append((time.perf_counter() - t) * 1000)
            nested.rollback()  # the image's measure goes too: measured afresh next run
        db.session.rollback()
    return statistics.median(pipeline), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--show-sql", action="store_true", help="print each statement")
    args = parser.parse_args()

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.clock import FixedClock
    from marketplace.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="moderation-bench-"))
    clock = FixedClock(T_NOW)
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder / "instance"),
            "MEDIA_ROOT": str(folder / "media"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "RATELIMIT_ENABLED": False,
            "CLOCK": clock,
        }
    )
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        ids = build(app, args.listings)
        counter = Counter(args.show_sql)
        sa.event.listen(db.engine, "before_cursor_execute", counter)
    print(f"built: {args.listings} listings in {time.perf_counter() - started:.1f} s")

    client = app.test_client()
    form = client.get("/masuk").get_data(as_text=True)
    login = {"email": "mod0@bench.id", "password": PASSWORD, "csrf_token": _csrf(form)}
    assert client.post("/masuk", data=login).status_code in (302, 303)
    queue_url = f"/staff/moderasi/{ids['round_id']}?kategori={ids['category_id']}"
    client.get(queue_url)  # warm: templates compiled, caches filled
    queue = []
    for _ in range(args.runs):
        resp, ms, n = _timed(counter, lambda: client.get(queue_url))
        assert resp.status_code == 200, resp.status_code
        queue.append((ms, n))
    html = resp.get_data()
    cards = html.count(b'<li class="queue-card')

    review = client.get(f"/staff/moderasi/produk/{ids['first']}?kategori={ids['category_id']}")
    page, url = review.get_data(as_text=True), f"/staff/moderasi/produk/{ids['first']}"
    decisions = []
    for _ in range(args.runs):
        form = {
            "csrf_token": _csrf(page),
            "action": "approve",
            "version": _version(page),
            "reason_id": "0",
            "save_next": "Simpan & berikutnya",
        }

        def save_and_next(url=url, form=form):
            posted = client.post(f"{url}/keputusan?kategori={ids['category_id']}", data=form)
            assert posted.status_code == 303 or posted.status_code == 302, posted.status_code
            nxt = posted.headers["Location"]
            return nxt, client.get(nxt)

        (nxt, resp), ms, n = _timed(counter, save_and_next)
        assert resp.status_code == 200 and "/moderasi/produk/" in nxt, nxt
        decisions.append((ms, n))
        page, url = resp.get_data(as_text=True), nxt.split("?")[0]

    photo_ms, precheck_ms = precheck_figures(app, max(5, args.runs // 3))
    print(f"queue_cards: {cards}")
    print(f"queue_page_ms: {statistics.median(m for m, _ in queue):.1f}")
    print(f"queue_sql: {max(n for _, n in queue)}")
    print(f"queue_page_kb: {page_kb(html):.1f}")
    print(f"decision_ms: {statistics.median(m for m, _ in decisions):.1f}")
    print(f"decision_sql: {max(n for _, n in decisions)}")
    print(f"photo_12mp_ms: {photo_ms:.0f}")
    print(f"precheck_ms: {precheck_ms:.1f}")
    print(f"precheck_ratio: {precheck_ms / photo_ms:.3f}")


if __name__ == "__main__":
    main()
