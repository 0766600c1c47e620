"""Security headers with a per-request CSP nonce, and the safe ``next`` redirect check."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, g


def csp_nonce() -> str:
    """The nonce for inline ``<script nonce=…>`` on this response."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def is_safe_next(target: str | None) -> bool:
    """True only for a local path such as ``/portal/``: no scheme, host, ``//`` or ``\\``."""
    if not target or not isinstance(target, str):
        return False
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")) or "%5c" in target.lower():
        return False
    if not target.startswith("/") or target.startswith("//") or target.lower().startswith("/%2f"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

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
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
