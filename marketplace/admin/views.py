"""Administration pages (admins only): settings, categories, staff accounts.

Anonymous visitors → login; members → 404; moderators → 403. Views parse, call
``admin.services``, commit once and redirect; every change is audited by the service.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from ..auth import throttle
from ..auth.access import staff_only
from ..auth.models import User
from ..clock import now
from ..errors import DomainError, FormErrors, add_errors
from ..extensions import db
from ..reference.models import Category
from ..site_settings import DEFAULTS, get_settings
from . import bp
from .forms import CategoryForm, ConfirmForm, RoleForm, SettingsForm, StaffForm
from .services import (
    categories,
    category_usage,
    change_role,
    create_category,
    create_staff_account,
    move_category,
    rename_category,
    set_category_active,
    set_staff_active,
    staff_accounts,
    update_settings,
)


@bp.before_request
def require_admin():
    """Deny by default: anonymous → login, anyone but staff → 404, moderators → 403."""
    return staff_only(admin=True)


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/")
def index():
    return render_template("admin/index.html")


# --- settings -------------------------------------------------------------------------------------


@bp.route("/pengaturan", methods=["GET", "POST"])
def settings():
    row = get_settings()
    form = SettingsForm()
    if not form.is_submitted():
        for key in DEFAULTS:
            getattr(form, key).data = getattr(row, key)
        form.instagram_handle.data = row.instagram_handle or ""
    elif form.validate_on_submit():
        values = {key: getattr(form, key).data for key in DEFAULTS}
        try:
            update_settings(values, actor=_me(), now=now())
        except FormErrors as exc:
            db.session.rollback()
            add_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Pengaturan tersimpan."), "success")
            return redirect(url_for(".settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/settings.html", form=form, row=row), status


# --- categories -----------------------------------------------------------------------------------


def _render_categories(form: CategoryForm, status: int = 200, edit_form=None, editing=None):
    return render_template(
        "admin/categories.html",
        rows=categories(),
        usage=category_usage(),
        form=form,
        confirm=ConfirmForm(formdata=None),
        edit_form=edit_form,
        editing=editing,
    ), status


@bp.route("/kategori", methods=["GET", "POST"])
def category_list():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            cat = create_category(form.name.data, actor=_me(), now=now())
        except FormErrors as exc:
            db.session.rollback()
            add_errors(form, exc.errors)
            return _render_categories(form, 400)
        db.session.commit()
        flash(_("Kategori \"%(name)s\" ditambahkan.", name=cat.name), "success")
        return redirect(url_for(".category_list"))
    if form.is_submitted():
        abort(400)
    return _render_categories(CategoryForm(formdata=None))


@bp.route("/kategori/<int:category_id>/ubah", methods=["GET", "POST"])
def category_rename(category_id: int):
    cat = db.get_or_404(Category, category_id)
    form = CategoryForm()
    if not form.is_submitted():
        form.name.data = cat.name_id  # the Indonesian name is the one edited
    elif form.validate_on_submit():
        try:
            rename_category(cat, form.name.data, actor=_me(), now=now())
        except FormErrors as exc:
            db.session.rollback()
            add_errors(form, exc.errors)
            return _render_categories(CategoryForm(formdata=None), 400, form, cat)
        db.session.commit()
        flash(_("Kategori diubah menjadi \"%(name)s\".", name=cat.name), "success")
        return redirect(url_for(".category_list"))
    else:
        abort(400)
    return _render_categories(CategoryForm(formdata=None), 200, form, cat)


def _category_action(category_id: int, fn, message: str):
    cat = db.get_or_404(Category, category_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        fn(cat)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".category_list"))
    db.session.commit()
    flash(message % {"name": cat.name}, "success")
    return redirect(url_for(".category_list"))


@bp.route("/kategori/<int:category_id>/naik", methods=["POST"])
def category_up(category_id: int):
    return _category_action(
        category_id,
        lambda c: move_category(c, -1, actor=_me(), now=now()),
        _("\"%(name)s\" dipindah ke atas."),
    )


@bp.route("/kategori/<int:category_id>/turun", methods=["POST"])
def category_down(category_id: int):
    return _category_action(
        category_id,
        lambda c: move_category(c, 1, actor=_me(), now=now()),
        _("\"%(name)s\" dipindah ke bawah."),
    )


@bp.route("/kategori/<int:category_id>/pensiunkan", methods=["POST"])
def category_retire(category_id: int):
    return _category_action(
        category_id,
        lambda c: set_category_active(c, False, actor=_me(), now=now()),
        _("\"%(name)s\" dipensiunkan: tidak bisa dipilih untuk produk baru; produk lama tetap."),
    )


@bp.route("/kategori/<int:category_id>/aktifkan", methods=["POST"])
def category_restore(category_id: int):
    return _category_action(
        category_id,
        lambda c: set_category_active(c, True, actor=_me(), now=now()),
        _("\"%(name)s\" aktif kembali."),
    )


# --- staff accounts -------------------------------------------------------------------------------


def _render_staff(form: StaffForm, status: int = 200):
    return render_template(
        "admin/staff.html",
        rows=staff_accounts(),
        form=form,
        role_form=RoleForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
    ), status


@bp.route("/staf", methods=["GET", "POST"])
def staff_list():
    form = StaffForm()
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        try:
            user = create_staff_account(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data or "",
                actor=_me(),
                now=now(),
            )
        except FormErrors as exc:
            db.session.rollback()
            add_errors(form, exc.errors)
            return _render_staff(form, 400)
        db.session.commit()
        flash(
            _(
                "Akun %(email)s dibuat. Sampaikan kata sandi awalnya secara langsung.",
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for(".staff_list"))
    return _render_staff(StaffForm(formdata=None))


def _staff_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not user.is_staff:
        abort(404)
    return user


def _staff_action(user_id: int, form, fn, message: str):
    user = _staff_user(user_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        fn(user, form)
    except DomainError as exc:
        db.session.rollback()
        flash(
            exc.message if not isinstance(exc, FormErrors) else " ".join(exc.errors.values()),
            "error",
        )
        return redirect(url_for(".staff_list"))
    db.session.commit()
    flash(message % {"email": user.email}, "success")
    return redirect(url_for(".staff_list"))


@bp.route("/staf/<int:user_id>/peran", methods=["POST"])
def staff_role(user_id: int):
    return _staff_action(
        user_id,
        RoleForm(),
        lambda u, f: change_role(u, f.role.data, actor=_me(), now=now()),
        _("Peran %(email)s diubah."),
    )


@bp.route("/staf/<int:user_id>/nonaktifkan", methods=["POST"])
def staff_deactivate(user_id: int):
    return _staff_action(
        user_id,
        ConfirmForm(),
        lambda u, f: set_staff_active(
            u, False, actor=_me(), now=now(), reason=(f.reason.data or "").strip()[:200] or None
        ),
        _("%(email)s dinonaktifkan; semua sesinya berakhir."),
    )


@bp.route("/staf/<int:user_id>/aktifkan", methods=["POST"])
def staff_reactivate(user_id: int):
    return _staff_action(
        user_id,
        ConfirmForm(),
        lambda u, f: set_staff_active(u, True, actor=_me(), now=now()),
        _("%(email)s aktif kembali."),
    )


@bp.route("/staf/<int:user_id>/buka-kunci", methods=["POST"])
def staff_unlock(user_id: int):
    """End the login delay of a staff account that someone has been guessing at (audited)."""

    def unlock(user: User, _form) -> None:
        throttle.reset(user.email)
        audit.record("auth.unlocked", actor=_me(), object_type="user", object_id=user.id, at=now())

    return _staff_action(
        user_id, ConfirmForm(), unlock, _("Jeda masuk %(email)s dihapus; ia bisa langsung masuk.")
    )
