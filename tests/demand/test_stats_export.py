"""Round statistics join up: the round page shows searches, zero-result share and the top
unmet queries; ``flask stats export --round N`` writes the province-report CSV."""

from __future__ import annotations

import csv
import io

from marketplace.extensions import db
from marketplace.listings.models import ListingStatus
from tests.builders import make_business, make_community, make_listing, make_published_round
from tests.demand.test_board import _shoppers


def test_round_page_shows_searches_and_top_unmet(app, client, as_staff):
    rnd = make_published_round()
    db.session.commit()
    _shoppers(app, client, "masker kain", 3)
    _shoppers(app, client, "nama orang", 2)
    html = as_staff.get(f"/staff/statistik/{rnd.id}").get_data(as_text=True)
    assert "5 pencarian" in html
    assert "masker kain" in html and "nama orang" not in html


def test_stats_export_writes_the_province_report(app, client, tmp_path):
    earlier = make_published_round(days_ago=20)
    rnd = make_published_round(days_ago=3)
    earlier.edition, rnd.edition = 13, 14
    community = make_community(district_slug="pamulang")
    old, new = make_business(community, "Batik Lama"), make_business(community, "Jahit Baru")
    make_listing(ListingStatus.APPROVED, business=old, rnd=earlier, category_slug="fesyen")
    for business in (old, new):
        make_listing(ListingStatus.APPROVED, business=business, rnd=rnd, category_slug="fesyen")
    make_listing(ListingStatus.REJECTED, business=new, rnd=rnd, category_slug="fesyen")
    db.session.commit()
    _shoppers(app, client, "masker kain", 3, kategori="fesyen", kecamatan="pamulang")
    _shoppers(app, client, "batik", 1, kategori="fesyen", kecamatan="serpong")

    out = tmp_path / "laporan.csv"
    result = app.test_cli_runner().invoke(args=["stats", "export", "--round", "14", "--out", out])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    by_place = {r["kecamatan"]: r for r in rows}
    pamulang = by_place["Pamulang"]
    assert (pamulang["periode"], pamulang["kategori"]) == ("Edisi 14", "Fesyen")
    assert pamulang["produk"] == "2" and pamulang["umkm_dipromosikan"] == "2"
    assert (pamulang["umkm_baru"], pamulang["umkm_kembali"]) == ("1", "1")
    assert (pamulang["pencarian"], pamulang["pencarian_tanpa_hasil"]) == ("3", "3")
    assert by_place["Serpong"]["produk"] == "0" and by_place["Serpong"]["pencarian"] == "1"
    missing = app.test_cli_runner().invoke(args=["stats", "export", "--round", "99"])
    assert missing.exit_code != 0 and "tidak ditemukan" in missing.output
