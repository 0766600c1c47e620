"""Staff pages for rounds: the list with phases, create and edit (times typed in WIB), and
"publish now" with a confirmation step.

Every route needs staff (anonymous → login, members → 404); changing rounds needs an admin
(moderators get 403). Views parse, call ``rounds.services``, commit once and redirect.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import admin_required, staff_only
from ..clock import from_wib, now, to_wib
from ..errors import DomainError
from ..extensions import db
from ..site_settings import get_settings
from . import bp
from .forms import ConfirmForm, RoundForm, ScheduleForm
from .models import Round
from .services import (
    Cadence,
    create_round,
    next_cadence_start,
    schedule_rounds,
    update_round,
)
from .services import publish_now as publish_round_now

CADENCE = timedelta(days=14)


@bp.before_request
def require_staff():
    """Deny by default: anonymous → login, anyone but staff → 404."""
    return staff_only()


@bp.route("/")
def index():
    at = now()
    rounds = list(db.session.execute(sa.select(Round).order_by(Round.opens_at.desc())).scalars())
    return render_template("rounds/index.html", rows=[(r, r.phase(at)) for r in rounds], now=at)


def _naive_wib(value):
    return to_wib(value).replace(tzinfo=None) if value else None


def _times(form: RoundForm) -> dict:
    """The typed WIB wall-clock times as aware UTC (showcase end may be None)."""
    return {
        "opens_at": from_wib(form.opens_at.data),
        "closes_at": from_wib(form.closes_at.data),
        "publishes_at": from_wib(form.publishes_at.data),
        "showcase_ends_at": from_wib(form.showcase_ends_at.data)
        if form.showcase_ends_at.data
        else None,
    }


@bp.route("/baru", methods=["GET", "POST"])
@admin_required
def create():
    form = RoundForm()
    if not form.is_submitted():
        _suggest_next(form)
        # "Buat periode bertema" (the demand board): a suggested name and a note to read.
        if request.args.get("nama"):
            form.name.data = request.args["nama"].strip()[:120]
        if request.args.get("catatan"):
            flash(request.args["catatan"].strip()[:300], "info")
    error = None
    if form.validate_on_submit():
        try:
            rnd = create_round(
                name=(form.name.data or "").strip()[:120],
                quota=form.quota.data,
                actor=current_user._get_current_object(),
                now=now(),
                **_times(form),
            )
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(_("%(name)s dijadwalkan.", name=rnd.title), "success")
            return redirect(url_for(".index"))
    status = 400 if form.is_submitted() else 200
    return render_template("rounds/form.html", form=form, rnd=None, error=error), status


def _suggest_next(form: RoundForm) -> None:
    """Prefill the next slot on the bi-weekly cadence after the latest round."""
    form.quota.data = get_settings().default_quota
    latest = db.session.execute(
        sa.select(Round).order_by(Round.opens_at.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is None:
        return
    form.opens_at.data = _naive_wib(latest.opens_at + CADENCE)
    form.closes_at.data = _naive_wib(latest.closes_at + CADENCE)
    form.publishes_at.data = _naive_wib(latest.publishes_at + CADENCE)


@bp.route("/<int:round_id>/ubah", methods=["GET", "POST"])
@admin_required
def edit(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    form = RoundForm()
    if not form.is_submitted():
        form.name.data = rnd.name
        for field in ("opens_at", "closes_at", "publishes_at", "showcase_ends_at"):
            getattr(form, field).data = _naive_wib(getattr(rnd, field))
        form.quota.data = rnd.quota_per_community
    error = None
    if form.validate_on_submit():
        times = _times(form)
        times["showcase_ends_at"] = times["showcase_ends_at"] or Round.default_showcase_end(
            times["publishes_at"]
        )
        try:
            update_round(
                rnd,
                name=(form.name.data or "").strip()[:120],
                quota=form.quota.data,
                actor=current_user._get_current_object(),
                now=now(),
                **times,
            )
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(_("%(name)s diperbarui.", name=rnd.title), "success")
            return redirect(url_for(".index"))
    status = 400 if form.is_submitted() else 200
    return render_template("rounds/form.html", form=form, rnd=rnd, error=error), status


@bp.route("/<int:round_id>/tayangkan", methods=["GET", "POST"])
@admin_required
def publish_now(round_id: int):
    """GET: the confirmation page. POST: publish the round at once (approved listings public)."""
    rnd = db.get_or_404(Round, round_id)
    form = ConfirmForm()
    at = now()
    if form.validate_on_submit():
        try:
            publish_round_now(rnd, actor=current_user._get_current_object(), now=at)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(
            _(
                "%(name)s sudah tayang. Produk yang disetujui kini tampil di katalog.",
                name=rnd.title,
            ),
            "success",
        )
        return redirect(url_for(".index"))
    return render_template("rounds/publish.html", rnd=rnd, phase=rnd.phase(at), form=form, now=at)


@bp.route("/jadwalkan", methods=["GET", "POST"])
@admin_required
def schedule():
    """The next N rounds on the bi-weekly cadence in one step (editions numbered in order)."""
    at = now()
    form = ScheduleForm()
    defaults = Cadence(**get_settings().cadence_values())  # admins keep the rule in site settings
    if not form.is_submitted():
        form.count.data = 6
        form.first_opens_at.data = next_cadence_start(defaults, at)
        form.every_days.data = defaults.every_days
        form.closes_weekday.data, form.closes_time.data = (
            defaults.closes_weekday,
            defaults.closes_time,
        )
        form.publishes_weekday.data, form.publishes_time.data = (
            defaults.publishes_weekday,
            defaults.publishes_time,
        )
        form.showcase_days.data, form.quota.data = defaults.showcase_days, defaults.quota
    error = None
    if form.validate_on_submit():
        first = form.first_opens_at.data
        cadence = Cadence(
            every_days=form.every_days.data,
            opens_weekday=first.weekday(),
            opens_time=first.time(),
            closes_weekday=form.closes_weekday.data,
            closes_time=form.closes_time.data,
            publishes_weekday=form.publishes_weekday.data,
            publishes_time=form.publishes_time.data,
            showcase_days=form.showcase_days.data,
            quota=form.quota.data,
        )
        try:
            created = schedule_rounds(
                cadence,
                first_opens_wib=first,
                count=form.count.data,
                actor=current_user._get_current_object(),
                now=at,
            )
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(
                _(
                    "%(n)s periode dijadwalkan: %(first)s sampai %(last)s.",
                    n=len(created),
                    first=created[0].title,
                    last=created[-1].title,
                ),
                "success",
            )
            return redirect(url_for(".index"))
    status = 400 if form.is_submitted() else 200
    return render_template("rounds/schedule.html", form=form, error=error), status
