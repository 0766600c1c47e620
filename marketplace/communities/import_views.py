"""Bulk import of businesses: the coordinator's portal page, staff's page for any community,
and the downloadable templates. Upload → dry run (nothing written) → confirm (one commit)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import staff_only
from ..auth.models import Community
from ..clock import now
from ..errors import InvalidInput
from ..extensions import db
from ..formatting import number
from . import bp
from .forms import ImportConfirmForm, ImportForm
from .imports import (
    HEADERS,
    apply_import,
    limits,
    may_import,
    plan_import,
    read_table,
    seal,
    template_csv,
    template_xlsx,
    unseal,
)


def _portal_community() -> Community:
    """The coordinator's own community; other members are told they may not (403)."""
    if current_user.is_staff or current_user.community is None:
        abort(404)
    if not may_import(current_user, current_user.community):
        abort(403)
    return current_user.community


def _staff_community(community_id: int) -> Community:
    denied = staff_only()
    if denied is not None:
        return denied
    return db.get_or_404(Community, community_id)


def _page(community: Community, *, staff: bool, form=None, plan=None, sealed=None, status=200):
    max_bytes, max_rows = limits()
    return render_template(
        "communities/import_staff.html" if staff else "communities/import.html",
        community=community,
        form=form or ImportForm(formdata=None),
        confirm=ImportConfirmForm(formdata=None, rows=sealed),
        plan=plan,
        headers=HEADERS,
        max_mb=max_bytes // (1024 * 1024),
        max_rows=number(max_rows),
        action=url_for(".import_staff", community_id=community.id)
        if staff
        else url_for(".import_page"),
        confirm_action=url_for(".import_staff_confirm", community_id=community.id)
        if staff
        else url_for(".import_confirm"),
        back_label=community.name if staff else _("Data usaha"),
        back=url_for("moderation.community", community_id=community.id)
        if staff
        else url_for("listings.businesses"),
    ), status


def _dry_run(community: Community, *, staff: bool):
    form = ImportForm()
    if not form.validate_on_submit():
        if form.errors and "csrf_token" in form.errors:
            abort(400)
        return _page(community, staff=staff, form=form)
    upload = form.file.data
    data = upload.read(limits()[0] + 1) if upload else b""
    try:
        keys, rows = read_table(data)
        plan = plan_import(community, keys, rows)
    except InvalidInput as exc:
        db.session.rollback()
        form.file.errors = [exc.message]
        return _page(community, staff=staff, form=form, status=400)
    db.session.rollback()  # a dry run: nothing of it stays
    sealed = seal(community, current_user, keys, rows) if plan.writes else None
    limit = current_app.config.get("MAX_FORM_MEMORY_SIZE") or 0
    if sealed and limit and len(sealed) > limit - 64 * 1024:
        # the confirmation could not carry these rows back: ask for smaller files instead
        form.file.errors = [
            _("Isi file terlalu banyak untuk satu kali impor. Bagi menjadi beberapa file.")
        ]
        return _page(community, staff=staff, form=form, status=400)
    return _page(community, staff=staff, plan=plan, sealed=sealed)


def _confirm(community: Community, *, staff: bool):
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        keys, rows = unseal(form.rows.data or "", community, current_user)
    except InvalidInput as exc:
        flash(exc.message, "error")
        return redirect(
            url_for(".import_staff", community_id=community.id)
            if staff
            else url_for(".import_page")
        )
    plan = plan_import(community, keys, rows)  # judged again: the community may have changed
    counts = apply_import(plan, actor=current_user._get_current_object(), now=now())
    db.session.commit()
    flash(
        _(
            "Impor selesai: %(c)s usaha dibuat, %(u)s diperbarui, %(s)s tidak berubah, "
            "%(r)s ditolak.",
            c=counts["create"],
            u=counts["update"],
            s=counts["same"],
            r=counts["refused"],
        ),
        "success",
    )
    if staff:
        return redirect(url_for("moderation.community", community_id=community.id))
    return redirect(url_for("listings.businesses"))


@bp.route("/portal/usaha/impor", methods=["GET", "POST"])
@login_required
def import_page():
    community = _portal_community()
    if request.method == "POST":
        return _dry_run(community, staff=False)
    return _page(community, staff=False)


@bp.route("/portal/usaha/impor/simpan", methods=["POST"])
@login_required
def import_confirm():
    return _confirm(_portal_community(), staff=False)


@bp.route("/portal/usaha/impor/contoh.<any(csv, xlsx):fmt>")
@login_required
def import_template(fmt: str):
    """The template file: any member or staff may download it."""
    if fmt == "csv":
        body, mimetype = template_csv(), "text/csv"
    else:
        body = template_xlsx()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="contoh-impor-usaha.{fmt}"'},
    )


@bp.route("/staff/komunitas/<int:community_id>/impor", methods=["GET", "POST"])
def import_staff(community_id: int):
    community = _staff_community(community_id)
    if not isinstance(community, Community):
        return community
    if request.method == "POST":
        return _dry_run(community, staff=True)
    return _page(community, staff=True)


@bp.route("/staff/komunitas/<int:community_id>/impor/simpan", methods=["POST"])
def import_staff_confirm(community_id: int):
    community = _staff_community(community_id)
    if not isinstance(community, Community):
        return community
    return _confirm(community, staff=True)
