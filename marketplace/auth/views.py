"""Sign-up, login and logout."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit
from ..clock import now
from ..errors import FormErrors, add_errors
from ..extensions import db, limiter, login_manager
from ..reference.queries import district_choices
from ..security import is_safe_next
from . import bp
from .forms import LoginForm, SignupForm
from .models import User
from .services import SignupInput, authenticate, end_sessions, signup_community
from .sessions import begin_session, end_session

login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    uid, _sep, token = (user_id or "").partition(":")
    if not uid.isdecimal() or not token:
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def home_for(user: User) -> str:
    return url_for("moderation.dashboard") if user.is_staff else url_for("listings.dashboard")


def _email_key() -> str:
    return (request.form.get("email") or "").strip().lower()


def _login_rate_key() -> str:
    """One address trying one account."""
    return f"login:{request.remote_addr}:{_email_key()}"


def _account_rate_key() -> str:
    """One account, from any address (a botnet spreading guesses over many IPs)."""
    return f"login-account:{_email_key()}"


def _failed(response) -> bool:
    """Only failed attempts count toward a lock-out (a success redirects)."""
    return response.status_code not in (302, 429)


def _locked_out(limit) -> None:
    """Audit the lock-out (the 429 page follows); its own commit, nothing else is pending."""
    audit.record(
        "auth.locked_out",
        object_type="user",
        at=now(),
        details={
            "limit": str(limit.limit),
            "scope": limit.key.split("/")[1] if "/" in limit.key else "",
            "address": request.remote_addr,
        },
    )
    db.session.commit()


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=_login_rate_key,
    deduct_when=_failed,
    on_breach=_locked_out,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_account_rate_key,
    deduct_when=_failed,
    on_breach=_locked_out,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_locked_out,
)  # a workshop on one office Wi-Fi logs in fine
def login():
    form = LoginForm()
    next_url = request.args.get("next")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url if is_safe_next(next_url) else home_for(current_user))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, now=now())
        if user is None:
            db.session.commit()  # keep the audit entry of the failure
            form.password.errors = [_("E-mail atau kata sandi salah.")]
            return render_template("auth/login.html", form=form), 200
        db.session.commit()
        begin_session(user, remember=form.remember.data)
        return redirect(next_url if is_safe_next(next_url) else home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/keluar", methods=["GET", "POST"])
@login_required
def logout():
    """POST (with its CSRF token) logs out; a GET (a typed or bookmarked /keluar) changes
    nothing and shows the logout button instead of "Permintaan tidak valid"."""
    if request.method == "GET":
        return render_template("auth/logout.html")
    user = current_user._get_current_object()
    end_sessions(user)
    audit.record(
        "auth.logout",
        actor=user,
        object_type="user",
        object_id=user.id,
        community_id=user.community_id,
        at=now(),
    )
    db.session.commit()
    end_session()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("catalogue.home"))


@bp.route("/daftar", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    form.district_id.choices = [(0, _("— pilih kecamatan —"))] + district_choices()
    if form.validate_on_submit():
        data = SignupInput(
            **{
                k: (getattr(form, k).data or "")
                if k != "district_id"
                else (form.district_id.data or 0)
                for k in SignupInput.__dataclass_fields__
            }
        )
        try:
            user = signup_community(data, now=now())
        except FormErrors as exc:
            add_errors(form, exc.errors)
            return render_template("auth/signup.html", form=form), 400
        db.session.commit()
        begin_session(user)
        flash(
            _(
                "Pendaftaran diterima. Staf Dinas akan memverifikasi komunitas Anda; sementara itu "
                "Anda sudah bisa mengisi data usaha."
            ),
            "success",
        )
        return redirect(url_for("listings.dashboard"))
    return render_template("auth/signup.html", form=form)
