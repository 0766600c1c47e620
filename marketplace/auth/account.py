"""Account pages: change password, confirm the password again (fresh login), and the staff
second factor (enrol, check at login, new recovery codes). Also the gate that keeps staff
without a checked second factor out of every staff page.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import now
from ..errors import FormErrors, add_errors
from ..extensions import db, limiter
from ..security import is_safe_next
from . import bp, second_factor
from .forms import CodeForm, PasswordChangeForm, ReauthForm
from .services import change_password, confirm_password
from .sessions import begin_session, is_fresh, mark_fresh, mark_second_factor_ok, second_factor_ok

# Where a staff user whose second factor is missing or unchecked may still go.
OPEN_BLUEPRINTS = {"catalogue", "api", "media"}
OPEN_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.logout",
    "auth.second_factor_setup",
    "auth.second_factor_verify",
}


@bp.before_app_request
def second_factor_gate():
    """Deny by default: a staff user who needs a second factor and has not checked it in
    this session reaches nothing but the public site, logout and the second-factor pages."""
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    if (
        request.blueprint in OPEN_BLUEPRINTS
        or request.endpoint in OPEN_ENDPOINTS
        or request.endpoint is None
    ):
        return None
    user = current_user._get_current_object()
    if not second_factor.required_for(user) or second_factor_ok():
        return None
    target = ".second_factor_verify" if user.has_second_factor else ".second_factor_setup"
    nxt = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth" + target, next=nxt if is_safe_next(nxt) else None))


def _next_or(default: str) -> str:
    nxt = request.args.get("next")
    return nxt if is_safe_next(nxt) else default


def _home() -> str:
    return (
        url_for("moderation.dashboard") if current_user.is_staff else url_for("listings.dashboard")
    )


def _user_rate_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.get_id().partition(':')[0]}"
    return f"user:{request.remote_addr}"


def _failed(response) -> bool:
    return response.status_code not in (302, 429)


# --- password --------------------------------------------------------------------------------


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_user_rate_key, deduct_when=_failed)
def password_change():
    """Needs the current password; ends every other session and remember cookie."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(
                user,
                form.current_password.data or "",
                form.new_password.data or "",
                form.confirm_password.data or "",
                now=now(),
            )
        except FormErrors as exc:
            db.session.commit()  # keep the audit entry of a wrong current password
            add_errors(form, exc.errors)
            return render_template("auth/password_change.html", form=form), 400
        db.session.commit()
        tfa = second_factor_ok()
        begin_session(user)  # the old session is gone with the old token; this one is new
        if tfa:
            mark_second_factor_ok()
        flash(
            _("Kata sandi sudah diganti. Perangkat lain yang masih masuk sudah dikeluarkan."),
            "success",
        )
        return redirect(_home())
    return render_template("auth/password_change.html", form=form)


@bp.route("/masuk/ulang", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_user_rate_key, deduct_when=_failed)
def reauthenticate():
    """Type the password again before a sensitive action (a login older than
    ``FRESH_LOGIN_MINUTES`` or restored from a remember cookie)."""
    form = ReauthForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if confirm_password(user, form.password.data, now=now()):
            db.session.commit()
            mark_fresh()
            session["_fresh"] = True
            return redirect(_next_or(_home()))
        db.session.commit()
        form.password.errors = [_("Kata sandi salah.")]
        return render_template("auth/reauthenticate.html", form=form), 400
    return render_template("auth/reauthenticate.html", form=form, fresh=is_fresh())


# --- staff second factor -----------------------------------------------------------------------


def _staff_only():
    if not current_user.is_staff:
        abort(404)
    return current_user._get_current_object()


@bp.route("/akun/verifikasi", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"], key_func=_user_rate_key, deduct_when=_failed)
def second_factor_verify():
    """After the password: the 6-digit code from the app, or one recovery code."""
    user = _staff_only()
    if not user.has_second_factor:
        return redirect(url_for(".second_factor_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        ok = second_factor.check_code(user, form.code.data, now=now())
        db.session.commit()
        if ok:
            mark_second_factor_ok()
            left = second_factor.remaining_recovery_codes(user)
            if left <= 3:
                flash(
                    _(
                        "Sisa kode pemulihan Anda %(n)s. Buat kode baru di halaman "
                        "verifikasi dua langkah.",
                        n=left,
                    ),
                    "warning",
                )
            return redirect(_next_or(_home()))
        form.code.errors = [_("Kode salah atau sudah dipakai. Coba kode terbaru di aplikasi.")]
        return render_template("auth/second_factor_verify.html", form=form), 400
    return render_template("auth/second_factor_verify.html", form=form)


@bp.route("/akun/verifikasi-dua-langkah", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"], key_func=_user_rate_key, deduct_when=_failed)
def second_factor_setup():
    """Enrol: show a new secret (kept in the session until confirmed) as text, otpauth URI and
    QR code; a valid code from the app turns it on and shows the recovery codes once.
    Already enrolled (and checked): the page offers new recovery codes."""
    user = _staff_only()
    form = CodeForm()
    if user.has_second_factor:
        if not second_factor_ok():
            return redirect(url_for(".second_factor_verify", next=request.full_path.rstrip("?")))
        return _manage(user, form)
    secret = session.get("tfa_pending")
    if not secret:
        secret = session["tfa_pending"] = second_factor.new_secret()
    if form.validate_on_submit():
        codes = second_factor.enable(user, secret, form.code.data, now=now())
        db.session.commit()
        if codes is not None:
            mark_second_factor_ok()
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=_next_or(_home())
            )
        form.code.errors = [
            _("Kode tidak cocok. Periksa jam ponsel Anda lalu masukkan kode terbaru.")
        ]
    uri = second_factor.provisioning_uri(user, secret)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/second_factor_setup.html",
        form=form,
        secret=secret,
        uri=uri,
        qr=second_factor.qr_data_uri(uri),
        required=current_app.config.get("STAFF_REQUIRE_2FA", False),
    ), status


def _manage(user, form):
    """New recovery codes, after a current code from the app."""
    if form.validate_on_submit():
        ok = second_factor.check_code(user, form.code.data, now=now())
        if ok:
            codes = second_factor.regenerate_recovery_codes(user, now=now())
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=_home())
        db.session.commit()
        form.code.errors = [_("Kode salah atau sudah dipakai.")]
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/second_factor_manage.html",
        form=form,
        left=second_factor.remaining_recovery_codes(user),
        enabled_at=user.totp_enabled_at,
    ), status
