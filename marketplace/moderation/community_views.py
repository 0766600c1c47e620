"""Staff pages for communities: the list, one community, verify and suspend."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth.models import Community, CommunityStatus
from ..clock import now
from ..errors import DomainError, FormErrors
from ..extensions import db
from . import bp
from .access import current_staff
from .communities import communities, community_detail, suspend_community, verify_community
from .forms import SuspendForm, VerifyForm
from .notices import latest_community_notice, send_notice


@bp.route("/komunitas")
def communities_list():
    raw = request.args.get("status", "")
    try:
        status = CommunityStatus(raw) if raw else None
    except ValueError:
        status = None
    return render_template(
        "moderation/communities.html",
        rows=communities(status),
        status=status,
        statuses=list(CommunityStatus),
    )


@bp.route("/komunitas/<int:community_id>")
def community(community_id: int):
    c = db.get_or_404(Community, community_id)
    return _render_community(c, VerifyForm(), SuspendForm())


def _render_community(c: Community, verify_form, suspend_form, status: int = 200):
    return render_template(
        "moderation/community.html",
        c=c,
        detail=community_detail(c),
        verify_form=verify_form,
        suspend_form=suspend_form,
        notice=latest_community_notice(c),
    ), status


def _community_action(community_id: int, form, change, field: str, done: str):
    """Verify or suspend: one POST shape. ``change(c, text)`` is the service call, ``field``
    the form field its FormErrors belong to, ``done(c)`` the flash on success."""
    c = db.get_or_404(Community, community_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        notice = change(c, getattr(form, field).data)
    except FormErrors as exc:
        db.session.rollback()
        getattr(form, field).errors = list(exc.errors.values())
        verify = form if isinstance(form, VerifyForm) else VerifyForm(formdata=None)
        suspend = form if isinstance(form, SuspendForm) else SuspendForm(formdata=None)
        return _render_community(c, verify, suspend, 400)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".community", community_id=community_id))
    db.session.commit()
    send_notice(notice)  # after the commit: the decision stands whatever SMTP does
    flash(done(c), "success")
    return redirect(url_for(".community", community_id=community_id))


@bp.route("/komunitas/<int:community_id>/verifikasi", methods=["POST"])
def community_verify(community_id: int):
    return _community_action(
        community_id,
        VerifyForm(),
        lambda c, note: verify_community(c, actor=current_staff(), now=now(), note=note),
        "note",
        lambda c: _("%(name)s sudah terverifikasi dan dapat mengajukan produk.", name=c.name),
    )


@bp.route("/komunitas/<int:community_id>/tangguhkan", methods=["POST"])
def community_suspend(community_id: int):
    return _community_action(
        community_id,
        SuspendForm(),
        lambda c, reason: suspend_community(c, actor=current_staff(), now=now(), reason=reason),
        "reason",
        lambda c: _("%(name)s ditangguhkan.", name=c.name),
    )
