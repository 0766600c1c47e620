"""How the app sits in production: behind a reverse proxy, logging for operators.

* ``PROXY_FIX_X_FOR`` / ``PROXY_FIX_X_PROTO`` / ``PROXY_FIX_X_HOST`` (numbers of trusted
  proxies, 0 = off, the default): wraps the app in Werkzeug's ``ProxyFix`` so the client
  address (rate limits) and the scheme (Secure cookies, external URLs) come from the
  proxy's ``X-Forwarded-*`` headers. Off by default: without a proxy those headers are
  whatever the client typed.
* ``LOG_FORMAT`` = ``json`` (default in production) or ``text``; ``LOG_LEVEL`` (``INFO``).
  Every request writes one line: method, path (without the query string), status,
  duration in ms and the request id, which error pages show and the ``X-Request-Id``
  response header carries. No addresses, no user names, no form data.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from .errors import request_id

request_log = logging.getLogger("marketplace.request")

REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "request_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request fields
    when present, and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if "request_id" not in entry and has_request_context():
            entry["request_id"] = request_id()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(app: Flask) -> None:
    """One handler on the root logger, JSON or text by ``LOG_FORMAT``; idempotent."""
    root = logging.getLogger()
    root.setLevel(app.config.get("LOG_LEVEL") or "INFO")
    if app.testing:  # pytest captures the records itself
        return
    handler = next((h for h in root.handlers if getattr(h, "_etalase", False)), None)
    if handler is None:
        handler = _StderrHandler()
        handler._etalase = True
        root.addHandler(handler)
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))


def init_app(app: Flask) -> None:
    """Logging and the per-request log line (ProxyFix is installed by ``create_app``)."""
    configure_logging(app)

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started else None
        rid = request_id()
        response.headers.setdefault("X-Request-Id", rid)
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(duration, 1) if duration is not None else None,
                "request_id": rid,
            },
        )
        return response
