"""Domain errors (each carries a message for the user) and the HTTP error pages."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the user as is."""

    status_code = 400
    default_message = _l("Permintaan tidak dapat diproses.")

    def __init__(self, message: str | None = None):
        self.message = message if message is not None else str(self.default_message)
        super().__init__(self.message)


class InvalidTransition(DomainError):
    """A listing (or community) cannot move from its state by this action."""

    status_code = 409
    default_message = _l("Tindakan ini tidak berlaku untuk status produk saat ini.")


class RoundClosed(DomainError):
    """The round does not accept submissions (not open yet, or past its deadline)."""

    status_code = 409
    default_message = _l("Periode promosi sedang tidak menerima pengajuan.")


class QuotaExceeded(DomainError):
    """The community has used every slot of the round's quota."""

    status_code = 409
    default_message = _l("Kuota komunitas untuk periode ini sudah penuh.")


class StaleVersion(DomainError):
    """The listing changed, or was decided, since the moderator opened it."""

    status_code = 409
    default_message = _l("Produk ini sudah berubah sejak Anda membukanya.")


class ImageRejected(DomainError):
    """An uploaded file is not an acceptable product photo."""

    status_code = 400
    default_message = _l("Foto tidak dapat diterima.")


class StorageFailed(DomainError):
    """The photo store could not be written (wrong bucket, S3 down, disk full): nothing of
    the save was kept; the user may try again."""

    status_code = 503
    default_message = _l("Foto belum bisa disimpan, coba lagi sebentar lagi.")


class NotAllowed(DomainError):
    """The acting user may not do this."""

    status_code = 403
    default_message = _l("Anda tidak memiliki akses untuk tindakan ini.")


class InvalidInput(DomainError):
    """A typed value could not be understood (phone, price, handle…)."""

    status_code = 400


class FormErrors(InvalidInput):
    """Several fields were wrong; ``errors`` maps field name → user-facing message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(str(_l("Periksa lagi isian yang ditandai.")))


def add_errors(form, errors: dict[str, str]) -> None:
    """Attach service errors (field name → user-facing message, as ``FormErrors.errors``)
    to a Flask-WTF form's fields; names the form lacks are ignored."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


def request_id() -> str:
    """The id of the current request, shown on error pages and written to the log."""
    if "request_id" not in g:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
    return g.request_id


API_ERROR_MESSAGES = {
    "bad_request": _l("Permintaan tidak dapat dipahami."),
    "forbidden": _l("Akses ditolak."),
    "not_found": _l("Tidak ditemukan."),
    "method_not_allowed": _l("Metode ini tidak diizinkan; API ini hanya untuk dibaca (GET)."),
    "too_large": _l("Permintaan terlalu besar."),
    "too_many_requests": _l("Terlalu banyak permintaan; coba lagi sebentar lagi."),
    "server_error": _l("Terjadi kesalahan di server."),
}


def json_error(status: int, code: str, message: str | None = None):
    """The JSON API's one error shape: ``{"error": {"code", "message", "request_id"}}`` with
    ``status``; ``code`` is a stable machine word (``not_found``, ``invalid_cursor``…),
    ``message`` a sentence for people (Indonesian by default)."""
    from flask import jsonify

    text = message if message is not None else API_ERROR_MESSAGES.get(code, code)
    response = jsonify(error={"code": code, "message": str(text), "request_id": request_id()})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def register_error_handlers(app: Flask) -> None:
    """Render our own pages for 400/403/404/405/413/429/500 and domain errors."""
    from .extensions import db

    def render(status: int):
        if request.path.startswith("/api/"):  # the JSON API answers errors in JSON
            names = {
                400: "bad_request",
                403: "forbidden",
                404: "not_found",
                405: "method_not_allowed",
                413: "too_large",
                429: "too_many_requests",
            }
            return json_error(status, names.get(status, "server_error"))
        return render_template("errors/error.html", status=status, request_id=request_id()), status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 413:
            return render_template("errors/too_large.html", request_id=request_id()), 413
        if exc.code in (400, 403, 404, 405, 429):
            return render(exc.code)
        return exc

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        return render_template(
            "errors/error.html",
            status=exc.status_code,
            message=exc.message,
            request_id=request_id(),
        ), exc.status_code

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        db.session.rollback()
        log.exception("unhandled error request_id=%s", request_id())
        return render(500)
