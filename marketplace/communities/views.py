"""Public directory and join form; the coordinator's list of requests in the portal."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import Community, CommunityStatus
from ..clock import now
from ..errors import DomainError, FormErrors, add_errors
from ..extensions import db, limiter
from ..reference.queries import categories, districts
from ..whatsapp import wa_me_url
from . import bp
from .forms import DecideForm, JoinForm
from .models import JoinRequest
from .services import JoinInput, decide, directory, pending_for, reply_text, request_to_join


@bp.route("/komunitas")
def directory_page():
    district = (request.args.get("kecamatan") or "").strip() or None
    category = (request.args.get("kategori") or "").strip() or None
    rows = directory(district_slug=district, category_slug=category, now=now())
    return render_template(
        "communities/directory.html",
        rows=rows,
        districts=districts(),
        categories=categories(),
        district=district,
        category=category,
    )


def _verified(slug: str) -> Community:
    c = db.session.execute(
        db.select(Community).where(
            Community.slug == slug[:140], Community.status == CommunityStatus.VERIFIED
        )
    ).scalar_one_or_none()
    if c is None:
        abort(404)
    return c


@bp.route("/komunitas/<slug>/gabung", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_REQUEST_RATE_LIMIT"], methods=["POST"])
def join(slug: str):
    community = _verified(slug)
    form = JoinForm()
    if form.validate_on_submit():
        if form.website.data:  # a bot filled the hidden field: same answer, nothing stored
            return render_template("communities/join_sent.html", community=community)
        try:
            request_to_join(
                community,
                JoinInput(form.name.data or "", form.whatsapp.data or "", form.sells.data or ""),
                now=now(),
            )
        except FormErrors as exc:
            db.session.rollback()
            add_errors(form, exc.errors)
            return render_template("communities/join.html", community=community, form=form), 400
        except DomainError as exc:
            db.session.rollback()
            form.sells.errors = [exc.message]
            return render_template("communities/join.html", community=community, form=form), 400
        db.session.commit()
        return render_template("communities/join_sent.html", community=community)
    return render_template("communities/join.html", community=community, form=form)


def _member_community() -> Community:
    if current_user.is_staff or current_user.community is None:
        abort(404)
    return current_user.community


@bp.route("/portal/permintaan-gabung")
@login_required
def requests_page():
    community = _member_community()
    items = pending_for(community.id)
    replies = {
        r.id: wa_me_url(r.whatsapp, reply_text(r, community))
        for r in items
        if r.status.value != "pending"
    }
    return render_template(
        "communities/requests.html",
        community=community,
        items=items,
        replies=replies,
        form=DecideForm(),
    )


@bp.route("/portal/permintaan-gabung/<int:request_id>/<any(terima, tolak):verb>", methods=["POST"])
@login_required
def requests_decide(request_id: int, verb: str):
    community = _member_community()
    req = db.session.get(JoinRequest, request_id)
    if req is None or req.community_id != community.id:
        abort(404)
    if not DecideForm().validate_on_submit():
        abort(400)
    try:
        decide(req, verb == "terima", actor=current_user._get_current_object(), now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".requests_page"))
    db.session.commit()
    flash(
        _("Permintaan %(name)s diterima. Kirim kabar lewat WhatsApp.", name=req.name)
        if verb == "terima"
        else _("Permintaan %(name)s ditolak. Kirim kabar lewat WhatsApp.", name=req.name),
        "success",
    )
    return redirect(url_for(".requests_page"))
