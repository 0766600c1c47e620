"""The deadline rush: the last minute of a round, on loopback, against real gunicorn.

For each database (SQLite in WAL mode with a busy timeout; PostgreSQL when a server is
given with ``--pg-url`` / ``RUSH_PG_URL`` or ``.ci/install-postgres.sh`` can start one):

1. a fresh database, migrated by the real migrations, with 40 public listings (real photos
   run through the pipeline) and an open round that closes ``--seconds`` (60) seconds from
   now on the real clock, quota ``--quota`` per community;
2. gunicorn (the repository's gunicorn.conf.py: gthread workers) on a free 127.0.0.1 port;
3. shoppers browse the home page, search, filter and open products and photos, while every
   community (two phones per account) uploads listings with real photos and submits them,
   through the deadline and a few seconds past it;
4. gunicorn is stopped and the database and the photo store are checked.

Prints, per database::

    rush_requests  rush_5xx (must be 0)  rush_errors (connection failures)
    rush_lost_uploads   acknowledged uploads (a redirect to the listing) whose listing,
                        photos or stored objects (checksums) are missing afterwards: must be 0
    rush_quota_overruns listings holding a slot beyond a community's quota: must be 0
    rush_late_submits   listings submitted at or after closes_at: must be 0
    rush_p50_ms rush_p99_ms (all requests), and the same for uploads and for browsing
    rush_burst_posts rush_burst_5xx rush_burst_acknowledged rush_burst_p99_ms
                        the upload burst: ``--burst`` (20) "Tambah produk" posts with
                        ``--burst-photos`` (3) photos each from 4 accounts, released at
                        once ``--burst-before`` (15) seconds before the deadline, on top of
                        the rest of the load (the deadline minute's worst moment)

Every figure is printed as one ``name: value`` line.

Bounded: at most ``--max-requests`` requests and ``--seconds`` + 30 s of load; only
127.0.0.1. Exits non-zero when a must-be-zero figure is not zero.

    .venv/bin/python bench/rush.py                  # both databases, 60 s each
    .venv/bin/python bench/rush.py --db sqlite --seconds 20
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHOTOS = ROOT / "tests" / "fixtures" / "images" / "real"
# What phones send: mostly small JPEGs, now and then a full 8 MP photo or an iPhone HEIC.
UPLOAD_MIX = [
    "landscape_orientation_1.jpg",
    "portrait_orientation_6.jpg",
    "camera_gps.jpg",
    "landscape_orientation_3.jpg",
    "phone_8mp.jpg",
    "iphone.heic",
]
WORDS = ["keripik", "kopi", "batik", "sambal", "kue", "madu", "tas", "%", "a_b"]
PASSWORD = "kata sandi rush 2026"
HOST = "127.0.0.1"


# --- setup ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def build_database(
    database_url: str,
    media_root: Path,
    instance: Path,
    *,
    seconds: float,
    communities: int,
    quota: int,
) -> dict:
    """Migrate and fill the bench database; returns what the load needs (ids, accounts)."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from marketplace import create_app
    from marketplace.auth.models import Community, CommunityStatus, Role, User
    from marketplace.clock import system_now
    from marketplace.extensions import db
    from marketplace.listings.models import Business, Listing, ListingStatus, Photo
    from marketplace.media.services import save_upload
    from marketplace.reference.models import Category, District
    from marketplace.rounds.models import Round

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "rush-bench",
        }
    )
    with app.app_context():
        upgrade()
        now = system_now()
        districts = db.session.execute(db.select(District)).scalars().all()
        categories = db.session.execute(db.select(Category)).scalars().all()
        past = Round(
            name="Edisi 1",
            edition=1,
            opens_at=now - timedelta(days=20),
            closes_at=now - timedelta(days=12),
            publishes_at=now - timedelta(days=10),
            showcase_ends_at=now + timedelta(days=4),
            quota_per_community=quota,
        )
        closes = now + timedelta(seconds=seconds)
        rnd = Round(
            name="Edisi 2",
            edition=2,
            opens_at=now - timedelta(days=6),
            closes_at=closes,
            publishes_at=closes + timedelta(days=2),
            showcase_ends_at=closes + timedelta(days=16),
            quota_per_community=quota,
        )
        db.session.add_all([past, rnd])
        images = [
            save_upload((PHOTOS / name).read_bytes(), now=now)
            for name in (
                "landscape_orientation_1.jpg",
                "portrait_orientation_6.jpg",
                "camera_gps.jpg",
            )
        ]
        accounts = []
        for i in range(communities):
            district = districts[i % len(districts)]
            community = Community(
                name=f"Komunitas Rush {i}",
                slug=f"rush-{i}",
                district=district,
                status=CommunityStatus.VERIFIED,
                contact_name="Bu Sri",
                contact_phone="+6281234567890",
            )
            user = User(
                email=f"rush{i}@contoh.id",
                name=f"Koordinator {i}",
                role=Role.MEMBER,
                community=community,
                is_coordinator=True,
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
            )
            business = Business(
                community=community,
                name=f"Usaha Rush {i}",
                owner_name="Sri",
                district=district,
                whatsapp="+6281234567890",
                story="Usaha rumahan.",
            )
            db.session.add_all([community, user, business])
            for j in range(5):  # public listings of the past round, for the shoppers
                word = WORDS[(i + j) % 7]
                listing = Listing(
                    business=business,
                    community=community,
                    round=past,
                    category=categories[(i + j) % len(categories)],
                    title=f"{word.title()} pilihan {i}-{j}",
                    description=f"{word} enak",
                    price=10000 + 500 * j,
                    unit="pcs",
                    status=ListingStatus.APPROVED,
                    version=2,
                    submitted_at=now - timedelta(days=14),
                    approved_at=now - timedelta(days=11),
                )
                listing.photos = [Photo(image=images[(i + j) % 3], position=0)]
                db.session.add(listing)
            accounts.append((user.email, business))
        db.session.commit()
        public_ids = (
            db.session.execute(
                db.select(Listing.id).where(Listing.status == ListingStatus.APPROVED)
            )
            .scalars()
            .all()
        )
        info = {
            "round_id": rnd.id,
            "closes_at": closes,
            "quota": quota,
            "accounts": [(email, b.id) for email, b in accounts],
            "category_ids": [c.id for c in categories],
            "category_slugs": [c.slug for c in categories],
            "public_ids": public_ids,
        }
        db.session.remove()
        db.engine.dispose()
    return info


