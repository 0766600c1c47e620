"""Account recovery pages: "Lupa kata sandi?", the reset link itself, and the staff page that
issues a one-time link for a community user with a one-tap WhatsApp message."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..errors import DomainError, FormErrors, InvalidInput, add_errors
from ..extensions import db, limiter
from ..notifications import mail_configured, send_email
from ..whatsapp import wa_me_url
from . import bp
from .access import staff_only
from .forms import ForgotPasswordForm, IssueResetForm, ResetPasswordForm
from .models import User
from .recovery import ResetInput, issue_for_member, max_age, read_token, request_reset
from .recovery import reset_password as do_reset


def _absolute(path: str) -> str:
    base = current_app.config.get("SITE_URL") or request.url_root
    return base.rstrip("/") + path


def _email_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _minutes() -> int:
    return int(max_age().total_seconds() // 60)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_email_key,
)
def forgot_password():
    """Same page, status and wording whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user, token = request_reset(form.email.data, now=now())
        db.session.commit()
        if user is not None and token is not None:
            link = _absolute(url_for(".reset_password", token=token))
            send_email(
                [user.email],
                _("Atur ulang kata sandi %(site)s", site=current_app.config["SITE_NAME"]),
                _(
                    "Halo %(name)s,\n\nSeseorang (semoga Anda) meminta atur ulang kata sandi. "
                    "Buka tautan ini dalam %(minutes)d menit untuk membuat kata sandi baru:\n\n"
                    "%(link)s\n\nTautan hanya bisa dipakai sekali. Jika Anda tidak memintanya, "
                    "abaikan e-mail ini; kata sandi Anda tidak berubah.",
                    name=user.name,
                    minutes=_minutes(),
                    link=link,
                ),
            )
        return render_template("auth/forgot_sent.html", minutes=_minutes(), mail=mail_configured())
    return render_template("auth/forgot.html", form=form, mail=mail_configured())


@bp.route("/atur-ulang-sandi/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str):
    """The link from the e-mail or WhatsApp: choose a new password, then log in again."""
    try:
        user = read_token(token)
    except InvalidInput as exc:
        return _no_store(
            current_app.make_response(
                (render_template("auth/reset_invalid.html", message=exc.message), 400)
            )
        )
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            do_reset(
                token,
                ResetInput(form.new_password.data or "", form.confirm_password.data or ""),
                now=now(),
            )
        except FormErrors as exc:
            db.session.rollback()
            add_errors(form, exc.errors)
            return _no_store(
                current_app.make_response(
                    (render_template("auth/reset.html", form=form, user=user), 400)
                )
            )
        except InvalidInput as exc:
            db.session.rollback()
            return render_template("auth/reset_invalid.html", message=exc.message), 400
        db.session.commit()
        if current_user.is_authenticated:
            from .sessions import end_session

            end_session()
        flash(_("Kata sandi baru tersimpan. Silakan masuk dengan kata sandi itu."), "success")
        return redirect(url_for(".login"))
    return _no_store(
        current_app.make_response(render_template("auth/reset.html", form=form, user=user))
    )


@bp.route("/staff/akun/<int:user_id>/tautan-sandi", methods=["POST"])
def issue_reset(user_id: int):
    """Staff: a one-time reset link for a community user, shown once with a WhatsApp button
    (to the community's contact number when the user is its coordinator)."""
    gate = staff_only()
    if gate is not None:
        return gate
    user = db.get_or_404(User, user_id)
    form = IssueResetForm()
    if not form.validate_on_submit():
        flash(_("Formulir kedaluwarsa. Silakan coba lagi."), "error")
        return redirect(url_for("moderation.community", community_id=user.community_id or 0))
    try:
        token = issue_for_member(user, actor=current_user._get_current_object(), now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        if user.community_id is None:
            return redirect(url_for("moderation.communities_list"))
        return redirect(url_for("moderation.community", community_id=user.community_id))
    db.session.commit()
    link = _absolute(url_for(".reset_password", token=token))
    text = _(
        "Halo %(name)s, ini tautan untuk membuat kata sandi baru di %(site)s (berlaku %(minutes)d "
        "menit, sekali pakai): %(link)s",
        name=user.name,
        site=current_app.config["SITE_NAME"],
        minutes=_minutes(),
        link=link,
    )
    number = user.community.contact_phone if user.is_coordinator and user.community else None
    return _no_store(
        current_app.make_response(
            render_template(
                "auth/reset_issued.html",
                user=user,
                link=link,
                text=text,
                number=number,
                wa_link=wa_me_url(number, text),
                minutes=_minutes(),
            )
        )
    )
