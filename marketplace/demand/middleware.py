"""The counting middleware: every catalogue search, served from the page cache or not.

``DemandCounter`` wraps ``PageCache`` (``create_app`` installs it just outside), so it sees
hits and misses alike. The catalogue view (on a miss) or the page cache (on a hit) leaves
the number of listings found in the WSGI environ under ``catalogue.pagecache.RESULTS``;
the middleware reads the query string itself, so no Flask request is needed on a hit.

Not counted: other pages and later pages (a cursor), bots (by user agent), staff sessions
(``mark_staff``, an ``after_request`` hook, flags them), queries that look personal.
Nothing reaches the database on the request path but the one request that crosses the
flush threshold (``DEMAND_FLUSH_SECONDS`` or ``DEMAND_FLUSH_REQUESTS``), which writes the
batch after its response is built. Counts not yet flushed when a process crashes are lost
(at most one batch: seconds); a normal shutdown flushes them (``atexit``).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from datetime import UTC, datetime

from flask import Flask, request
from flask_login import current_user

from ..catalogue.pagecache import RESULTS
from ..clock import to_wib
from ..extensions import db
from .counters import MemoryCounts, RedisCounts
from .facts import from_query_string, is_bot
from .flush import write_counts
from .models import KIND_SEARCH

log = logging.getLogger(__name__)
CATALOGUE_PATH = "/katalog"
STAFF = "etalase.demand.staff"


class Demand:
    """The app's demand counter: a store (``MemoryCounts`` or ``RedisCounts``) and the flush
    policy. ``record`` is the hot path; ``flush`` writes a batch (own app context, one
    commit); ``shutdown`` is the last flush."""

    def __init__(self, app: Flask):
        self.app = app
        url = app.config.get("REDIS_URL")
        self.store = RedisCounts(url) if url else MemoryCounts()
        self.every_seconds = float(app.config.get("DEMAND_FLUSH_SECONDS", 30))
        self.every_requests = int(app.config.get("DEMAND_FLUSH_REQUESTS", 500))
        self._since = 0
        self._last = time.monotonic()
        self._flushing = threading.Lock()

    def now(self) -> datetime:
        clock = self.app.config.get("CLOCK")
        return clock() if clock is not None else datetime.now(UTC)

    def record(self, facts, address: str, kind: str = KIND_SEARCH) -> None:
        """Count one search (hot path: memory or one Redis pipeline), flushing when due."""
        self.store.add(to_wib(self.now()).date(), kind, facts, address or "")
        self._since += 1
        if self._since >= self.every_requests or (
            time.monotonic() - self._last >= self.every_seconds
        ):
            self.flush()

    def flush(self) -> None:
        """Write what gathered since the last flush (skipped if another thread is at it).
        A failed write is logged and its batch dropped (a few seconds of counts)."""
        if not self._flushing.acquire(blocking=False):
            return
        try:
            self._since, self._last = 0, time.monotonic()
            counts, visitors = self.store.drain(to_wib(self.now()).date())
            if not counts and not visitors:
                return
            with self.app.app_context():
                try:
                    write_counts(counts, visitors)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    log.exception("demand: a batch of %d counts was lost", len(counts))
        finally:
            self._flushing.release()

    def shutdown(self) -> None:
        """The last flush (``atexit`` calls it when the process ends normally)."""
        try:
            self.flush()
        except Exception:
            log.exception("demand: counts lost at shutdown")


class DemandCounter:
    """WSGI middleware counting catalogue searches around ``PageCache`` (see module doc)."""

    def __init__(self, wsgi_app, app: Flask, demand: Demand):
        self.wsgi_app = wsgi_app
        self.app = app
        self.demand = demand

    def __call__(self, environ, start_response):
        if (
            environ.get("PATH_INFO") != CATALOGUE_PATH
            or environ.get("REQUEST_METHOD") != "GET"
            or "q=" not in environ.get("QUERY_STRING", "")
            or not self.app.config.get("DEMAND_COUNTING", True)
        ):
            return self.wsgi_app(environ, start_response)
        body = self.wsgi_app(environ, start_response)
        try:
            self._count(environ)
        except Exception:  # counting never breaks a page
            log.exception("demand: a search was not counted")
        return body

    def _count(self, environ) -> None:
        results = environ.get(RESULTS)
        if results is None or environ.get(STAFF) or is_bot(environ.get("HTTP_USER_AGENT")):
            return
        facts = from_query_string(environ.get("QUERY_STRING", ""), int(results))
        if facts is not None:
            self.demand.record(facts, environ.get("REMOTE_ADDR", ""))


def mark_staff(response):
    """``after_request``: a staff member's own searches are not counted."""
    if request.path == CATALOGUE_PATH and current_user and current_user.is_authenticated:
        if getattr(current_user, "is_staff", False):
            request.environ[STAFF] = True
    return response


def _at_exit(ref) -> None:
    demand = ref()
    if demand is not None:
        demand.shutdown()


def install(app: Flask):
    """Wrap ``app.wsgi_app`` (already holding ``PageCache``) with the counter; returns the
    ``Demand`` (also ``app.extensions["demand"]``). Outside tests, flush at process exit."""
    demand = Demand(app)
    app.extensions["demand"] = demand
    app.after_request(mark_staff)
    app.wsgi_app = DemandCounter(app.wsgi_app, app, demand)
    if not app.testing:
        atexit.register(_at_exit, weakref.ref(demand))
    return demand
