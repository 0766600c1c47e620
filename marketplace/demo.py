"""Demo data for ``make run``: loaded through the same services the web forms use.

Seven verified communities (one per district), their businesses, three published rounds
with 135 public listings, and one open round with listings waiting in the moderation
queue. Product pictures are drawn here with Pillow and go through the real photo pipeline.
"""

from __future__ import annotations

import io
import logging
import os
import random
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import datetime, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageFont

from .auth import services as auth_services
from .auth.models import Role, User
from .auth.services import SignupInput, change_community_status, create_staff, signup_community
from .clock import WIB, to_wib
from .clock import now as clock_now
from .demo_products import PRODUCTS, products_for
from .extensions import db
from .listings.businesses import BusinessInput, save_business
from .listings.listings import ListingInput, create_listing, validate_listing
from .listings.state import transition
from .media.services import PreparedUpload, add_upload, prepare_upload
from .reference.models import Category, District
from .rounds.services import Cadence, create_round

PASSWORD = "umkm-juara-2026"
ACCOUNTS = {
    "admin": "admin@demo.etalase.id",
    "moderator": "moderator@demo.etalase.id",
    "coordinator": "koordinator.pamulang@demo.etalase.id",
}

COMMUNITIES = [
    ("ciputat", "Komunitas UMKM Ciputat Berdaya", "Ibu Ratna"),
    ("ciputat-timur", "Paguyuban UMKM Ciputat Timur", "Bapak Hendra"),
    ("pamulang", "UMKM Pamulang Naik Kelas", "Ibu Sri Wahyuni"),
    ("pondok-aren", "Komunitas Usaha Pondok Aren", "Ibu Dewi"),
    ("serpong", "Serpong Kreatif", "Bapak Agus"),
    ("serpong-utara", "UMKM Serpong Utara Bersatu", "Ibu Lina"),
    ("setu", "Komunitas Tani & Usaha Setu", "Bapak Joko"),
]

BUSINESS_NAMES = [
    "Dapur Bu {n}",
    "Kedai {n}",
    "{n} Craft",
    "Toko {n} Sehat",
    "Warung {n}",
    "Rumah Batik {n}",
    "Kebun {n}",
    "Salon & Spa {n}",
    "Jahit {n}",
    "Kopi {n}",
]
OWNERS = [
    "Sri",
    "Ani",
    "Budi",
    "Rina",
    "Yanti",
    "Eko",
    "Sari",
    "Tono",
    "Wati",
    "Dian",
    "Rudi",
    "Nur",
    "Fitri",
    "Asep",
    "Maya",
    "Imas",
    "Joko",
    "Lilis",
    "Bambang",
    "Tuti",
    "Hasan",
]

PALETTE = [
    (231, 111, 81),
    (244, 162, 97),
    (233, 196, 106),
    (42, 157, 143),
    (38, 70, 83),
    (141, 153, 174),
    (188, 108, 37),
    (96, 108, 56),
    (181, 101, 118),
    (109, 89, 122),
]


