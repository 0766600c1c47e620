"""Staff pages for statistics: over time, per round, the communities overview, CSV files.

Every route needs staff (anonymous → login, members → 404). Read-only: nothing commits.
"""

from __future__ import annotations

import csv
import io

from flask import Response, render_template
from flask_babel import gettext as _

from ..auth.access import staff_only
from ..clock import now, to_wib
from ..extensions import db
from ..listings.state import status_label
from ..moderation.communities import community_status_label
from ..rounds.models import Round
from ..spreadsheets import safe_cell
from . import bp
from .export import round_demand
from .services import (
    approval_text,
    communities_overview,
    hours_text,
    outcome_chart,
    over_time,
    percent,
    round_report,
    rounds_so_far,
)

OVERVIEW_ROUNDS = 6


@bp.before_request
def require_staff():
    """Deny by default: anonymous → login, anyone but staff → 404."""
    return staff_only()


@bp.context_processor
def stats_helpers():
    return {
        "percent": percent,
        "approval_text": approval_text,
        "hours_text": hours_text,
        "status_label": status_label,
        "community_status_label": community_status_label,
    }


@bp.route("/")
def index():
    rows = over_time(now())
    chart = outcome_chart(
        _("Hasil moderasi per edisi"), [(r.title, c) for r, c in reversed(rows)], limit=26
    )
    return render_template("stats/index.html", rows=list(reversed(rows)), chart=chart)


@bp.route("/<int:round_id>")
def round_stats(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    report = round_report(rnd)
    charts = [
        (
            "district",
            _("Per kecamatan"),
            report.by_district,
            outcome_chart(_("%(round)s: per kecamatan", round=rnd.title), report.by_district),
        ),
        (
            "category",
            _("Per kategori"),
            report.by_category,
            outcome_chart(_("%(round)s: per kategori", round=rnd.title), report.by_category),
        ),
        (
            "community",
            _("Per komunitas"),
            report.by_community,
            outcome_chart(_("%(round)s: per komunitas", round=rnd.title), report.by_community),
        ),
    ]
    return render_template(
        "stats/round.html",
        rnd=rnd,
        report=report,
        chart_list=charts,
        taps_counted=report.total.taps is not None,
        demand=round_demand(rnd, now()),
    )


@bp.route("/komunitas")
def communities():
    rounds = rounds_so_far(now())[-OVERVIEW_ROUNDS:]
    return render_template(
        "stats/communities.html", rows=communities_overview(rounds), rounds=rounds
    )


# --- CSV ------------------------------------------------------------------------------------------


def _csv(filename: str, header: list[str], rows) -> Response:
    buf = io.StringIO()
    buf.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return Response(
        buf.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _rate(rate):
    return "" if rate is None else f"{rate:.4f}"


def _hours(h):
    return "" if h is None else f"{h:.2f}"


def _time(at):
    return to_wib(at).strftime("%Y-%m-%d %H:%M") if at else ""


@bp.route("/periode.csv")
def over_time_csv():
    header = [
        "edisi",
        "nama",
        "dibuka_wib",
        "diajukan",
        "disetujui",
        "diminta_perbaikan",
        "ditolak",
        "tingkat_persetujuan",
        "median_jam_keputusan",
        "ketukan_whatsapp",
    ]
    rows = [
        [
            r.edition or "",
            r.name,
            _time(r.opens_at),
            c.submitted,
            c.approved,
            c.changes_requested,
            c.rejected,
            _rate(c.approval_rate),
            _hours(c.median_hours),
            "" if c.taps is None else c.taps,
        ]
        for r, c in over_time(now())
    ]
    return _csv("statistik-periode.csv", header, rows)


@bp.route("/<int:round_id>.csv")
def round_csv(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    report = round_report(rnd)
    header = [
        "id_produk",
        "produk",
        "usaha",
        "komunitas",
        "kecamatan",
        "kategori",
        "status",
        "disetujui",
        "diminta_perbaikan",
        "ditolak",
        "pertama_diajukan_wib",
        "keputusan_pertama_wib",
        "median_jam_keputusan",
        "ketukan_whatsapp",
    ]
    rows = [
        [
            f.listing_id,
            f.title,
            f.business,
            f.community,
            f.district,
            f.category,
            f.status.value,
            int(f.approved),
            int(f.changes_requested),
            int(f.rejected),
            _time(f.first_submitted_at),
            _time(f.first_decided_at),
            _hours(f.median_hours),
            "" if f.taps is None else f.taps,
        ]
        for f in report.listings
    ]
    name = (
        f"statistik-edisi-{rnd.edition}.csv" if rnd.edition else f"statistik-periode-{rnd.id}.csv"
    )
    return _csv(name, header, rows)
