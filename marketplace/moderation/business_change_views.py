"""Staff pages for pending business changes: the "Perubahan usaha" queue (old → new) and
the one-click approve or refuse with a reason."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..clock import now
from ..db import get_by_id
from ..errors import DomainError
from ..extensions import db
from ..listings.models import BusinessChange
from . import bp
from .access import current_staff
from .business_changes import decide_change, diff, pending_changes
from .forms import BusinessChangeForm
from .notices import send_notice


@bp.route("/perubahan-usaha")
def business_changes():
    """The queue, oldest first, each change with its diff and a decision form."""
    items = pending_changes()
    forms = {}
    for change in items:
        form = BusinessChangeForm(formdata=None, prefix=f"c{change.id}")
        form.version.data = change.version
        forms[change.id] = form
    return render_template(
        "moderation/business_changes.html",
        items=[(c, diff(c), forms[c.id]) for c in items],
    )


@bp.route("/perubahan-usaha/<int:change_id>", methods=["POST"])
def decide_business_change(change_id: int):
    change = get_by_id(BusinessChange, change_id)
    if change is None:
        abort(404)
    form = BusinessChangeForm(prefix=f"c{change.id}")
    if not form.validate_on_submit() or not (form.approve.data or form.refuse.data):
        abort(400)
    try:
        notice = decide_change(
            change,
            approve=bool(form.approve.data),
            version=form.version.data or 0,
            reason=form.reason.data or "",
            actor=current_staff(),
            now=now(),
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".business_changes"))
    name = change.business.name
    db.session.commit()
    send_notice(notice)  # after the commit
    flash(
        _("Perubahan %(name)s disetujui.", name=name)
        if form.approve.data
        else _("Perubahan %(name)s ditolak.", name=name),
        "success",
    )
    return redirect(url_for(".business_changes"))