def draw_product_photo(title: str, seed: int, size: tuple[int, int] = (1080, 810)) -> bytes:
    """A JPEG 'product photo' drawn with Pillow: a soft backdrop, a lit object and a label.

    The scene is drawn at half size and scaled up (it is blurred anyway: a quarter of the
    pixels to blur, a quarter of the time); the label is drawn at full size, so it stays sharp."""
    rnd = random.Random(seed)
    full = size
    k = 0.5  # the scene's scale
    w, h = size = (int(full[0] * k), int(full[1] * k))
    base = rnd.choice(PALETTE)
    img = PILImage.new("RGB", size, tuple(min(255, c + 120) for c in base))
    gradient = PILImage.linear_gradient("L").resize(size)  # table-top gradient
    img = PILImage.composite(
        PILImage.new("RGB", size, tuple(int(255 - (255 - c) * 0.5) for c in base)), img, gradient
    )
    d = ImageDraw.Draw(img)
    obj = rnd.choice(PALETTE)
    cx, cy, r = (
        w // 2 + rnd.randint(-70, 70) * k,
        h // 2 + 40 * k,
        rnd.randint(190, 260) * k,
    )
    d.ellipse(
        [cx - r, cy + r - 60 * k, cx + r, cy + r + 30 * k], fill=tuple(int(c * 0.55) for c in base)
    )  # shadow
    img = img.filter(ImageFilter.GaussianBlur(14 * k))
    d = ImageDraw.Draw(img)
    if seed % 3 == 0:
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=obj)
    elif seed % 3 == 1:
        d.rounded_rectangle([cx - r, cy - r * 0.8, cx + r, cy + r * 0.8], radius=40 * k, fill=obj)
    else:
        d.polygon([(cx, cy - r), (cx + r, cy + r * 0.7), (cx - r, cy + r * 0.7)], fill=obj)
    d.ellipse(
        [cx - r * 0.5, cy - r * 0.6, cx - r * 0.1, cy - r * 0.3],
        fill=tuple(min(255, c + 70) for c in obj),
    )
    img = img.filter(ImageFilter.GaussianBlur(1.2 * k)).resize(full, PILImage.Resampling.BICUBIC)
    w, h = full
    d = ImageDraw.Draw(img)
    try:
        font = ImageFont.load_default(size=54)
    except TypeError:  # Pillow built without FreeType
        font = ImageFont.load_default()
    label = title if len(title) <= 26 else title[:25] + "…"
    box = d.textbbox((0, 0), label, font=font)
    tw = box[2] - box[0]
    d.rounded_rectangle(
        [(w - tw) / 2 - 24, 40, (w + tw) / 2 + 24, 130], radius=18, fill=(255, 255, 255)
    )
    d.text(((w - tw) / 2, 56), label, fill=(40, 40, 40), font=font)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()


class DemoPhotos:
    """The demo's product pictures, each drawn and put through the photo pipeline once.

    ``start(keys)`` queues ``(title, n)`` pairs (the n-th picture of a product) on a pool of
    worker threads (one per core, at most ``PHOTO_DECODES_AT_ONCE``, which gates the
    pipeline anyway): Pillow releases the interpreter lock while it blurs and encodes, so the
    pictures are made on the other core while the loader writes rows on this one.
    ``image(title, n, member, at)`` waits for that picture and returns its ``Image`` row,
    added to the session on first use and shared by every listing that shows that product
    (a key not queued is made on the spot). Seeds come from the key, so a product looks the
    same whatever order the loader asks in. ``progress(k)`` is told, on the calling thread,
    of each k pictures finished (:meth:`report`, and while :meth:`image` waits), so a progress
    bar moves while the loader waits for a picture. Use as a context manager: leaving it
    shuts the pool down (and drops pictures not yet made when the load failed; those already
    stored, with no row after the rollback, are the media sweep's)."""

    def __init__(
        self, workers: int | None = None, progress: Callable[[int], object] | None = None
    ) -> None:
        self._app = current_app._get_current_object()
        limit = int(self._app.config.get("PHOTO_DECODES_AT_ONCE", 2))
        self._pool = ThreadPoolExecutor(
            max_workers=workers or max(1, min(os.cpu_count() or 1, limit)),
            thread_name_prefix="demo-photo",
        )
        self._made: dict[tuple[str, int], Future[PreparedUpload]] = {}
        self._rows: dict[tuple[str, int], object] = {}
        self._progress = progress or (lambda _k: None)
        self._reported = 0

    @staticmethod
    def seed(title: str, n: int) -> int:
        return zlib.crc32(title.encode()) * 7 + n

    def _make(self, title: str, n: int) -> PreparedUpload:
        with self._app.app_context():
            return prepare_upload(draw_product_photo(title, self.seed(title, n)))

    def start(self, keys: Iterable[tuple[str, int]]) -> None:
        for key in keys:
            if key not in self._made:
                self._made[key] = self._pool.submit(self._make, *key)

    def report(self) -> None:
        done = sum(f.done() for f in self._made.values())
        if done > self._reported:
            self._progress(done - self._reported)
            self._reported = done

    def image(self, title: str, n: int, member, at: datetime):
        key = (title, n)
        if key not in self._rows:
            self.start([key])
            made = self._made[key]
            while not wait([made], timeout=0.25).done:
                self.report()
            self._rows[key] = add_upload(made.result(), uploaded_by=member, now=at)
            self.report()
        return self._rows[key]

    def __enter__(self) -> DemoPhotos:
        return self

    def __exit__(self, exc_type, *_) -> None:
        self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)
        if exc_type is None:
            self.report()


