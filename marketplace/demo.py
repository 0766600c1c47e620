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
from concurrent.futures import Future, ThreadPoolExecutor
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
from .clock import WIB
from .clock import now as clock_now
from .extensions import db
from .listings.businesses import BusinessInput, save_business
from .listings.listings import ListingInput, create_listing, validate_listing
from .listings.state import transition
from .media.services import PreparedUpload, add_upload, prepare_upload
from .reference.models import Category, District
from .rounds.services import create_round

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

# (category slug, title, unit, price text as a person would type it, description)
PRODUCTS = [
    (
        "makanan",
        "Keripik Singkong Balado",
        "pack",
        "15rb",
        "Keripik singkong renyah dengan bumbu balado pedas manis. Berat 250 gram.",
    ),
    (
        "makanan",
        "Kue Lapis Legit",
        "box",
        "185.000",
        "Lapis legit 18 lapis, mentega wijsman. Ukuran 20×10 cm.",
    ),
    (
        "makanan",
        "Rendang Daging Kemasan",
        "pack",
        "Rp 95.000",
        "Rendang daging sapi 500 gram, tahan 3 bulan dalam kemasan vakum.",
    ),
    (
        "makanan",
        "Sambal Cumi Asin",
        "botol",
        "35000",
        "Sambal cumi asin pedas level 3, botol 200 ml.",
    ),
    ("makanan", "Dodol Betawi", "pack", "40rb", "Dodol ketan hitam khas Betawi, diaduk 8 jam."),
    (
        "makanan",
        "Nastar Keju",
        "box",
        "120.000",
        "Nastar isi selai nanas asli dengan taburan keju edam. 500 gram.",
    ),
    ("makanan", "Bakso Frozen Sapi", "pack", "55rb", "Isi 25 butir bakso sapi tanpa pengawet."),
    (
        "minuman",
        "Kopi Robusta Bubuk",
        "pack",
        "45.000",
        "Kopi robusta petik merah, sangrai medium. 200 gram.",
    ),
    ("minuman", "Jamu Kunyit Asam", "botol", "12rb", "Jamu segar tanpa pengawet, botol 350 ml."),
    (
        "minuman",
        "Sirup Jahe Merah",
        "botol",
        "30000",
        "Sirup jahe merah gula aren, hangatkan badan.",
    ),
    (
        "minuman",
        "Teh Rosella Kering",
        "pack",
        "25rb",
        "Kelopak rosella kering dari kebun sendiri, 50 gram.",
    ),
    (
        "fesyen",
        "Batik Cap Motif Anggrek",
        "pcs",
        "275.000",
        "Kain batik cap motif anggrek Tangsel, 2 × 1,15 m.",
    ),
    (
        "fesyen",
        "Tas Anyaman Pandan",
        "pcs",
        "150rb",
        "Tas jinjing anyaman pandan dengan lapisan kain.",
    ),
    (
        "fesyen",
        "Kerudung Segi Empat Voal",
        "pcs",
        "65.000",
        "Voal premium, tidak menerawang, jahit tepi rapi.",
    ),
    (
        "fesyen",
        "Kemeja Tenun Pria",
        "pcs",
        "1,2 jt",
        "Kemeja tenun ikat ukuran M–XL, jahit tangan.",
    ),
    (
        "kerajinan",
        "Vas Bunga Tanah Liat",
        "pcs",
        "85rb",
        "Vas gerabah buatan tangan, tinggi 25 cm.",
    ),
    ("kerajinan", "Gantungan Kunci Kulit", "pcs", "20000", "Kulit sapi asli, bisa ukir nama."),
    (
        "kerajinan",
        "Lampu Hias Bambu",
        "pcs",
        "175.000",
        "Lampu meja dari bambu wulung, kabel 1,5 m.",
    ),
    (
        "kesehatan",
        "Minyak Telon Herbal",
        "botol",
        "28rb",
        "Minyak telon dengan sereh dan kayu putih, 60 ml.",
    ),
    ("kesehatan", "Madu Hutan Murni", "botol", "110.000", "Madu hutan 500 gram, diuji kadar air."),
    (
        "kecantikan",
        "Sabun Sereh Wangi",
        "pcs",
        "18.000",
        "Sabun batang alami dengan minyak sereh, 100 gram.",
    ),
    ("kecantikan", "Lulur Bengkoang", "pack", "35rb", "Lulur bengkoang dan beras, 200 gram."),
    ("pertanian", "Bibit Cabai Rawit", "pack", "10rb", "Isi 10 bibit siap tanam, umur 3 minggu."),
    (
        "pertanian",
        "Pupuk Kompos Organik",
        "kg",
        "8.000",
        "Kompos matang dari sampah dapur dan daun.",
    ),
    (
        "pertanian",
        "Tanaman Hias Monstera",
        "pcs",
        "",
        "Monstera adansonii dalam pot 15 cm. Harga tergantung ukuran — hubungi penjual.",
    ),
    (
        "jasa",
        "Jasa Jahit Permak",
        "jasa",
        "",
        "Permak celana, kecilkan baju, pasang resleting. Hubungi untuk harga.",
    ),
    (
        "jasa",
        "Katering Nasi Kotak",
        "porsi",
        "35rb",
        "Nasi kotak ayam bakar, minimal pesan 20 porsi.",
    ),
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
    same whatever order the loader asks in. Use as a context manager: leaving it shuts the
    pool down (and drops pictures not yet made when the load failed)."""

    def __init__(self, workers: int | None = None) -> None:
        self._app = current_app._get_current_object()
        limit = int(self._app.config.get("PHOTO_DECODES_AT_ONCE", 2))
        self._pool = ThreadPoolExecutor(
            max_workers=workers or max(1, min(os.cpu_count() or 1, limit)),
            thread_name_prefix="demo-photo",
        )
        self._made: dict[tuple[str, int], Future[PreparedUpload]] = {}
        self._rows: dict[tuple[str, int], object] = {}

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

    def image(self, title: str, n: int, member, at: datetime):
        key = (title, n)
        if key not in self._rows:
            self.start([key])
            self._rows[key] = add_upload(self._made[key].result(), uploaded_by=member, now=at)
        return self._rows[key]

    def __enter__(self) -> DemoPhotos:
        return self

    def __exit__(self, exc_type, *_) -> None:
        self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)


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


def is_loaded() -> bool:
    return db.session.execute(sa.select(sa.func.count(User.id))).scalar_one() > 0


PUBLIC_PER_ROUND = 45  # approved listings in each published round
TURNED_DOWN = ("reject", "request_changes")  # per published round, so statistics look real
QUEUED = 14  # submitted to the open round, waiting for a moderator
PHOTOS_PER_PRODUCT = 2  # a listing shows one or two of its product's pictures


def listing_count() -> int:
    """How many listings :func:`load` makes (three published rounds, the queue, a draft)."""
    return 3 * (PUBLIC_PER_ROUND + len(TURNED_DOWN)) + QUEUED + 1


def load(
    now: datetime, echo: Callable[[str], object] = print, progress: Callable[[int], object] = None
) -> None:
    """Load the demo into an empty database (flushed, not committed: the caller commits once).

    ``now`` is the aware UTC instant the demo is built around (the open round opened two days
    before it). ``echo`` receives the one summary line; ``progress(1)`` is called after each
    of the :func:`listing_count` listings (a progress bar's ``update``). The product pictures
    are made on worker threads meanwhile (:class:`DemoPhotos`), and the accounts share one
    password hash (:func:`one_hash_per_password`)."""
    with one_hash_per_password(), DemoPhotos() as photos:
        photos.start((p[1], n) for p in PRODUCTS for n in range(PHOTOS_PER_PRODUCT))
        _load(now, echo, photos, progress or (lambda _n: None))


def _load(now: datetime, echo, photos: DemoPhotos, progress) -> None:
    from .moderation.decisions import decide

    admin = create_staff(ACCOUNTS["admin"], PASSWORD, role=Role.ADMIN, name="Admin Dinas", now=now)
    moderator = create_staff(
        ACCOUNTS["moderator"], PASSWORD, role=Role.MODERATOR, name="Moderator Dinas", now=now
    )
    districts = {d.slug: d for d in db.session.execute(sa.select(District)).scalars()}
    categories = {c.slug: c for c in db.session.execute(sa.select(Category)).scalars()}

    # Rounds: an open one (opened two days ago at 08:00 WIB) and three published before it,
    # on the bi-weekly cadence.
    open_opens = (
        (now - timedelta(days=2)).astimezone(WIB).replace(hour=8, minute=0, second=0, microsecond=0)
    )
    rounds = []
    for k, weeks_back in enumerate((6, 4, 2, 0), start=1):
        opens = open_opens - timedelta(weeks=weeks_back)
        closes = opens + timedelta(days=5, hours=16)  # Saturday 00:00 WIB after a Monday 08:00
        publishes = closes + timedelta(days=2, hours=9)
        rounds.append(
            create_round(
                name=f"Edisi {k}",
                opens_at=opens,
                closes_at=closes,
                publishes_at=publishes,
                quota=10,
                edition=k,
                actor=admin,
                now=opens - timedelta(days=7),
            )
        )
    published, open_round = rounds[:3], rounds[3]

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
                is_halal=cat in ("makanan", "minuman"),
                has_pirt=cat == "makanan",
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
    for r_index, rnd in enumerate(published):
        for n in range(PUBLIC_PER_ROUND):
            business = businesses[(n + r_index * 5) % len(businesses)]
            product = PRODUCTS[(n * 7 + r_index * 3) % len(PRODUCTS)]
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
                PRODUCTS[(n + 11) % len(PRODUCTS)],
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
    for n in range(QUEUED):
        business = businesses[(n * 2) % len(businesses)]
        at = open_round.opens_at + timedelta(hours=2 + n * 2)
        if at >= now:
            at = now - timedelta(minutes=30 - n)
        add_listing(business, open_round, PRODUCTS[(n * 5 + 1) % len(PRODUCTS)], at)
        queued += 1
    # a draft the Pamulang coordinator is still preparing
    pamulang = next(b for b in businesses if b.community_id == members[2].community_id)
    add_listing(pamulang, open_round, PRODUCTS[3], now - timedelta(minutes=10), submit=False)
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
            length=listing_count(), label="Data demo", show_pos=True, width=30
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
