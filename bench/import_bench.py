"""Bulk import benchmark: a coordinator imports 10,000 businesses from a spreadsheet.

Prints, measured in this run on this machine:

    import_10k_s: <upload + dry run + confirm of a 10,000-row CSV, seconds (aim: under 60)>
    import_10k_dry_run_s: <the dry run alone (read, judge every row, sign the rows)>
    import_10k_xlsx_s: <the same 10,000 rows as XLSX into a second community, seconds>
    import_10k_again_s: <the CSV once more: every row matched, nothing changed, seconds>

In process through Flask's test client (the real views, forms, CSRF off), on a fresh SQLite
file built from the migrations in a temporary folder; 1 in 50 rows carries a bad phone
number so refusals are judged too. Nothing listens on a port.

Usage: ``.venv/bin/python bench/import_bench.py [--rows 10000]``
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISTRICTS = ["Pamulang", "Ciputat", "Serpong", "Setu", "Pondok Aren", "Ciputat Timur"]
HEADER = ["nama_usaha", "nama_pemilik", "kecamatan", "whatsapp", "instagram", "cerita"]


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(n):
        phone = "12345" if i % 50 == 7 else f"0812{i:08d}"
        out.append(
            [
                f"Usaha Nomor {i}",
                f"Pemilik {i}",
                DISTRICTS[i % len(DISTRICTS)],
                phone,
                f"@usaha_{i}",
                "Produk rumahan yang dibuat setiap hari. " * 2,
            ]
        )
    return out


def as_csv(data: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(data)
    return out.getvalue().encode("utf-8")


def as_xlsx(data: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for r in data:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_import(client, data: bytes, name: str) -> tuple[float, float]:
    """(total seconds, dry-run seconds) of one upload and its confirmation."""
    started = time.perf_counter()
    r = client.post(
        "/portal/usaha/impor",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    dry = time.perf_counter() - started
    page = r.get_data(as_text=True)
    if r.status_code != 200:
        raise RuntimeError(f"dry run answered {r.status_code}")
    match = re.search(r'name="rows" type="hidden" value="([^"]+)"', page)
    if match:
        r = client.post("/portal/usaha/impor/simpan", data={"rows": match.group(1)})
        if r.status_code != 302:
            raise RuntimeError(f"confirmation answered {r.status_code}")
    return time.perf_counter() - started, dry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    import sqlalchemy as sa
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from marketplace import create_app
    from marketplace.auth.models import Community, CommunityStatus, Role, User
    from marketplace.clock import FixedClock
    from marketplace.extensions import db
    from marketplace.listings.models import Business
    from marketplace.reference.models import District

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/import.sqlite3",
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": f"{tmp}/instance",
                "MEDIA_ROOT": f"{tmp}/media",
                "CLOCK": FixedClock(datetime(2026, 12, 2, 3, 0, tzinfo=UTC)),
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            }
        )
        with app.app_context():
            upgrade()
            district = db.session.execute(sa.select(District).limit(1)).scalar_one()
            users = []
            for slug in ("bench-a", "bench-b"):
                c = Community(
                    name=slug, slug=slug, district=district, status=CommunityStatus.VERIFIED
                )
                u = User(
                    email=f"{slug}@contoh.id",
                    name=slug,
                    role=Role.MEMBER,
                    community=c,
                    is_coordinator=True,
                    password_hash=generate_password_hash("kata sandi bench", "pbkdf2:sha256:1"),
                )
                db.session.add_all([c, u])
                users.append(u.email)
            db.session.commit()

        data = rows(args.rows)
        clients = []
        for email in users:
            client = app.test_client()
            r = client.post("/masuk", data={"email": email, "password": "kata sandi bench"})
            if r.status_code != 302:
                raise RuntimeError("login failed")
            clients.append(client)
        total, dry = run_import(clients[0], as_csv(data), "usaha.csv")
        xlsx, _dry = run_import(clients[1], as_xlsx(data), "usaha.xlsx")
        again, _dry = run_import(clients[0], as_csv(data), "usaha.csv")
        with app.app_context():
            count = db.session.execute(sa.select(sa.func.count(Business.id))).scalar_one()
        expected = 2 * (args.rows - sum(1 for r in data if r[3] == "12345"))
        if count != expected:
            raise RuntimeError(f"{count} businesses written, expected {expected}")
    label = f"{args.rows // 1000}k" if args.rows % 1000 == 0 else str(args.rows)
    print(f"import_{label}_s: {total:.2f}")
    print(f"import_{label}_dry_run_s: {dry:.2f}")
    print(f"import_{label}_xlsx_s: {xlsx:.2f}")
    print(f"import_{label}_again_s: {again:.2f}")


if __name__ == "__main__":
    main()