@contextmanager
def one_hash_per_password():
    """Hash each password once while the demo's accounts are made.

    Every demo account has the same password, and one scrypt hash costs about half a second
    of CPU (``PASSWORD_HASH_METHOD``): nine accounts were the slowest few seconds of the load.
    The accounts share one salted hash instead; logging in verifies it as usual."""
    real = auth_services.hash_password
    hashes: dict[str, str] = {}

    def hash_once(password: str) -> str:
        if password not in hashes:
            hashes[password] = real(password)
        return hashes[password]

    auth_services.hash_password = hash_once
    try:
        yield
    finally:
        auth_services.hash_password = real


def _monday_0800_wib(at: datetime) -> datetime:
    local = at.astimezone(WIB)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    return monday


def latest_opening(cadence: Cadence, now: datetime) -> datetime:
    """The latest moment at or before ``now`` on the cadence's opening weekday and time, as
    naive WIB (what ``Cadence.window`` takes): where the demo's current round opens."""
    local = to_wib(now).replace(tzinfo=None)
    latest = datetime.combine(
        local.date() - timedelta(days=(local.weekday() - cadence.opens_weekday) % 7),
        cadence.opens_time,
    )
    return latest - timedelta(days=7) if latest > local else latest


def is_loaded() -> bool:
    return db.session.execute(sa.select(sa.func.count(User.id))).scalar_one() > 0


PUBLIC_PER_ROUND = 45  # approved listings in each published round
TURNED_DOWN = ("reject", "request_changes")  # per published round, so statistics look real
QUEUED = 14  # submitted to the open round, waiting for a moderator
PHOTOS_PER_PRODUCT = 2  # a listing shows one or two of its product's pictures


def listing_count() -> int:
    """How many listings :func:`load` makes (three published rounds, the queue, a draft)."""
    return 3 * (PUBLIC_PER_ROUND + len(TURNED_DOWN)) + QUEUED + 1


def progress_total() -> int:
    """The steps :func:`load` reports to ``progress``: each listing and each picture."""
    return listing_count() + len(PRODUCTS) * PHOTOS_PER_PRODUCT


def load(
    now: datetime,
    echo: Callable[[str], object] = print,
    progress: Callable[[int], object] | None = None,
) -> None:
    """Load the demo into an empty database (flushed, not committed: the caller commits once).

    ``now`` is the aware UTC instant the demo is built around (the open round opened two days
    before it). ``echo`` receives the one summary line; ``progress(k)`` (a progress bar's
    ``update``) is told of each listing made and each k pictures finished,
    :func:`progress_total` steps in all. The product pictures are made on worker threads
    meanwhile (:class:`DemoPhotos`), and the accounts share one password hash
    (:func:`one_hash_per_password`)."""
    progress = progress or (lambda _n: None)
    with one_hash_per_password(), DemoPhotos(progress=progress) as photos:
        photos.start((p[1], n) for p in PRODUCTS for n in range(PHOTOS_PER_PRODUCT))
        _load(now, echo, photos, progress)


