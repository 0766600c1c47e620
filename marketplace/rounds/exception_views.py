"""Staff page for one round's exceptions: quota overrides per community and late-entry codes
(pretalx-style). Staff read it; only admins change it. Rules live in ``rounds.allowances``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Community, CommunityStatus
from ..clock import from_wib, now
from ..errors import DomainError, FormErrors, add_errors
from ..extensions import db
from . import bp
from .allowances import exceptions_of_round, issue_late_code, set_quota
from .forms import LateCodeForm, QuotaOverrideForm
from .models import Round


def _communities() -> list[Community]:
    return list(
        db.session.execute(
            sa.select(Community)
            .where(Community.status != CommunityStatus.SUSPENDED)
            .order_by(Community.name)
        ).scalars()
    )


def _render(rnd: Round, quota_form, late_form, status: int = 200, new_code=None):
    communities = _communities()
    choices = [(0, _("— pilih komunitas —"))] + [(c.id, c.name) for c in communities]
    quota_form.community_id.choices = choices
    late_form.community_id.choices = choices
    overrides, codes = exceptions_of_round(rnd)
    names = {c.id: c.name for c in communities}
    return render_template(
        "rounds/exceptions.html",
        rnd=rnd,
        quota_form=quota_form,
        late_form=late_form,
        overrides=overrides,
        codes=codes,
        names=names,
        new_code=new_code,
        now=now(),
    ), status


def _community(form) -> Community | None:
    return db.session.get(Community, form.community_id.data or 0)


@bp.route("/<int:round_id>/pengecualian")
def exceptions(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    return _render(rnd, QuotaOverrideForm(formdata=None), LateCodeForm(formdata=None))


def _admin():
    if not current_user.is_admin:
        abort(403)
    return current_user._get_current_object()


@bp.route("/<int:round_id>/pengecualian/kuota", methods=["POST"])
def exceptions_quota(round_id: int):
    actor = _admin()
    rnd = db.get_or_404(Round, round_id)
    form = QuotaOverrideForm()
    late = LateCodeForm(formdata=None)
    if not form.validate_on_submit():
        return _render(rnd, form, late, 400)
    community = _community(form)
    if community is None:
        form.community_id.errors = [_("Pilih komunitas.")]
        return _render(rnd, form, late, 400)
    try:
        set_quota(rnd, community, form.quota.data, actor=actor, now=now())
    except FormErrors as exc:
        db.session.rollback()
        add_errors(form, exc.errors)
        return _render(rnd, form, late, 400)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".exceptions", round_id=rnd.id))
    db.session.commit()
    flash(
        _("Kuota %(name)s untuk %(round)s disimpan.", name=community.name, round=rnd.title),
        "success",
    )
    return redirect(url_for(".exceptions", round_id=rnd.id))


@bp.route("/<int:round_id>/pengecualian/kode", methods=["POST"])
def exceptions_late(round_id: int):
    actor = _admin()
    rnd = db.get_or_404(Round, round_id)
    form = LateCodeForm()
    quota = QuotaOverrideForm(formdata=None)
    if not form.validate_on_submit():
        return _render(rnd, quota, form, 400)
    community = _community(form)
    if community is None:
        form.community_id.errors = [_("Pilih komunitas.")]
        return _render(rnd, quota, form, 400)
    try:
        entry = issue_late_code(
            rnd, community, from_wib(form.valid_until.data), actor=actor, now=now()
        )
    except FormErrors as exc:
        db.session.rollback()
        add_errors(form, exc.errors)
        return _render(rnd, quota, form, 400)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".exceptions", round_id=rnd.id))
    db.session.commit()
    flash(
        _("Kode susulan untuk %(name)s: %(code)s", name=community.name, code=entry.code),
        "success",
    )
    return redirect(url_for(".exceptions", round_id=rnd.id))
