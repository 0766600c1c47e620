"""How long the Instagram kit takes: one listing slide, the cover, and a whole ZIP.

Draws on synthetic data (no database), so it runs anywhere:
    .venv/bin/python bench/kit_bench.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from marketplace.instagram.slides import (  # noqa: E402
    Brand,
    CoverCard,
    ListingCard,
    render_cover,
    render_listing,
)

BRAND = Brand("Dinas Koperasi dan UMKM Kota Tangerang Selatan", "#0E4D92", "#F9B233", "#FFFFFF")
TITLE_80 = "Keripik Singkong Balado Pedas Manis Khas Pamulang Resep Nenek Asli Tanpa Pengawet"[:80]


def main() -> None:
    photo = Image.new("RGB", (1080, 810), (200, 120, 40))
    render_listing(
        ListingCard("warm-up", "Rp1", "x", "y", "0812", "Edisi 1", photo), BRAND
    )  # fonts load once
    times = []
    for i in range(20):
        t = time.perf_counter()
        render_listing(
            ListingCard(
                TITLE_80 if i % 2 else f"Kopi Robusta {i}",
                "Rp15.000",
                "Keripik Bu Sri",
                "Pamulang",
                "0813-3000-4100",
                "Edisi 14",
                photo,
            ),
            BRAND,
        ).jpeg()
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    render_cover(
        CoverCard(
            "Etalase UMKM Tangsel",
            "Edisi 14 · 12 Januari 2026",
            "45 produk",
            "#UMKMTangsel",
            [photo] * 4,
        ),
        BRAND,
    ).jpeg()
    cover = time.perf_counter() - t
    t = time.perf_counter()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(45):
            zf.writestr(
                f"{i:02d}.jpg",
                render_listing(
                    ListingCard(
                        TITLE_80,
                        "Rp15.000",
                        "Keripik Bu Sri",
                        "Pamulang",
                        "0813-3000-4100",
                        "Edisi 14",
                        photo,
                    ),
                    BRAND,
                ).jpeg(),
            )
    whole = time.perf_counter() - t
    print(
        f"listing slide (draw + JPEG): median {statistics.median(times) * 1000:.0f} ms "
        f"over {len(times)}"
    )
    print(f"cover slide: {cover * 1000:.0f} ms")
    print(f"45 slides into a ZIP: {whole:.2f} s, {len(buf.getvalue()) / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