def _load(now: datetime, echo, photos: DemoPhotos, progress) -> None:
    from .moderation.decisions import decide

    admin = create_staff(ACCOUNTS["admin"], PASSWORD, role=Role.ADMIN, name="Admin Dinas", now=now)
    moderator = create_staff(
        ACCOUNTS["moderator"], PASSWORD, role=Role.MODERATOR, name="Moderator Dinas", now=now
    )
    districts = {d.slug: d for d in db.session.execute(sa.select(District)).scalars()}
    categories = {c.slug: c for c in db.session.execute(sa.select(Category)).scalars()}

    # Rounds on the default cadence (rounds.services.Cadence, the one "Jadwalkan periode"
    # suggests): the current round opened on the latest Monday 08.00 WIB, so it is open
    # from Monday 08.00 to Friday 24.00 and in review at the weekend; three published
    # rounds before it, and the next one already scheduled.
    cadence = Cadence()
    latest = latest_opening(cadence, now)
    rounds = []
    for k in range(1, 6):
        opens, closes, publishes, showcase_ends = cadence.window(
            latest + timedelta(days=cadence.every_days * (k - 4))
        )
        rounds.append(
            create_round(
                name=f"Edisi {k}",
                opens_at=opens,
                closes_at=closes,
                publishes_at=publishes,
                showcase_ends_at=showcase_ends,
                quota=cadence.quota,
                edition=k,
                actor=admin,
                now=min(opens, now) - timedelta(days=7),
            )
        )
    published, open_round, upcoming = rounds[:3], rounds[3], rounds[4]

    members, businesses = [], []
    for i, (slug, name, contact) in enumerate(COMMUNITIES):
        signup_at = published[0].opens_at - timedelta(days=10 - i)
        email = (
            ACCOUNTS["coordinator"] if slug == "pamulang" else f"koordinator.{slug}@demo.etalase.id"
        )
        member = signup_community(
            SignupInput(
                community_name=name,
                district_id=districts[slug].id,
                description=f"Wadah pelaku UMKM di {districts[slug].name}: pelatihan, pameran "
                "dan promosi bersama.",
                instagram=f"@{slug.replace('-', '_')}_umkm",
                contact_name=contact,
                contact_phone=f"0812-{1000 + i:04d}-{2000 + i:04d}",
                email=email,
                password=PASSWORD,
            ),
            now=signup_at,
        )
        change_community_status(
            member.community, "verify", actor=moderator, now=signup_at + timedelta(hours=3)
        )
        members.append(member)
        for j in range(3):
            owner = OWNERS[(i * 3 + j) % len(OWNERS)]
            businesses.append(
                save_business(
                    None,
                    BusinessInput(
                        name=BUSINESS_NAMES[(i + j * 3) % len(BUSINESS_NAMES)].format(n=owner),
                        owner_name=f"{owner} {contact.split()[-1]}",
                        district_id=districts[slug].id,
                        whatsapp=f"+62 813-{3000 + i * 3 + j:04d}-{4100 + j:04d}",
                        instagram=f"{owner.lower()}_{slug.replace('-', '')}",
                        story=(
                            f"Usaha rumahan milik {owner} sejak 2018 di {districts[slug].name}. "
                            "Bahan dipilih sendiri, dikerjakan dengan tangan."
                        ),
                        nib=f"91201{i:02d}{j:02d}00{i * 3 + j:04d}" if j != 2 else "",
                    ),
                    actor=member,
                    now=signup_at + timedelta(hours=5),
                )
            )

    shelves: dict[int, tuple[int, int]] = {}  # business id → (shelf, rank within the shelf)
    for k, business in enumerate(businesses):
        i, j = divmod(k, 3)
        kind = (i + j * 3) % len(BUSINESS_NAMES)
        shelves[business.id] = (kind, sum(1 for s in shelves.values() if s[0] == kind))

    def own_products(business, edition: int, count: int) -> list[tuple]:
        kind, rank = shelves[business.id]
        return products_for(kind, rank, edition, count)

    def round_plan(businesses, edition: int, size: int) -> list[tuple]:
        """``size`` (business, product) pairs for one round: every business shows its own
        products (two, or one), the first business of a shelf of two a third until the round
        is full; mixed in a fixed order so sellers alternate."""
        sharing = {
            kind: sum(1 for s in shelves.values() if s[0] == kind) for kind, _ in shelves.values()
        }
        plan = []
        for business in businesses:
            kind, rank = shelves[business.id]
            plan += [(business, p) for p in own_products(business, edition, 2)]
        for business in businesses:
            kind, rank = shelves[business.id]
            if len(plan) >= size:
                break
            if rank == 0 and sharing[kind] < 3:
                mine = {p for b, p in plan if b is business}
                extra = [p for p in own_products(business, edition, 3) if p not in mine]
                plan += [(business, p) for p in extra[:1]]
        random.Random(edition).shuffle(plan)
        return plan[:size]

    seq = 0

    def add_listing(business, rnd, product, at, submit=True):
        nonlocal seq
        seq += 1
        cat, title, unit, price, desc = product
        member = next(m for m in members if m.community_id == business.community_id)
        values, errors = validate_listing(
            ListingInput(
                business_id=business.id,
                category_id=categories[cat].id,
                title=title,
                description=desc,
                price=price,
                unit=unit,
            ),
            actor=member,
        )
        assert not errors, errors
        pictures = [photos.image(title, n, member, at) for n in range(1 + seq % PHOTOS_PER_PRODUCT)]
        listing = create_listing(values, pictures, actor=member, now=at, rnd=rnd)
        if submit:
            transition(listing, "submit", actor=member, now=at + timedelta(minutes=5))
        progress(1)
        return listing

    count = 0
    for rnd in published:
        for n, (business, product) in enumerate(
            round_plan(businesses, rnd.edition, PUBLIC_PER_ROUND)
        ):
            at = rnd.opens_at + timedelta(hours=1 + n)
            listing = add_listing(business, rnd, product, at)
            decide(
                listing,
                "approve",
                moderator=moderator,
                seen_version=listing.version,
                now=rnd.closes_at + timedelta(hours=2 + n // 10),
            )
            count += 1
        # some that did not make it, so statistics and histories look real
        for n, action in enumerate(TURNED_DOWN):
            listing = add_listing(
                businesses[n + 10],
                rnd,
                own_products(businesses[n + 10], rnd.edition + 1, 1)[0],
                rnd.opens_at + timedelta(hours=50 + n),
            )
            decide(
                listing,
                action,
                moderator=moderator,
                seen_version=listing.version,
                reason_text="Foto buram",
                now=rnd.closes_at + timedelta(hours=6),
            )
    queued = 0
    # sent in before the deadline (at the weekend the round is in review: all of them)
    last = min(now, open_round.closes_at - timedelta(hours=1))
    for n in range(QUEUED):
        business = businesses[(n * 2) % len(businesses)]
        at = open_round.opens_at + timedelta(hours=2 + n * 2)
        if at >= last:
            at = last - timedelta(minutes=30 - n)
        add_listing(business, open_round, own_products(business, open_round.edition, 1)[0], at)
        queued += 1
    # a draft the Pamulang coordinator is still preparing (for the next round once this one
    # has closed)
    pamulang = next(b for b in businesses if b.community_id == members[2].community_id)
    drafting = open_round if open_round.accepts_submissions(now) else upcoming
    add_listing(
        pamulang,
        drafting,
        own_products(pamulang, drafting.edition + 1, 1)[0],
        now - timedelta(minutes=10),
        submit=False,
    )
    db.session.flush()
    echo(
        f"Demo: {len(COMMUNITIES)} communities, {len(businesses)} businesses, {count} public "
        f"listings in {len(published)} published rounds, {queued} waiting in {open_round.title}."
    )


def accounts_text(url: str = "http://127.0.0.1:5000") -> str:
    return "\n".join(
        [
            f"Demo accounts (password for all: {PASSWORD})",
            f"  coordinator (Pamulang): {ACCOUNTS['coordinator']}",
            f"  moderator:              {ACCOUNTS['moderator']}",
            f"  admin:                  {ACCOUNTS['admin']}",
            f"Open {url}",
        ]
    )


@click.group("demo")
def demo_cli() -> None:
    """Demo data."""


@demo_cli.command("load")
@click.option("--force", is_flag=True, help="Load even if the database has users (adds more).")
def load_command(force: bool) -> None:
    """Load the demo data into an empty database (does nothing otherwise)."""
    if is_loaded() and not force:
        click.echo("Database already has data; demo not loaded.")
        return
    audit_log = logging.getLogger("marketplace.audit")
    level = audit_log.level
    audit_log.setLevel(logging.WARNING)  # hundreds of demo audit lines would bury the accounts
    summary: list[str] = []
    try:
        with click.progressbar(
            length=progress_total(), label="Data demo", show_pos=True, width=30
        ) as bar:
            load(clock_now(), echo=summary.append, progress=bar.update)
        db.session.commit()
    finally:
        audit_log.setLevel(level)
    for line in summary:
        click.echo(line)


@demo_cli.command("accounts")
@click.option("--url", default="http://127.0.0.1:5000", help="Where the app is served.")
def accounts_command(url: str) -> None:
    """Print the demo accounts."""
    click.echo(accounts_text(url))
