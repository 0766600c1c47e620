"""The language switch: ``GET /bahasa/<locale>?next=/path`` remembers the choice in a cookie.

A plain link rather than a form, so it works without JavaScript and puts no CSRF token into
the anonymous pages that the page cache keeps. ``locale.select_locale`` reads the cookie.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, redirect, request, url_for

from ..security import is_safe_next
from . import bp
from .locale import COOKIE, LOCALES

COOKIE_AGE = timedelta(days=365)


@bp.route("/bahasa/<locale>")
def switch(locale: str):
    """Remember ``locale`` (``id`` or ``en_ID``) and go back to ``next`` (a local path only).

    Writes no data: it only sets the long-lived ``lang`` preference cookie (SameSite=Lax,
    HttpOnly, Secure in production). The redirect is ``private, no-store`` so no shared cache
    ever keeps one visitor's cookie. An unknown locale is a 404; an unsafe ``next`` goes home.
    """
    if locale not in LOCALES:
        abort(404)
    target = request.args.get("next", "")
    if not is_safe_next(target):
        target = url_for("catalogue.home")
    response = redirect(target, 303)
    response.set_cookie(
        COOKIE,
        locale,
        max_age=int(COOKIE_AGE.total_seconds()),
        path="/",
        samesite="Lax",
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
