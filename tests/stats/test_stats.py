"""Round statistics against a hand-counted fixture, the CSV files, the pages (SVG charts
with the numbers beside them) and the communities overview."""

import csv
import io
from datetime import timedelta

import pytest

from marketplace.listings.models import ListingStatus
from marketplace.listings.state import transition
from marketplace.moderation.decisions import decide
from marketplace.stats.services import (
    communities_overview,
    facts,
    hours_text,
    over_time,
    percent,
    round_report,
)
from tests.builders import (
    make_business,
    make_community,
    make_listing,
    make_member,
    make_round,
    make_staff,
)

S = ListingStatus


@pytest.fixture
def fixture(app, db, clock):
    """Hand-counted round (times from T0, the clock's start):

    L1 Pamulang/makanan  submitted T0, approved T0+2h                      → approved, 2 h
    L2 Pamulang/makanan  submitted T0, changes T0+4h, resubmitted T0+5h,
                         approved T0+6h                         → changes+approved, 4 h and 1 h
    L3 Serpong/fesyen    submitted T0, rejected T0+10h                      → rejected, 10 h
    L4 Serpong/makanan   submitted T0, withdrawn T0+1h                      → submitted only
    L5 Pamulang/fesyen   draft                                              → not counted

    Total: 4 submitted, 2 approved, 1 changes requested, 1 rejected; rate 2/3;
    decision times 2, 4, 1, 10 h → median 3 h.
    """
    t0 = clock()
    rnd = make_round()
    staff = make_staff()
    a = make_community("Komunitas Pamulang", district_slug="pamulang")
    b = make_community("Komunitas Serpong", district_slug="serpong")
    ma, mb = make_member(a), make_member(b)
    ba, bb = make_business(a, "Usaha A"), make_business(b, "Usaha B")

    def listing(business, member, category, title):
        l = make_listing(S.DRAFT, business=business, rnd=rnd, category_slug=category, title=title)
        return l

    l1 = listing(ba, ma, "makanan", "L1")
    l2 = listing(ba, ma, "makanan", "L2")
    l3 = listing(bb, mb, "fesyen", "L3")
    l4 = listing(bb, mb, "makanan", "L4")
    listing(ba, ma, "fesyen", "L5")
    for l, m in ((l1, ma), (l2, ma), (l3, mb), (l4, mb)):
        transition(l, "submit", actor=m, now=t0)
    h = lambda n: t0 + timedelta(hours=n)  # noqa: E731
    decide(l1, "approve", moderator=staff, seen_version=l1.version, now=h(2))
    decide(
        l2,
        "request_changes",
        moderator=staff,
        seen_version=l2.version,
        reason_text="Foto buram",
        now=h(4),
    )
    transition(l2, "resubmit", actor=ma, now=h(5))
    decide(l2, "approve", moderator=staff, seen_version=l2.version, now=h(6))
    decide(
        l3, "reject", moderator=staff, seen_version=l3.version, reason_text="Bukan UMKM", now=h(10)
    )
    transition(l4, "withdraw", actor=mb, now=h(1))
    db.session.commit()
    return rnd


def test_round_figures_match_the_hand_count(fixture):
    report = round_report(fixture)
    t = report.total
    assert (t.submitted, t.approved, t.changes_requested, t.rejected) == (4, 2, 1, 1)
    assert t.approval_rate == pytest.approx(2 / 3)
    assert t.median_hours == pytest.approx(3.0)
    assert t.outcomes == {"approved": 2, "changes": 0, "rejected": 1, "waiting": 1}
    assert t.taps == 0  # nobody tapped yet

    by_district = {label: c for label, c in report.by_district}
    assert (
        by_district["Pamulang"].submitted,
        by_district["Pamulang"].approved,
        by_district["Pamulang"].changes_requested,
        by_district["Pamulang"].rejected,
    ) == (2, 2, 1, 0)
    assert by_district["Pamulang"].approval_rate == 1.0
    assert by_district["Pamulang"].median_hours == pytest.approx(2.0)
    assert (by_district["Serpong"].submitted, by_district["Serpong"].rejected) == (2, 1)
    assert by_district["Serpong"].approval_rate == 0.0
    assert by_district["Serpong"].median_hours == pytest.approx(10.0)

    by_category = {label: c for label, c in report.by_category}
    assert (by_category["Makanan"].submitted, by_category["Makanan"].approved) == (3, 2)
    assert (by_category["Fesyen"].submitted, by_category["Fesyen"].rejected) == (1, 1)
    by_community = {label: c for label, c in report.by_community}
    assert by_community["Komunitas Pamulang"].submitted == 2
    assert by_community["Komunitas Serpong"].approval_rate == 0.0


def test_over_time_and_formatting(fixture, db, clock):
    later = make_round(
        opens_at=clock() + timedelta(days=20), closes_at=clock() + timedelta(days=25)
    )
    db.session.commit()
    rows = over_time(clock())
    assert [r for r, _c in rows] == [fixture]  # the later round has not opened yet
    clock.advance(days=21)
    rows = over_time(clock())
    assert [r for r, _c in rows] == [fixture, later] and rows[1][1].submitted == 0
    assert rows[1][1].approval_rate is None
    assert percent(2 / 3) == "66,7%" and percent(None) == "—"
    assert (
        hours_text(3.0) == "3 jam"
        and hours_text(0.5) == "30 menit"
        and hours_text(50) == "2 hari 2 jam"
    )
    assert hours_text(None) == "—"


