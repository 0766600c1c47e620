"""The counting middleware: every catalogue search and every listing page view, served from
the page cache or not.

``DemandCounter`` wraps ``PageCache`` (``create_app`` installs it just outside), so it sees
hits and misses alike. The catalogue view (on a miss) or the page cache (on a hit) leaves
the number of listings found in the WSGI environ under ``catalogue.pagecache.RESULTS``;
the middleware reads the query string itself, so no Flask request is needed on a hit.

A listing page (``/produk/<id>`` or ``/produk/<id>-<slug>``) counts as one view of that
listing when it answers 200 to a GET (not a HEAD, a browser prefetch, a redirect or a 404),
with its distinct visitors told apart the same way as searches (``counters``).

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
import re
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
from .flush import write_counts, write_views
from .models import KIND_SEARCH

log = logging.getLogger(__name__)
CATALOGUE_PATH = "/katalog"
LISTING_PATH = re.compile(r"/produk/([1-9][0-9]{0,17})(?:-[^/]*)?")
LISTING_ENDPOINT = "catalogue.listing"
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
        self._tick()

    def record_view(self, listing_id: int, address: str) -> None:
        """Count one view of a listing's page (hot path), flushing when due."""
        self.store.add_view(to_wib(self.now()).date(), listing_id, address or "")
        self._tick()

    def _tick(self) -> None:
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
            today = to_wib(self.now()).date()
            counts, visitors = self.store.drain(today)
            views, viewers = self.store.drain_views(today)
            if not counts and not visitors and not views and not viewers:
                return
            with self.app.app_context():
                try:
                    write_counts(counts, visitors)
                    write_views(views, viewers)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    log.exception(
                        "demand: a batch of %d counts and %d views was lost",
                        len(counts),
                        len(views),
                    )
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
        path = environ.get("PATH_INFO", "")
        if path != CATALOGUE_PATH and path.startswith("/produk/"):
            view = LISTING_PATH.fullmatch(path)
            if view and environ.get("REQUEST_METHOD") == "GET":
                return self._viewed(int(view.group(1)), environ, start_response)
            return self.wsgi_app(environ, start_response)
        if (
            path != CATALOGUE_PATH
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

    def _viewed(self, listing_id: int, environ, start_response):
        if not self.app.config.get("DEMAND_COUNTING", True):
            return self.wsgi_app(environ, start_response)
        status = []

        def capture(code, headers, exc_info=None):
            status.append(code)
            return start_response(code, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        try:
            if (
                status
                and status[0].startswith("200")
                and not environ.get(STAFF)
                and not is_bot(environ.get("HTTP_USER_AGENT"))
                and "prefetch"
                not in (environ.get("HTTP_SEC_PURPOSE", "") + environ.get("HTTP_PURPOSE", ""))
            ):
                self.demand.record_view(listing_id, environ.get("REMOTE_ADDR", ""))
        except Exception:  # counting never breaks a page
            log.exception("demand: a view was not counted")
        return body

    def _count(self, environ) -> None:
        results = environ.get(RESULTS)
        if results is None or environ.get(STAFF) or is_bot(environ.get("HTTP_USER_AGENT")):
            return
        facts = from_query_string(environ.get("QUERY_STRING", ""), int(results))
        if facts is not None:
            self.demand.record(facts, environ.get("REMOTE_ADDR", ""))


def mark_staff(response):
    """``after_request``: a staff member's own searches and views are not counted."""
    counted = request.path == CATALOGUE_PATH or request.endpoint == LISTING_ENDPOINT
    if counted and current_user and current_user.is_authenticated:
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