def start_gunicorn(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    env = dict(env, GUNICORN_BIND=f"{HOST}:{port}")
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log_path}")
        try:
            if requests.get(f"http://{HOST}:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop(proc)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- load ----------------------------------------------------------------------------------


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict = field(default_factory=lambda: {"browse": [], "upload": [], "other": []})
    statuses: dict = field(default_factory=dict)
    errors: int = 0
    count: int = 0
    fivexx: list = field(default_factory=list)
    burst: dict = field(
        default_factory=lambda: {"posts": 0, "5xx": 0, "ack": 0, "unready": 0, "ms": []}
    )
    acknowledged: list = field(default_factory=list)  # (listing id, photos sent, community email)

    def add(self, kind: str, seconds: float, status: int | None, url: str) -> None:
        with self.lock:
            self.count += 1
            if status is None:
                self.errors += 1
                return
            self.latencies[kind].append(seconds * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500:
                self.fivexx.append(f"{status} {url}")


class Load:
    def __init__(self, base: str, info: dict, results: Results, stop_at: float, max_requests: int):
        self.base, self.info, self.results = base, info, results
        self.stop_at, self.max_requests = stop_at, max_requests

    def running(self) -> bool:
        return time.monotonic() < self.stop_at and self.results.count < self.max_requests

    def request(self, session: requests.Session, kind: str, method: str, path: str, **kw):
        started = time.perf_counter()
        try:
            response = session.request(
                method, self.base + path, timeout=120, allow_redirects=False, **kw
            )
        except requests.RequestException:
            self.results.add(kind, time.perf_counter() - started, None, path)
            return None
        self.results.add(kind, time.perf_counter() - started, response.status_code, path)
        return response

    def shopper(self, seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while self.running():
            choice = rng.random()
            if choice < 0.2:
                r = self.request(session, "browse", "GET", "/")
            elif choice < 0.5:
                r = self.request(
                    session, "browse", "GET", "/katalog", params={"q": rng.choice(WORDS)}
                )
            elif choice < 0.65:
                r = self.request(
                    session,
                    "browse",
                    "GET",
                    "/katalog",
                    params={"kategori": rng.choice(self.info["category_slugs"])},
                )
            else:
                r = self.request(
                    session, "browse", "GET", f"/produk/{rng.choice(self.info['public_ids'])}"
                )
                if r is not None and r.status_code in (301, 302, 308):
                    r = self.request(
                        session, "browse", "GET", r.headers["Location"].replace(self.base, "")
                    )
                if r is not None and r.status_code == 200:
                    srcs = re.findall(r'src="(/media/[^"]+)"', r.text)
                    if srcs:
                        self.request(session, "browse", "GET", rng.choice(srcs))
            time.sleep(rng.uniform(0.05, 0.3))

    def _csrf(self, session, path) -> str | None:
        r = self.request(session, "other", "GET", path)
        if r is None or r.status_code != 200:
            return None
        m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', r.text) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', r.text
        )
        return m.group(1) if m else None

    def community(self, email: str, business_id: int, seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        token = self._csrf(session, "/masuk")
        r = self.request(
            session,
            "other",
            "POST",
            "/masuk",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
        )
        if r is None or r.status_code != 302:
            print(f"  login failed for {email}: {r and r.status_code}", file=sys.stderr)
            return
        n = 0
        while self.running():
            token = self._csrf(session, "/portal/produk/baru")
            if token is None:
                time.sleep(0.5)
                continue
            names = rng.sample(UPLOAD_MIX, rng.choice((1, 1, 2)))
            files = [
                (
                    "photos",
                    (
                        f"IMG_{rng.randint(1000, 9999)}{Path(name).suffix}",
                        (PHOTOS / name).read_bytes(),
                        "application/octet-stream",
                    ),
                )
                for name in names
            ]
            n += 1
            data = {
                "csrf_token": token,
                "business_id": str(business_id),
                "category_id": str(rng.choice(self.info["category_ids"])),
                "title": f"Produk rush {email.split('@')[0]} #{n}",
                "description": "Dibuat di menit terakhir.",
                "price": f"{rng.randint(5, 90)}rb",
                "unit": "pcs",
            }
            # Half the listings are submitted with the form; the other half are saved as a
            # draft and submitted with the "Ajukan" button, as coordinators do at the deadline.
            draft_first = rng.random() < 0.5
            data["action"] = "draft" if draft_first else "submit"
            r = self.request(
                session, "upload", "POST", "/portal/produk/baru", data=data, files=files
            )
            if r is not None and r.status_code == 302:
                m = re.search(r"/portal/produk/(\d+)", r.headers.get("Location", ""))
                if m:
                    listing_id = int(m.group(1))
                    with self.results.lock:
                        self.results.acknowledged.append((listing_id, len(names), email))
                    if draft_first:
                        token = self._csrf(session, f"/portal/produk/{listing_id}")
                        self.request(
                            session,
                            "other",
                            "POST",
                            f"/portal/produk/{listing_id}/ajukan",
                            data={"csrf_token": token},
                        )
            time.sleep(rng.uniform(0.2, 1.5))

    def _login(self, email: str) -> requests.Session | None:
        session = requests.Session()
        token = self._csrf(session, "/masuk")
        r = self.request(
            session,
            "other",
            "POST",
            "/masuk",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
        )
        return session if r is not None and r.status_code == 302 else None

    def burst(self, posts: int, photos: int, release_at: float, accounts: int = 4) -> None:
        """``posts`` new-listing posts of ``photos`` photos each, from ``accounts`` accounts
        (one signed-in session per post), all sent at ``release_at`` (monotonic): each post's
        thread fetches its form first, then all wait at one gate."""
        rng = random.Random(7)
        logins = [self._login(email) for email, _b in self.info["accounts"][:accounts]]
        plans = []
        for i in range(posts):
            k = i % len(logins)
            names = rng.sample(UPLOAD_MIX, min(photos, len(UPLOAD_MIX)))
            plans.append((i, k, names, rng.choice(self.info["category_ids"])))
        gate = threading.Barrier(posts + 1)

        def post(i, k, names, category_id):
            session, token = None, None
            if logins[k] is not None:
                session = requests.Session()
                session.cookies.update(logins[k].cookies)
                token = self._csrf(session, "/portal/produk/baru")
            try:
                gate.wait(timeout=max(1.0, release_at - time.monotonic() + 60))
            except threading.BrokenBarrierError:
                pass
            if token is None:
                with self.results.lock:
                    self.results.burst["unready"] += 1
                return
            email, business_id = self.info["accounts"][k]
            files = [
                ("photos", (f"IMG_B{i}_{j}{Path(n).suffix}", (PHOTOS / n).read_bytes(), "image/*"))
                for j, n in enumerate(names)
            ]
            data = {
                "csrf_token": token,
                "business_id": str(business_id),
                "category_id": str(category_id),
                "title": f"Produk burst {i}",
                "description": "Dikirim bersamaan di menit terakhir.",
                "price": "25rb",
                "unit": "pcs",
                "action": "submit" if i % 2 else "draft",
            }
            started = time.perf_counter()
            r = self.request(
                session, "upload", "POST", "/portal/produk/baru", data=data, files=files
            )
            with self.results.lock:
                self.results.burst["posts"] += 1
                self.results.burst["ms"].append((time.perf_counter() - started) * 1000)
                if r is None or r.status_code >= 500:
                    self.results.burst["5xx"] += 1
            if r is not None and r.status_code == 302:
                m = re.search(r"/portal/produk/(\d+)", r.headers.get("Location", ""))
                if m:
                    with self.results.lock:
                        self.results.burst["ack"] += 1
                        self.results.acknowledged.append((int(m.group(1)), len(names), email))

        threads = [threading.Thread(target=post, args=plan, daemon=True) for plan in plans]
        for t in threads:
            t.start()
        time.sleep(max(0.0, release_at - time.monotonic()))
        try:
            gate.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        for t in threads:
            t.join(timeout=150)


# --- checks --------------------------------------------------------------------------------


def check(
    database_url: str, media_root: Path, instance: Path, info: dict, results: Results
) -> dict:
    """Lost uploads, quota overruns and late submits, read from the database and the store."""
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.listings.models import Listing, ListingStatus
    from marketplace.media.storage import get_storage

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "rush-bench",
        }
    )
    lost = 0
    with app.app_context():
        storage = get_storage()
        for listing_id, photos_sent, _email in results.acknowledged:
            listing = db.session.get(Listing, listing_id)
            if listing is None or len(listing.photos) != photos_sent:
                lost += 1
                continue
            for photo in listing.photos:
                for variant in photo.image.variants:
                    try:
                        data = storage.open(variant.key)
                    except FileNotFoundError:
                        data = None
                    if data is None or hashlib.sha256(data).hexdigest() != variant.checksum:
                        lost += 1
                        break
        holding = (ListingStatus.SUBMITTED, ListingStatus.CHANGES_REQUESTED, ListingStatus.APPROVED)
        rows = db.session.execute(
            db.select(Listing.community_id, db.func.count(Listing.id))
            .where(Listing.round_id == info["round_id"], Listing.status.in_(holding))
            .group_by(Listing.community_id)
        ).all()
        overruns = sum(max(0, n - info["quota"]) for _c, n in rows)
        submitted = sum(n for _c, n in rows)
        late = db.session.execute(
            db.select(db.func.count(Listing.id)).where(
                Listing.round_id == info["round_id"], Listing.submitted_at >= info["closes_at"]
            )
        ).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return {"lost": lost, "overruns": overruns, "late": late, "submitted": submitted}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- one run -------------------------------------------------------------------------------


def run(label: str, database_url: str, args) -> bool:
    work = Path(tempfile.mkdtemp(prefix=f"rush-{label}-"))
    media, instance = work / "media", work / "instance"
    print(f"[{label}] building the database ({work})", file=sys.stderr)
    info = build_database(
        database_url,
        media,
        instance,
        seconds=args.seconds + args.warmup,
        communities=args.communities,
        quota=args.quota,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "APP_ENV")}
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        SECRET_KEY="rush-bench",
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
        LOG_FORMAT="json",
        PYTHONPATH=str(ROOT),
    )
    port = free_port()
    proc = start_gunicorn(env, port, work / "gunicorn.log")
    results = Results()
    closes_mono = time.monotonic() + (info["closes_at"] - datetime.now(UTC)).total_seconds()
    load = Load(
        f"http://{HOST}:{port}",
        info,
        results,
        stop_at=min(closes_mono + args.after, time.monotonic() + args.seconds + 30),
        max_requests=args.max_requests,
    )
    threads = [
        threading.Thread(target=load.shopper, args=(i,), daemon=True) for i in range(args.shoppers)
    ]
    for i, (email, business_id) in enumerate(info["accounts"]):
        for phone in range(2):  # two phones per community race for the last slots
            threads.append(
                threading.Thread(
                    target=load.community, args=(email, business_id, 100 * i + phone), daemon=True
                )
            )
    print(
        f"[{label}] rush until the round closes at {info['closes_at']:%H:%M:%S} UTC "
        f"+ {args.after} s: {args.shoppers} shoppers, {2 * len(info['accounts'])} uploaders",
        file=sys.stderr,
    )
    if args.burst:
        release = max(time.monotonic() + 10, closes_mono - args.burst_before)
        threads.append(
            threading.Thread(
                target=load.burst, args=(args.burst, args.burst_photos, release), daemon=True
            )
        )
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1, load.stop_at - time.monotonic() + 130))
    elapsed = time.monotonic() - started
    stop(proc)
    figures = check(database_url, media, instance, info, results)
    log_text = (work / "gunicorn.log").read_text(errors="replace")
    tracebacks = log_text.count("Traceback")
    all_ms = results.latencies["browse"] + results.latencies["upload"] + results.latencies["other"]
    out = {
        "rush_db": label,
        "rush_requests": results.count,
        "rush_seconds": round(elapsed, 1),
        "rush_5xx": len(results.fivexx),
        "rush_errors": results.errors,
        "rush_uploads_acknowledged": len(results.acknowledged),
        "rush_submitted": figures["submitted"],
        "rush_lost_uploads": figures["lost"],
        "rush_quota_overruns": figures["overruns"],
        "rush_late_submits": figures["late"],
        "rush_server_tracebacks": tracebacks,
        "rush_p50_ms": round(pct(all_ms, 50), 1),
        "rush_p99_ms": round(pct(all_ms, 99), 1),
        "rush_browse_p50_ms": round(pct(results.latencies["browse"], 50), 1),
        "rush_browse_p99_ms": round(pct(results.latencies["browse"], 99), 1),
        "rush_upload_p50_ms": round(pct(results.latencies["upload"], 50), 1),
        "rush_upload_p99_ms": round(pct(results.latencies["upload"], 99), 1),
        "rush_burst_posts": results.burst["posts"],
        "rush_burst_5xx": results.burst["5xx"],
        "rush_burst_acknowledged": results.burst["ack"],
        "rush_burst_unready": results.burst["unready"],
        "rush_burst_p99_ms": round(pct(results.burst["ms"], 99), 1),
    }
    for key, value in out.items():
        print(f"{key}: {value}")
    print(f"rush_statuses: {dict(sorted(results.statuses.items()))}")
    for line in results.fivexx[:10]:
        print(f"  5xx: {line}", file=sys.stderr)
    ok = (
        out["rush_5xx"] == 0
        and out["rush_errors"] == 0
        and out["rush_lost_uploads"] == 0
        and out["rush_quota_overruns"] == 0
        and out["rush_late_submits"] == 0
        and out["rush_burst_5xx"] == 0
        and out["rush_burst_posts"] == args.burst
    )
    if ok and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"[{label}] kept {work} (gunicorn.log)", file=sys.stderr)
    return ok