def test_round_csv(fixture, as_staff):
    r = as_staff.get(f"/staff/statistik/{fixture.id}.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert [row["produk"] for row in rows] == ["L1", "L2", "L3", "L4"]
    l2 = rows[1]
    assert (l2["disetujui"], l2["diminta_perbaikan"], l2["ditolak"]) == ("1", "1", "0")
    assert l2["median_jam_keputusan"] == "2.50" and l2["kecamatan"] == "Pamulang"
    assert rows[3]["status"] == "withdrawn" and rows[3]["keputusan_pertama_wib"] == ""
    assert rows[0]["ketukan_whatsapp"] == "0"
    assert rows[0]["pertama_diajukan_wib"] == "2026-12-02 10:00"


def test_over_time_csv(fixture, as_staff):
    r = as_staff.get("/staff/statistik/periode.csv")
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["diajukan"], row["disetujui"], row["diminta_perbaikan"], row["ditolak"]) == (
        "4",
        "2",
        "1",
        "1",
    )
    assert row["tingkat_persetujuan"] == "0.6667" and row["median_jam_keputusan"] == "3.00"


def test_whatsapp_taps_per_listing(fixture, db, as_staff):
    from datetime import date

    from marketplace.catalogue.models import WhatsappTap

    l1, l2 = (f.listing_id for f in facts([fixture.id])[:2])
    db.session.add_all(
        [
            WhatsappTap(listing_id=l1, day=date(2026, 12, 8), taps=3),
            WhatsappTap(listing_id=l1, day=date(2026, 12, 9), taps=2),
            WhatsappTap(listing_id=l2, day=date(2026, 12, 9), taps=1),
        ]
    )
    db.session.commit()
    report = round_report(fixture)
    assert report.total.taps == 6
    assert {f.title: f.taps for f in report.listings} == {"L1": 5, "L2": 1, "L3": 0, "L4": 0}
    assert dict(report.by_district)["Pamulang"].taps == 6
    rows = list(
        csv.DictReader(
            io.StringIO(as_staff.get(f"/staff/statistik/{fixture.id}.csv").data.decode("utf-8-sig"))
        )
    )
    assert [r["ketukan_whatsapp"] for r in rows] == ["5", "1", "0", "0"]


def test_csv_cells_never_run_as_formulas(app, db, as_staff, fixture):
    listing = facts([fixture.id])[0]
    from marketplace.listings.models import Listing

    db.session.get(Listing, listing.listing_id).title = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    text = as_staff.get(f"/staff/statistik/{fixture.id}.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_pages_draw_charts_with_numbers(fixture, as_staff):
    for url in (
        "/staff/statistik/",
        f"/staff/statistik/{fixture.id}",
        "/staff/statistik/komunitas",
    ):
        r = as_staff.get(url)
        assert r.status_code == 200, url
        assert "style=" not in r.text
    page = as_staff.get(f"/staff/statistik/{fixture.id}").text
    assert page.count("<svg role=\"img\"") == 3 and "<title" in page and "<desc" in page
    assert "66,7%" in page and "3 jam" in page and "Pamulang" in page
    assert "<table" in page and "Ketukan WA" in page


def test_communities_overview(fixture, db):
    rows = {r.community.name: r for r in communities_overview([fixture])}
    pamulang = rows["Komunitas Pamulang"]
    assert pamulang.members == 1 and pamulang.per_round[fixture.id].approved == 2
    assert pamulang.total.approval_rate == 1.0
    assert rows["Komunitas Serpong"].total.submitted == 2


def test_only_staff_reach_statistics(fixture, app, as_member):
    for url in (
        "/staff/statistik/",
        f"/staff/statistik/{fixture.id}",
        f"/staff/statistik/{fixture.id}.csv",
        "/staff/statistik/komunitas",
        "/staff/statistik/periode.csv",
    ):
        assert as_member.get(url).status_code == 404
        assert app.test_client().get(url).status_code == 302


def test_approval_rate_says_it_is_over_decided_listings(fixture, as_staff):
    """#17: 2 approved, 1 rejected, 1 withdrawn of 4 submitted reads "66,7% dari 3 diputus",
    never a bare rate that looks like a share of everything submitted."""
    from marketplace.stats.services import Counts, approval_text

    assert approval_text(Counts(submitted=15, approved=5)) == "100,0% dari 5 diputus"
    assert approval_text(Counts(submitted=3)) == "belum ada yang diputus"
    page = as_staff.get(f"/staff/statistik/{fixture.id}").text
    assert "Persetujuan (dari yang diputus)" in page
    assert "0/2 · 0,0% dari 1 diputus" in page  # Serpong: one rejected, one withdrawn
    assert "3 diputus · 1 belum" in page


def test_chart_labels_are_whole_and_left_aligned(app, db, clock):
    """#17: a long community name is drawn whole on its own line from x=0 (it was cut to 16
    characters and right-aligned into a 110-unit margin, so "…nunitas Usaha…" showed)."""
    from marketplace.stats.services import Counts, outcome_chart

    name = "Komunitas Usaha Pondok Aren Sejahtera"
    chart = outcome_chart("t", [(name, Counts(submitted=3, approved=1))])
    assert chart.rows[0].label == name and chart.label_width == 0
    with app.test_request_context():
        from flask import render_template_string

        svg = render_template_string(
            '{% import "stats/_chart.html" as c with context %}{{ c.chart(chart, "x") }}',
            chart=chart,
        )
    assert f'<text x="0" y="17" class="chart-label">{name}</text>' in svg
    assert 'text-anchor="end"' not in svg
