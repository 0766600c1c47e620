"""Answering an oversized upload with our own page, and making sure the browser sees it.

Flask refuses a request whose ``Content-Length`` is over ``MAX_CONTENT_LENGTH`` before
reading its body (``errors.py`` renders ``errors/too_large.html`` with status 413). But a
browser posting a form sends the whole body before it reads any answer: if the server
answers and closes the connection while the body is still coming, the browser shows
"connection reset" instead of our page. Werkzeug's development server discards leftovers
only while they arrive within 10 ms of each other (never on a patchy mobile link); other
servers close at once.

:class:`DrainOversizedBody` wraps the WSGI app: for a request declared larger than the
limit, after the app has produced its (413) response and before the server sends a byte
of it, it reads and discards the rest of the body, up to ``MAX_DRAIN_BYTES`` (default 4 ×
the limit). Bodies declared larger than that are not read: such a client gets the answer
and the connection is closed, as before. Nothing of the body is kept.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_CHUNK = 256 * 1024


class _CountingInput:
    """``wsgi.input`` that counts what the app read, so the rest can be discarded."""

    def __init__(self, stream):
        self.stream, self.consumed = stream, 0

    def read(self, size=-1):
        data = self.stream.read(size) if size is not None and size >= 0 else self.stream.read()
        self.consumed += len(data)
        return data

    def readline(self, size=-1):
        data = self.stream.readline(size)
        self.consumed += len(data)
        return data

    def readlines(self, hint=-1):
        lines = self.stream.readlines(hint)
        self.consumed += sum(len(line) for line in lines)
        return lines

    def __iter__(self):
        return iter(self.readline, b"")

    def drain(self, length: int) -> int:
        """Read and discard up to ``length`` bytes in total; returns how many were read."""
        drained = 0
        while self.consumed < length:
            try:
                data = self.read(min(_CHUNK, length - self.consumed))
            except (OSError, ValueError):  # client went away
                break
            if not data:
                break
            drained += len(data)
        return drained


class DrainOversizedBody:
    """WSGI middleware; see the module docstring. ``config`` is the app's config (read
    on each request, so tests may change ``MAX_CONTENT_LENGTH``)."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app, self.config = wsgi_app, config

    def __call__(self, environ, start_response):
        limit = self.config.get("MAX_CONTENT_LENGTH")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if not limit or length <= limit or "wsgi.input" not in environ:
            return self.wsgi_app(environ, start_response)
        counting = _CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = counting
        result = self.wsgi_app(environ, start_response)
        cap = self.config.get("MAX_DRAIN_BYTES") or 4 * limit
        if length <= cap:
            drained = counting.drain(length)
            log.info(
                "oversized request (%s bytes, limit %s): %s bytes discarded before answering",
                length,
                limit,
                drained,
            )
        return result
