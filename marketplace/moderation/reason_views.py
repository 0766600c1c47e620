"""Staff pages for the preset reasons: admins add and edit them, moderators read them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..errors import DomainError, FormErrors, add_errors
from ..extensions import db
from . import bp
from .access import current_staff
from .forms import ReasonForm
from .models import ModerationReason
from .reasons import all_reasons, save_reason


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
                saved = save_reason(
                    reason,
                    label=form.label.data,
                    explanation=form.explanation.data,
                    sort_order=form.sort_order.data or 0,
                    is_active=form.is_active.data,
                    actor=current_staff(),
                    now=now(),
                )
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
    return render_template(
        "moderation/reasons.html", reasons=all_reasons(), form=form, reason=reason
    ), status