def postgres_server(args) -> str | None:
    url = args.pg_url or os.environ.get("RUSH_PG_URL")
    if url:
        return url
    script = ROOT / ".ci" / "install-postgres.sh"
    try:
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        print(f"[postgres] could not start a server: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return done.stdout.strip().splitlines()[-1]


def with_fresh_pg_database(server_url: str, fn) -> bool:
    import sqlalchemy as sa

    from marketplace.config import database_uri

    base = sa.engine.make_url(database_uri(server_url))
    if base.host not in (HOST, "localhost"):
        raise SystemExit("the rush only runs against a server on 127.0.0.1")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"rush_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        return fn(base.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--pg-url", help="a PostgreSQL server on 127.0.0.1 (a role that may create databases)"
    )
    parser.add_argument(
        "--seconds", type=float, default=60, help="the round closes this long after the load starts"
    )
    parser.add_argument(
        "--after", type=float, default=5, help="keep submitting this long past the deadline"
    )
    parser.add_argument("--warmup", type=float, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--shoppers", type=int, default=6)
    parser.add_argument("--communities", type=int, default=8)
    parser.add_argument("--quota", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="as gunicorn.conf.py's default")
    parser.add_argument("--burst", type=int, default=20, help="posts released at once (0: none)")
    parser.add_argument("--burst-photos", type=int, default=3)
    parser.add_argument("--burst-before", type=float, default=15)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    # Setting up (migrations, photos, gunicorn start) takes some seconds of the round's minute.
    args.warmup = args.warmup or 8

    ok = True
    if args.db in ("sqlite", "both"):
        work = Path(tempfile.mkdtemp(prefix="rush-sqlite-db-"))
        ok &= run("sqlite", f"sqlite:///{work / 'rush.sqlite3'}", args)
        shutil.rmtree(work, ignore_errors=True)
    if args.db in ("postgres", "both"):
        server = postgres_server(args)
        if server is None:
            print("rush_db: postgres\nrush_skipped: no PostgreSQL server (give --pg-url)")
            ok &= args.db == "both"
        else:
            ok &= with_fresh_pg_database(server, lambda url: run("postgres", url, args))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
