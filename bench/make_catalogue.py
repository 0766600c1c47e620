"""Build a benchmark database: 100,000 public listings of real-looking Indonesian products.

The schema comes from the real migrations (so the search index and its triggers are the
production ones); rows are bulk-inserted through SQLAlchemy Core in one transaction, which
is fine for a generator (the services are what the tests exercise). Deterministic (seeded).

    70 communities, 4,000 businesses over the seven districts, 26 published rounds
    (Edisi 1-26), 100,000 approved listings with a cover photo (600 shared images with
    w320/w640/w1080/ig1080 variant rows; no image bytes are stored), ~15% without price.

Usage: ``.venv/bin/python bench/make_catalogue.py [PATH] [--listings 100000]
[--database-url postgresql+psycopg://…]`` (default PATH: ``bench/out/catalogue.sqlite3``; an
existing file is replaced; with ``--database-url`` the PostgreSQL database is emptied and built
instead, its instance folder beside PATH).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PATH = ROOT / "bench" / "out" / "catalogue.sqlite3"
T_NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)

PRODUCTS = {
    "makanan": [
        "Keripik Singkong",
        "Keripik Pisang",
        "Keripik Tempe",
        "Rempeyek Kacang",
        "Dodol Betawi",
        "Kue Kering Nastar",
        "Kue Putri Salju",
        "Sambal Roa",
        "Sambal Bawang",
        "Rendang Daging",
        "Abon Sapi",
        "Bakso Beku",
        "Siomay Ikan",
        "Pempek Kapal Selam",
        "Lapis Legit",
        "Brownies Kukus",
        "Roti Sobek",
        "Makaroni Pedas",
        "Basreng",
        "Seblak Kering",
        "Kerupuk Kulit",
        "Opak Ketan",
        "Kacang Bawang",
        "Bolu Pandan",
        "Risoles Beku",
    ],
    "minuman": [
        "Kopi Robusta",
        "Kopi Arabika Gayo",
        "Teh Telang",
        "Jamu Kunyit Asam",
        "Wedang Jahe",
        "Sirup Markisa",
        "Es Kopi Susu",
        "Bandrek",
        "Susu Kedelai",
        "Cold Brew",
    ],
    "fesyen": [
        "Batik Tulis",
        "Batik Cap",
        "Kemeja Batik",
        "Hijab Segi Empat",
        "Gamis Katun",
        "Tas Rajut",
        "Sepatu Kulit",
        "Dompet Kulit",
        "Kaos Sablon",
        "Topi Anyaman",
    ],
    "kerajinan": [
        "Tas Anyaman Pandan",
        "Keranjang Rotan",
        "Vas Keramik",
        "Gantungan Kunci Kayu",
        "Lampu Hias Bambu",
        "Tempat Tisu Kayu",
        "Bros Manik",
        "Sarung Bantal Sulam",
    ],
    "kesehatan": [
        "Minyak Kayu Putih",
        "Madu Hutan",
        "Herbal Temulawak",
        "Minyak Urut",
        "Sabun Sereh",
    ],
    "kecantikan": [
        "Sabun Susu Kambing",
        "Lulur Bengkoang",
        "Masker Beras",
        "Lip Balm Lebah",
        "Minyak Kemiri",
    ],
    "pertanian": [
        "Bibit Cabai",
        "Pupuk Kompos",
        "Beras Organik",
        "Jahe Merah",
        "Sayur Hidroponik",
        "Telur Ayam Kampung",
    ],
    "jasa": [
        "Jahit Kebaya",
        "Servis Mesin Cuci",
        "Katering Nasi Kotak",
        "Sablon Kaos",
        "Les Mengaji",
    ],
}
FLAVOURS = [
    "Balado",
    "Pedas",
    "Original",
    "Manis",
    "Gurih",
    "Keju",
    "Cokelat",
    "Pandan",
    "Level 5",
    "Jumbo",
    "Mini",
    "Premium",
    "Spesial",
    "Asli",
    "Homemade",
    "Tanpa Pengawet",
    "Rumahan",
]
UNITS = ["pcs", "pack", "kg", "botol", "toples", "box", "lusin"]
PHRASES = [
    "Dibuat setiap hari dari bahan pilihan.",
    "Tanpa pengawet dan pewarna buatan.",
    "Cocok untuk oleh-oleh dan camilan keluarga.",
    "Pesan sehari sebelumnya untuk jumlah banyak.",
    "Resep turun-temurun dari nenek.",
    "Dikemas rapi, aman dikirim ke luar kota.",
    "Bisa COD di sekitar Tangerang Selatan.",
    "Sudah dipercaya pelanggan sejak 2015.",
    "Rasa gurih renyah, bikin nagih.",
    "Produk lokal buatan ibu-ibu PKK.",
    "Tersedia ukuran kecil dan besar.",
    "Harga grosir untuk reseller.",
    "Bahan alami dari petani sekitar.",
    "Halal dan higienis, dapur bersertifikat P-IRT.",
]
OWNERS = [
    "Bu Sri",
    "Bu Tini",
    "Bu Ani",
    "Pak Budi",
    "Mas Joko",
    "Mbak Rina",
    "Bu Yati",
    "Pak Asep",
    "Teh Euis",
    "Bu Nur",
    "Kak Dewi",
    "Uda Rahmat",
    "Mak Ijah",
    "Bang Hasan",
    "Bu Lilis",
]
PLACES = ["Dapur", "Warung", "Rumah", "Kedai", "Toko", "Griya", "Saung", "Pawon"]


def build(
    path: Path, n_listings: int = 100_000, seed: int = 14, database_url: str | None = None
) -> dict:
    """Create ``path`` (or the PostgreSQL database ``database_url``, emptied first) from the
    migrations and fill it. Returns counts and seconds."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.catalogue.models import CacheState
    from marketplace.clock import FixedClock
    from marketplace.extensions import db

    rng = random.Random(seed)
    started = time.perf_counter()
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    if database_url:
        engine = sa.create_engine(database_url)
        with engine.begin() as conn:  # an empty schema for the migrations
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    app = create_app(
        {
            "DATABASE_URL": database_url or f"sqlite:///{path}",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(path.parent / "instance"),
            "CLOCK": FixedClock(T_NOW),
        }
    )
    with app.app_context():
        upgrade()
        from marketplace.auth.models import Community
        from marketplace.listings.models import Business, Listing, Permit, PermitKind, Photo
        from marketplace.media.models import Image, ImageVariant
        from marketplace.reference.models import Category, District
        from marketplace.rounds.models import Round

        conn = db.session.connection()
        districts = dict(conn.execute(sa.select(District.slug, District.id)).all())
        categories = dict(conn.execute(sa.select(Category.slug, Category.id)).all())
        district_ids = list(districts.values())

        rounds = []
        for i in range(26):  # Edisi 1..26, a round every 14 days, the last published 1 day ago
            publishes = T_NOW - timedelta(days=1 + 14 * (25 - i))
            rounds.append(
                {
                    "edition": i + 1,
                    "name": f"Edisi {i + 1}",
                    "opens_at": publishes - timedelta(days=12),
                    "closes_at": publishes - timedelta(days=5),
                    "publishes_at": publishes,
                    "showcase_ends_at": publishes + timedelta(days=14),
                    "quota_per_community": 10,
                    "created_at": publishes - timedelta(days=20),
                }
            )
        conn.execute(sa.insert(Round), rounds)
        round_rows = conn.execute(
            sa.select(Round.id, Round.publishes_at).order_by(Round.edition)
        ).all()

        communities = [
            {
                "name": f"Komunitas UMKM {name} {i + 1}",
                "slug": f"komunitas-{slug}-{i + 1}",
                "district_id": districts[slug],
                "description": "Paguyuban pelaku usaha mikro.",
                "contact_name": "Koordinator",
                "status": "verified",
                "created_at": T_NOW,
                "verified_at": T_NOW,
            }
            for i, (slug, name) in enumerate(
                (s, s.replace("-", " ").title()) for s in list(districts) * 10
            )
        ]
        conn.execute(sa.insert(Community), communities)
        community_rows = conn.execute(sa.select(Community.id, Community.district_id)).all()

        businesses = []
        for i in range(4000):
            cid, did = community_rows[i % len(community_rows)]
            owner = rng.choice(OWNERS)
            businesses.append(
                {
                    "community_id": cid,
                    "name": f"{rng.choice(PLACES)} {owner} {i + 1}",
                    "owner_name": owner,
                    "district_id": did if rng.random() < 0.8 else rng.choice(district_ids),
                    "whatsapp": f"+62812{rng.randrange(10**7, 10**8)}",
                    "story": rng.choice(PHRASES),
                    "created_at": T_NOW,
                    "updated_at": T_NOW,
                }
            )
        conn.execute(sa.insert(Business), businesses)
        business_rows = conn.execute(sa.select(Business.id, Business.community_id)).all()
        permits = [  # checked permits (badges): halal 40 %, P-IRT 30 %, NIB 50 % of businesses
            {
                "business_id": bid,
                "kind": PermitKind(kind),
                "number": f"{kind.upper()}-{bid}",
                "expires_on": None,
                "checked_at": T_NOW - timedelta(days=30),
                "created_at": T_NOW - timedelta(days=60),
                "updated_at": T_NOW - timedelta(days=30),
            }
            for bid, _cid in business_rows
            for kind, share in (("halal", 0.4), ("pirt", 0.3), ("nib", 0.5))
            if rng.random() < share
        ]
        conn.execute(sa.insert(Permit), permits)

        images = [
            {"width": 1080, "height": 1080, "source_format": "JPEG", "created_at": T_NOW}
            for _ in range(600)
        ]
        conn.execute(sa.insert(Image), images)
        image_ids = [r[0] for r in conn.execute(sa.select(Image.id))]
        variants = []
        for iid in image_ids:
            for name, width, ctype, size in (
                ("w320", 320, "image/webp", 14_000),
                ("w640", 640, "image/webp", 38_000),
                ("w1080", 1080, "image/webp", 82_000),
                ("ig1080", 1080, "image/jpeg", 160_000),
            ):
                variants.append(
                    {
                        "image_id": iid,
                        "name": name,
                        "backend": "local",
                        "key": f"bench/{iid}/{name}.{'jpg' if ctype == 'image/jpeg' else 'webp'}",
                        "content_type": ctype,
                        "size": size,
                        "checksum": "0" * 64,
                        "width": width,
                        "height": width,
                    }
                )
        conn.execute(sa.insert(ImageVariant), variants)

        cats = list(PRODUCTS)
        listings = []
        for n in range(n_listings):
            bid, cid = business_rows[rng.randrange(len(business_rows))]
            cat = rng.choices(cats, weights=[40, 15, 12, 10, 6, 6, 6, 5])[0]
            product = rng.choice(PRODUCTS[cat])
            title = f"{product} {rng.choice(FLAVOURS)}"
            rid, publishes = round_rows[min(25, int(rng.random() ** 0.5 * 26))]
            approved = publishes - timedelta(seconds=rng.randrange(1, 5 * 86400))
            price = None if rng.random() < 0.15 else rng.randrange(5, 500) * 1000
            listings.append(
                {
                    "business_id": bid,
                    "community_id": cid,
                    "round_id": rid,
                    "category_id": categories[cat],
                    "title": title,
                    "description": " ".join(rng.sample(PHRASES, 3)),
                    "price": price,
                    "unit": rng.choice(UNITS),
                    "status": "approved",
                    "version": 3,
                    "created_at": approved - timedelta(days=3),
                    "updated_at": approved,
                    "submitted_at": approved - timedelta(days=2),
                    "decided_at": approved,
                    "approved_at": approved,
                }
            )
            if len(listings) == 20_000 or n == n_listings - 1:  # in chunks: 1M fit in memory
                conn.execute(sa.insert(Listing), listings)
                listings = []
                if n_listings >= 500_000 and (n + 1) % 100_000 == 0:
                    print(f"  {n + 1:,} listings", file=sys.stderr, flush=True)
        listing_ids = [r[0] for r in conn.execute(sa.select(Listing.id))]
        for start in range(0, len(listing_ids), 50_000):
            photos = [
                {"listing_id": lid, "image_id": image_ids[lid % len(image_ids)], "position": 0}
                for lid in listing_ids[start : start + 50_000]
            ]
            conn.execute(sa.insert(Photo), photos)
        conn.execute(sa.update(CacheState).values(generation=CacheState.generation + 1))
        db.session.commit()
        conn = db.session.connection()
        if db.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("INSERT INTO listing_search(listing_search) VALUES ('optimize')")
        else:
            conn.exec_driver_sql("ANALYZE")
        db.session.commit()
        db.engine.dispose()
    return {"listings": n_listings, "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--database-url", help="build in this PostgreSQL database instead")
    args = parser.parse_args()
    result = build(Path(args.path), args.listings, database_url=args.database_url)
    print(f"built {args.path}: {result['listings']} listings in {result['seconds']} s")


if __name__ == "__main__":
    main()
