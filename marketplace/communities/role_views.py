"""The coordinator's role actions in the portal: hand the coordinator role to another
member, assign a business to a member."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import User
from ..clock import now
from ..errors import DomainError
from ..extensions import db
from ..listings.models import Business
from . import bp
from .forms import DecideForm
from .roles import assign_keeper, hand_over


def _in_my_community(model, obj_id: int):
    if current_user.is_staff or current_user.community_id is None:
        abort(404)
    obj = db.session.get(model, obj_id)
    if obj is None or obj.community_id != current_user.community_id:
        abort(404)
    if not DecideForm().validate_on_submit():
        abort(400)
    return obj


@bp.route("/portal/anggota/<int:user_id>/jadikan-koordinator", methods=["POST"])
@login_required
def role_hand_over(user_id: int):
    member = _in_my_community(User, user_id)
    try:
        hand_over(member, actor=current_user._get_current_object(), now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("listings.members"))
    db.session.commit()
    flash(_("%(name)s sekarang koordinator komunitas.", name=member.name), "success")
    return redirect(url_for("listings.members"))


@bp.route("/portal/usaha/<int:business_id>/pemegang", methods=["POST"])
@login_required
def role_keeper(business_id: int):
    business = _in_my_community(Business, business_id)
    raw = (request.form.get("keeper_id") or "").strip()
    keeper_id = int(raw) if raw.isdecimal() and len(raw) < 10 else None
    try:
        assign_keeper(business, keeper_id, actor=current_user._get_current_object(), now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("listings.businesses"))
    db.session.commit()
    flash(_("Pemegang %(b)s disimpan.", b=business.name), "success")
    return redirect(url_for("listings.businesses"))
