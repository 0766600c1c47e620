"""Request-level security: headers with a per-request CSP nonce, the safe ``next`` check,
repeated form fields refused, CSRF failures (audited; long forms re-rendered with what was
typed) and authorisation failures written to the audit trail.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, current_app, flash, g, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Form fields that legitimately repeat (several files, several ids). Any other repeated
# field in a POST is a 400: two values for one field is a tampered or broken form.
MULTI_VALUE_FIELDS = {"photos", "keep_photo", "pending_image", "selected", "listing_ids", "ids"}

# Forms long enough that an expired CSRF token must not cost the user what they typed:
# endpoint → whether the page needs our flash message (False: the view says it itself).
# The view must check access itself (a decorator), since a CSRF failure stops the
# request before blueprint ``before_request`` hooks run.
KEEP_TEXT_ON_CSRF_FAILURE = {
    "listings.listing_new": False,
    "listings.listing_edit": False,
    "listings.business_form": True,
    "auth.signup": True,
}

# Blueprints whose 403/404 answers are authorisation failures worth an audit record (for a
# logged-in user). Public pages (catalogue, api, media) 404 all the time and are not audited.
PUBLIC_BLUEPRINTS = {"catalogue", "api", "feeds", "shortlinks", "media", None}


def csp_nonce() -> str:
    """The nonce for inline ``<script nonce=…>`` on this response."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def is_safe_next(target: str | None) -> bool:
    """True only for a local path such as ``/portal/``: no scheme, host, ``//`` or ``\\``.

    Checked on the value as given, once percent-decoded and NFKC-folded (full-width
    ``／``, ``＼``), refusing any control or space character a browser might strip.
    """
    if not target or not isinstance(target, str) or len(target) > 2000:
        return False
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in target):
        return False  # tabs, newlines, NUL, odd spaces: browsers strip some of them
    for candidate in {target, unquote(target), unicodedata.normalize("NFKC", unquote(target))}:
        if any(unicodedata.category(ch)[0] == "C" for ch in candidate) or "\\" in candidate:
            return False
        if not candidate.startswith("/") or candidate.startswith("//"):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def page_arg(name: str = "page", maximum: int = 100_000) -> int:
    """A page number from the query string: junk or < 1 gives page 1, beyond ``maximum``
    our 404 (a 20-digit page would otherwise overflow the database's OFFSET)."""
    raw = request.args.get(name, "")
    if not raw.isdecimal():  # what int() reads; isdigit() also passes "²", which int() refuses
        return 1
    if len(raw) > 9:  # before int(): Python refuses to read numbers of over 4,300 digits
        abort(404)
    if int(raw) < 1:
        return 1
    if int(raw) > maximum:
        abort(404)
    return int(raw)


def paginate_clamped(select, *, per_page: int, name: str = "page"):
    """``db.paginate`` of ``select`` at the page the query string asks for, clamped to the
    last page: a page number past the end (the list shrank, a stale link) shows the last page
    instead of the generic 404 (which the audit trail would record as a denial)."""
    from .db import db

    page = db.paginate(select, page=page_arg(name), per_page=per_page, error_out=False)
    if page.page > 1 and page.page > (page.pages or 1):
        page = db.paginate(select, page=page.pages or 1, per_page=per_page, error_out=False)
    return page


def _refuse_repeated_fields():
    """No silent surprise: ``status=draft&status=approved`` is an error, not a guess."""
    if request.method in ("POST", "PUT", "PATCH"):
        for key, values in request.form.lists():
            if len(values) > 1 and key not in MULTI_VALUE_FIELDS:
                abort(400)
    return None


def _csrf_failed(exc: CSRFError):
    """Audit the failure; re-render a long form with what was typed and a fresh token, or
    show our 400 page explaining what happened."""
    from .errors import request_id

    g.csrf_failed = exc.description
    _audit_refusal("security.csrf_failed", 400, reason=str(exc.description)[:200])
    endpoint = request.endpoint
    if request.method == "POST" and endpoint in KEEP_TEXT_ON_CSRF_FAILURE:
        if KEEP_TEXT_ON_CSRF_FAILURE[endpoint]:
            flash(
                _(
                    "Sesi formulir sudah kedaluwarsa, jadi belum tersimpan. Isian Anda "
                    "masih ada di "
                    "bawah: periksa lalu kirim lagi."
                ),
                "warning",
            )
        try:
            response = current_app.make_response(
                current_app.view_functions[endpoint](**(request.view_args or {}))
            )
        except HTTPException as refused:  # the view's own 404/403: answer it, not a 500
            flashes = session.get("_flashes")
            if KEEP_TEXT_ON_CSRF_FAILURE[endpoint] and flashes:
                flashes.pop()  # the "form kept" message belongs to no page now
            return current_app.handle_http_exception(refused)
        if response.status_code < 300:
            response.status_code = 400
        return response
    message = _(
        "Formulir ini sudah kedaluwarsa atau tidak lengkap. Muat ulang halaman, lalu coba lagi."
    )
    return render_template(
        "errors/error.html", status=400, message=message, request_id=request_id()
    ), 400


def _audit_refusal(action: str, status: int, reason: str | None = None) -> None:
    """One audit record for a refused request, in its own small transaction: anything the
    request had half-done is rolled back first, so nothing else is committed."""
    from . import audit
    from .extensions import db

    user = (
        current_user._get_current_object()
        if current_user and current_user.is_authenticated
        else None
    )
    try:
        db.session.rollback()
        audit.record(
            action,
            actor=user,
            object_type="request",
            community_id=getattr(user, "community_id", None),
            reason=reason,
            details={
                "method": request.method,
                "path": request.path[:200],
                "endpoint": request.endpoint,
                "status": status,
                "address": request.remote_addr,
            },
        )
        db.session.commit()
    except Exception:  # noqa: BLE001 - an audit failure must not turn a 404 into a 500
        db.session.rollback()
        log.exception("could not audit %s", action)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_repeated_fields)
    app.register_error_handler(CSRFError, _csrf_failed)

    from .audit import log as audit_log

    audit_log.init_app(app)

    @app.after_request
    def audit_denials(response):
        """A logged-in user refused (403) or sent to a 404 inside the portal or staff area."""
        if (
            response.status_code in (403, 404)
            and request.endpoint is not None
            and request.blueprint not in PUBLIC_BLUEPRINTS
            and not g.get("csrf_failed")
            and current_user
            and current_user.is_authenticated
        ):
            _audit_refusal("security.denied", response.status_code)
        return response

    @app.after_request
    def headers(response):
        nonce = g.get("csp_nonce")
        script = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        img = "'self' data:"
        if app.config.get("S3_PUBLIC_BASE_URL"):
            img += " " + app.config["S3_PUBLIC_BASE_URL"]
        elif app.config.get("MEDIA_BACKEND") == "s3":
            img += " https:"
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {script}; style-src 'self'; img-src {img} blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("APP_ENV") == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
