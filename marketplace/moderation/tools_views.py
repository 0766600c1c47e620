"""More staff pages on the moderation blueprint: bulk approve with a confirmation step,
permit checks, the audit log (filters and CSV export) and the preset reasons admins edit.

Registered by importing this module from ``moderation/__init__.py``; the blueprint's
``require_staff`` guard (views.py) covers every route here too.
"""
from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import AuditEvent
from ..errors import add_errors
from ..clock import now
from ..errors import DomainError, FormErrors
from ..security import page_arg
from ..extensions import db
from ..listings.models import Listing
from ..notifications import latest_for_listing, send_email
from ..rounds.models import Round
from . import bp
from .forms import ConfirmBulkForm, PermitForm, ReasonForm
from .models import ModerationReason
from .services import (AuditFilter, all_reasons, audit_actions, audit_csv_rows, audit_query,
                       bulk_approve, bulk_selection, communities_by_id, decision_email, save_reason,
                       set_permits_checked, users_by_id)

AUDIT_PER_PAGE = 100


def _staff():
    return current_user._get_current_object()


def send_decision_emails(listings: list[Listing]) -> int:
    """After the commit: e-mail each listing's latest notification to its community's
    members (when SMTP is configured). Returns how many e-mails went out."""
    sent = 0
    for listing in listings:
        notice = latest_for_listing(listing.id)
        if notice is not None:
            sent += send_email(*decision_email(listing, notice.message))
    return sent


# --- bulk approve ---------------------------------------------------------------------------------

def _picked() -> dict[int, int]:
    """``pilih-<id>`` = version pairs from the form (each name once: repeats are refused)."""
    out = {}
    for name, value in request.form.items():
        if name.startswith("pilih-"):
            raw_id = name[len("pilih-"):]
            if raw_id.isdigit() and value.isdigit() and len(raw_id) < 10 and len(value) < 10:
                out[int(raw_id)] = int(value)
    return out


@bp.route("/moderasi/<int:round_id>/setujui-massal", methods=["POST"])
def bulk_approve_view(round_id: int):
    """Step 1 (no ``confirm``): show the picked listings and ask. Step 2: approve each at the
    version the moderator saw; changed or already decided ones are reported, not approved."""
    rnd = db.get_or_404(Round, round_id)
    form = ConfirmBulkForm()
    if not form.validate_on_submit():
        abort(400)
    selection = bulk_selection(rnd.id, _picked())
    back = url_for(".queue", round_id=rnd.id, **{k: v for k, v in request.args.items() if k != "page"})
    if not selection:
        flash(_("Pilih dulu produk yang akan disetujui."), "warning")
        return redirect(back)
    if not form.confirm.data:
        return render_template("moderation/bulk_confirm.html", rnd=rnd, selection=selection, form=form,
                               back=back)
    result = bulk_approve(selection, moderator=_staff(), now=now())
    db.session.commit()
    send_decision_emails(result.approved)
    if result.approved:
        flash(_("%(n)s produk disetujui.", n=len(result.approved)), "success")
    for listing, message in result.refused:
        flash(_("\"%(title)s\" tidak disetujui: %(why)s", title=listing.title, why=message), "warning")
    return redirect(back)


# --- permits ----------------------------------------------------------------------------------------

@bp.route("/moderasi/produk/<int:listing_id>/izin", methods=["POST"])
def permits(listing_id: int):
    """Mark the business's permit numbers checked (badges on the public pages) or not."""
    listing = db.get_or_404(Listing, listing_id)
    form = PermitForm()
    if not form.validate_on_submit():
        abort(400)
    business = listing.business
    set_permits_checked(business, {"nib_checked": form.nib_checked.data, "pirt_checked": form.pirt_checked.data,
                                   "halal_checked": form.halal_checked.data}, actor=_staff(), now=now())
    db.session.commit()
    flash(_("Pemeriksaan izin %(name)s tersimpan.", name=business.name), "success")
    return redirect(url_for(".review", listing_id=listing.id,
                            **{k: v for k, v in request.args.items() if k in ("komunitas", "kecamatan",
                                                                               "kategori", "status")}))


# --- the audit log ------------------------------------------------------------------------------------

@bp.route("/audit")
def audit_log():
    flt = AuditFilter.from_args(request.args)
    page = db.paginate(audit_query(flt), page=page_arg(),
                       per_page=AUDIT_PER_PAGE, error_out=False, count=True)
    events: list[AuditEvent] = list(page.items)
    args = flt.args()
    return render_template(
        "moderation/audit.html", page=page, events=events, flt=flt, filter_args=args,
        actors=users_by_id(e.actor_id for e in events), comms=communities_by_id(e.community_id for e in events),
        actions=audit_actions(), communities=communities_by_id(
            cid for (cid,) in db.session.execute(db.select(AuditEvent.community_id).distinct())),
        prev_url=url_for(".audit_log", page=page.prev_num, **args) if page.has_prev else None,
        next_url=url_for(".audit_log", page=page.next_num, **args) if page.has_next else None)


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
    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})


# --- preset reasons (admins edit; moderators read) -------------------------------------------------------

@bp.route("/alasan", methods=["GET", "POST"])
@bp.route("/alasan/<int:reason_id>", methods=["GET", "POST"])
def reasons(reason_id: int | None = None):
    reason = db.get_or_404(ModerationReason, reason_id) if reason_id else None
    form = ReasonForm(obj=reason)
    if request.method == "POST":
        if not current_user.is_admin:
            abort(403)
        if form.validate_on_submit():
            try:
                saved = save_reason(reason, label=form.label.data, explanation=form.explanation.data,
                                    sort_order=form.sort_order.data or 0, is_active=form.is_active.data,
                                    actor=_staff(), now=now())
            except FormErrors as exc:
                db.session.rollback()
                add_errors(form, exc.errors)
            except DomainError as exc:
                db.session.rollback()
                flash(exc.message, "error")
            else:
                db.session.commit()
                flash(_("Alasan \"%(label)s\" tersimpan.", label=saved.label), "success")
                return redirect(url_for(".reasons"))
        status = 400
    else:
        status = 200
    return render_template("moderation/reasons.html", reasons=all_reasons(), form=form, reason=reason), status
