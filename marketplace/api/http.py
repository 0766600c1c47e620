"""The API's HTTP habits, in one place: JSON bodies with a strong ``ETag`` (a 304 for a
matching ``If-None-Match``), ``Cache-Control``, CORS for GET, and errors in one shape
(``errors.json_error``)."""

from __future__ import annotations

import hashlib
import json

from flask import current_app, request
from flask_babel import gettext as _

from ..errors import json_error

# Public data may be a minute old in a shared cache; listings taken down leave within that.
MAX_AGE = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Expose-Headers": "ETag",
    "Access-Control-Max-Age": "86400",
}


def json_response(payload: dict, *, max_age: int = MAX_AGE):
    """``payload`` as a JSON 200 with ``ETag`` (sha256 of the body, first 32 hex digits),
    ``Cache-Control: public, max-age=<max_age seconds>`` and CORS headers; a request whose
    ``If-None-Match`` names that ETag (or ``*``) gets a bodiless 304 instead."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    response = current_app.response_class(body + "\n", mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.vary.add("Accept-Language")
    response = response.make_conditional(request)
    return response


def add_cors(response):
    """CORS for the read-only API: any origin may GET (no credentials, so ``*`` is safe)."""
    for name, value in CORS_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def error(status: int, code: str, message: str):
    """An error answer: ``{"error": {"code", "message", "request_id"}}`` (see
    ``errors.json_error``)."""
    return json_error(status, code, message)


#: Query parameters that must be numbers wherever they appear, and how each is read.
NUMERIC_PARAMS = ("per_page", "min_price", "max_price")


def refuse_malformed_numbers():
    """A ``before_request`` of the API: ``per_page`` that is not a whole number (one out of
    1..100 is clamped), or a ``min_price``/``max_price`` the price reader cannot understand,
    is a 400 ``invalid_parameter`` naming the parameter (the catalogue's pages ignore such
    values with a note; a program asking the API should hear about its mistake). Empty values
    are no filter. Returns None to go on, or the error answer."""
    from ..catalogue.forms import read_price_bound

    for name in NUMERIC_PARAMS:
        raw = (request.args.get(name) or "").strip()
        if not raw:
            continue
        if name == "per_page":
            bad = not (raw.removeprefix("-").isdecimal() and len(raw) < 10)
        else:
            bad = read_price_bound(raw)[0] is None
        if bad:
            return error(
                400,
                "invalid_parameter",
                _("Nilai %(name)s tidak dapat dibaca: %(value)s", name=name, value=raw[:40]),
            )
    return None
