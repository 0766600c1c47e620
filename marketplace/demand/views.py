"""The staff board "Dicari pembeli" (``/staff/dicari``): unmet and thin searches per round,
CSV, and the "beri tahu komunitas" action. Staff only; the action is a POST with CSRF."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import staff_only
from ..clock import now
from ..errors import DomainError
from ..extensions import db
from ..reference import queries as reference
from ..spreadsheets import safe_cell
from . import bp
from .board import board, published_rounds
from .notify import notify_communities


@bp.before_request
def require_staff():
    """Deny by default: anonymous → login, anyone but staff → 404."""
    return staff_only()


def _chosen():
    """(round, previous round, rounds) from ``?periode=<id>`` (default: the newest)."""
    rounds = published_rounds(now())
    if not rounds:
        return None, None, rounds
    wanted = request.values.get("periode", type=int)
    index = next((i for i, r in enumerate(rounds) if r.id == wanted), 0)
    if wanted is not None and rounds[index].id != wanted:
        abort(404)
    previous = rounds[index + 1] if index + 1 < len(rounds) else None
    return rounds[index], previous, rounds


def _filters():
    return {
        "category": (request.args.get("kategori") or "").strip().lower()[:60] or None,
        "district": (request.args.get("kecamatan") or "").strip().lower()[:60] or None,
    }


@bp.route("/")
def board_page():
    rnd, previous, rounds = _chosen()
    data = board(rnd, previous, now(), **_filters()) if rnd else None
    return render_template(
        "demand/board.html",
        data=data,
        previous=previous,
        rounds=rounds,
        filters=_filters(),
        categories=reference.categories(),
        districts=reference.districts(),
    )


@bp.route("/dicari.csv")
def board_csv():
    rnd, previous, _rounds = _chosen()
    if rnd is None:
        abort(404)
    data = board(rnd, previous, now(), **_filters())
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["periode", "pencarian", "jenis", "tanpa_hasil", "1_5_hasil", "semua", "tren"])
    for kind, rows in (("tanpa hasil", data.unmet), ("sedikit hasil", data.thin)):
        for row in rows:
            q = row.now
            writer.writerow(
                [
                    safe_cell(v)
                    for v in (rnd.title, q.query, kind, q.unmet, q.thin, q.searches, row.trend)
                ]
            )
    return Response(
        buf.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="dicari-{rnd.id}.csv"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/beritahu", methods=["POST"])
def notify():
    rnd, _previous, _rounds = _chosen()
    if rnd is None:
        abort(404)
    query = (request.form.get("q") or "").strip()[:200]
    category = (request.form.get("kategori") or "").strip().lower()[:60] or None
    try:
        sent = notify_communities(query, rnd, current_user, now(), category)
    except DomainError as e:
        flash(e.message, "error")
        return redirect(url_for(".board_page", periode=rnd.id))
    db.session.commit()
    return render_template(
        "demand/notified.html",
        sent=sent,
        round=rnd,
        whatsapp_text=quote(sent.message),
    )
