"""Session life cycle: a clean session at every login, freshness for sensitive actions, and
the staff second-factor mark. Only these helpers write the auth keys of the session.

Keys: ``auth_at`` (ISO UTC time the password was last typed in this session), ``tfa_ok``
(the second factor was checked in this session), ``tfa_pending`` (a secret being enrolled).
A session restored from a remember cookie has none of them: it is never fresh and never
second-factor checked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import after_this_request, current_app, has_request_context, session
from flask_login import login_fresh, login_user, logout_user

from ..clock import now
from .models import User


def begin_session(user: User, *, remember: bool = False) -> None:
    """Log ``user`` in on a brand-new session: whatever the old cookie carried (a planted
    session, a previous user's keys, a pending second factor) is dropped."""
    session.clear()
    login_user(user, remember=remember, fresh=True)
    mark_fresh()


def end_session() -> None:
    """Log out and drop every key of the session, and delete the remember cookie from the
    browser. (Flask-Login deletes it only when ``_remember`` = "clear" survives in the session
    until the response, which clearing the session undoes: the dead cookie stayed.)"""
    logout_user()
    session.clear()
    if has_request_context():
        config = current_app.config
        name = config.get("REMEMBER_COOKIE_NAME", "remember_token")

        @after_this_request
        def forget(response):
            response.delete_cookie(
                name,
                path=config.get("REMEMBER_COOKIE_PATH", "/"),
                domain=config.get("REMEMBER_COOKIE_DOMAIN"),
                secure=bool(config.get("REMEMBER_COOKIE_SECURE")),
                httponly=True,
                samesite=config.get("REMEMBER_COOKIE_SAMESITE", "Lax"),
            )
            return response


def mark_fresh() -> None:
    session["auth_at"] = now().isoformat()


def session_started_at() -> datetime:
    """When the password was typed for this session (aware UTC); now for a session restored
    from a remember cookie, which carries no such mark."""
    try:
        return datetime.fromisoformat(session.get("auth_at", ""))
    except (TypeError, ValueError):
        return now()


def previous_login() -> datetime | None:
    """The signed-in user's login before the one that started this session (what a dashboard
    shows as "Terakhir masuk"), or None for a first login."""
    from flask_login import current_user

    from .services import previous_login_at

    return previous_login_at(current_user, session_started_at())


def is_fresh() -> bool:
    """The password was typed in this session within ``FRESH_LOGIN_MINUTES``."""
    if not login_fresh():
        return False
    try:
        at = datetime.fromisoformat(session.get("auth_at", ""))
    except (TypeError, ValueError):
        return False
    window = timedelta(minutes=current_app.config.get("FRESH_LOGIN_MINUTES", 30))
    return timedelta(0) <= now() - at <= window


def mark_second_factor_ok() -> None:
    session["tfa_ok"] = True
    session.pop("tfa_pending", None)


def second_factor_ok() -> bool:
    return bool(session.get("tfa_ok"))
