"""Staff pages for the audit trail: the filtered log and its CSV export."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template, request, stream_with_context, url_for

from ..audit import AuditEvent
from ..audit.queries import (
    AuditFilter,
    audit_actions,
    audit_csv_rows,
    audit_query,
    communities_by_id,
    users_by_id,
)
from ..clock import now
from ..extensions import db
from ..security import paginate_clamped
from . import bp
from .audit_objects import object_names

AUDIT_PER_PAGE = 100


@bp.route("/audit")
def audit_log():
    flt = AuditFilter.from_args(request.args)
    page = paginate_clamped(audit_query(flt), per_page=AUDIT_PER_PAGE)
    events: list[AuditEvent] = list(page.items)
    args = flt.args()
    return render_template(
        "moderation/audit.html",
        page=page,
        events=events,
        flt=flt,
        filter_args=args,
        actors=users_by_id(e.actor_id for e in events),
        comms=communities_by_id(e.community_id for e in events),
        names=object_names(events),
        actions=audit_actions(),
        communities=communities_by_id(
            cid for (cid,) in db.session.execute(db.select(AuditEvent.community_id).distinct())
        ),
        prev_url=url_for(".audit_log", page=page.prev_num, **args) if page.has_prev else None,
        next_url=url_for(".audit_log", page=page.next_num, **args) if page.has_next else None,
    )


@bp.route("/audit.csv")
def audit_csv():
    flt = AuditFilter.from_args(request.args)

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        buf.write("\ufeff")  # so spreadsheet programs read UTF-8
        for row in audit_csv_rows(flt):
            writer.writerow(row)
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()

    stamp = now().strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
