"""Whole-page cache for anonymous shoppers, invalidated by every change to public data.

How a public page stays correct:

* **Generation.** ``catalogue_cache_state.generation`` (one row) is part of every cache key.
  An SQLAlchemy ``after_flush`` listener bumps it *in the same transaction* whenever a flush
  touches public data: a listing that is, was or becomes approved (approve, withdraw, take
  down; publication by ``publish_now`` changes the round), any change to a business,
  community, category or district, any new or changed round. So a decision committed by
  one worker makes every page cached by any worker obsolete at once, and nothing is bumped
  for a community editing its drafts. (Bulk loads through Core ``insert()`` bypass the
  listener: bump with ``bump_generation`` after them.)
* **Clock.** Listings become public by the clock (``Round.publishes_at``), with no write at
  that moment. Each entry keeps the next publication instant after the time it was built
  and is not served from then on.
* **Who.** Only GET/HEAD of the pages declared in ``CACHEABLE_ENDPOINTS``, from visitors
  without a session or remember cookie (so nobody logged in and no flashed message
  waiting). A response is stored only if it is a 200 that asked for no CSP nonce and no
  CSRF token, set no cookie and left the session untouched.
* **Where.** ``PageCache`` is WSGI middleware: a hit never reaches Flask (no request
  context, hooks, session or template), which is what lets a page approach a bare
  hello-world's rate. The first answer's final headers (CSP and the other security
  headers) are replayed with it.

Storage is Flask-Caching: ``SimpleCache`` (per process) by default, Redis when
``REDIS_URL`` is set. Entries hold the page compressed (Brotli and gzip), so a hit costs one
indexed one-row query and no rendering or compression. With several workers and no Redis,
each worker keeps its own copy (and loses it when gunicorn recycles the worker).
``PAGE_CACHE=0`` turns it off.
"""

from __future__ import annotations

import gzip
import hashlib
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

import brotli
import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_caching import Cache
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import get_path_info

from ..auth.models import Community
from ..clock import now as clock_now
from ..extensions import db
from ..listings.models import Business, Listing, ListingStatus, Permit
from ..reference.models import Category, District
from ..rounds.models import Round
from .fragments import GENERATION
from .models import CacheState

# The public pages that may be served from the cache: declared here and nowhere else. The
# middleware looks a request up only when the app's own routes (``url_map``) send it to one
# of these endpoints, and ``store`` keeps only their pages, so a page added here is cached
# and one left out is neither stored nor served.
CACHEABLE_ENDPOINTS = frozenset(
    {
        "catalogue.home",
        "catalogue.catalogue",
        "catalogue.listing",
        "catalogue.business",
        "catalogue.community",
        "catalogue.round_page",
        "catalogue.sitemap",
        "catalogue.robots",
        "feeds.meta",
        "feeds.google",
        "feeds.rounds",
    }
)
CACHEABLE_MIMETYPES = frozenset(
    {
        "text/html",
        "application/xml",
        "text/plain",
        "text/csv",
        "application/rss+xml",
        "application/atom+xml",
    }
)
_ALWAYS_PUBLIC = (Business, Permit, Community, Category, District, Round)  # permits: badges

cache = Cache()


# --- the generation -------------------------------------------------------------------------


def current_generation() -> int:
    """The generation now (0 if the row is missing)."""
    value = db.session.execute(sa.select(CacheState.generation).where(CacheState.id == 1)).scalar()
    return int(value or 0)


def bump_generation(connection=None) -> None:
    """Make every cached page obsolete (in the caller's transaction; no commit)."""
    stmt = (
        sa.update(CacheState.__table__)
        .where(CacheState.__table__.c.id == 1)
        .values(generation=CacheState.__table__.c.generation + 1)
    )
    (connection or db.session).execute(stmt)


def _touches_public(session: Session) -> bool:
    approved = ListingStatus.APPROVED
    for obj in session.new:
        if isinstance(obj, (Round, Category, District, Permit)):
            return True
        if isinstance(obj, Listing) and obj.status == approved:
            return True
    for obj in session.deleted:
        if isinstance(obj, _ALWAYS_PUBLIC) or (isinstance(obj, Listing) and obj.status == approved):
            return True
    for obj in session.dirty:
        if isinstance(obj, _ALWAYS_PUBLIC):
            if session.is_modified(obj, include_collections=False):
                return True
        elif isinstance(obj, Listing):
            before = sa.inspect(obj).attrs.status.history.deleted
            if (obj.status == approved or approved in before) and session.is_modified(
                obj, include_collections=False
            ):
                return True
    return False


def _after_flush(session: Session, _flush_context) -> None:
    if _touches_public(session):
        bump_generation(session.connection())


def listen() -> None:
    """Install the bump listener on every ORM session (idempotent)."""
    if not sa.event.contains(Session, "after_flush", _after_flush):
        sa.event.listen(Session, "after_flush", _after_flush)


# --- lookup (a WSGI middleware) and store (a Flask hook) -------------------------------------

ENTRY_KEY = "etalase.page_cache.key"
ENTRY = "etalase.page_cache.entry"
# How many listings a catalogue page found (the view sets it; a hit replays it), for the
# demand counter outside this middleware (``demand.middleware``).
RESULTS = "etalase.catalogue.results"
# Headers of the first response that are not replayed: per-response or per-encoding ones.
_GENERATION_SQL = "SELECT generation FROM catalogue_cache_state WHERE id = 1"
_NOT_REPLAYED = {
    "content-length",
    "content-encoding",
    "set-cookie",
    "x-request-id",
    "date",
    "etag",
    "vary",
    "server",
}


def normalised_query(query_string: str) -> str:
    """The query string as a cache key part: parameters sorted by name (each name's values in
    their order), empty ones dropped, so ``?urut=murah&q=kopi``, ``?q=kopi&urut=murah`` and
    ``?q=kopi&kategori=&urut=murah`` share one entry (the pages read an empty parameter as an
    absent one). Percent-encoding differences (``+`` or ``%20``) decode to the same value."""
    pairs = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if v.strip()]
    return urlencode(sorted(pairs, key=lambda kv: kv[0]))


def next_publication(at: datetime) -> datetime | None:
    """The first round publication strictly after ``at`` (when pages change by the clock)."""
    return db.session.execute(
        sa.select(sa.func.min(Round.publishes_at)).where(Round.publishes_at > at)
    ).scalar()


def _encoding(accept: str) -> str:
    """``br``, ``gzip`` or ``identity``: what the client accepts, best first."""
    accepted = set()
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        if params.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        accepted.add(name.strip())
    for name in ("br", "gzip"):
        if name in accepted:
            return name
    return "identity"


class PageCache:
    """WSGI middleware in front of Flask: a hit is answered before Flask builds a request,
    runs its hooks, loads a session or renders anything (one one-row query for the
    generation, one cache read). A miss goes through the app; ``store`` (a Flask hook) then
    hands the page over in the WSGI environ and the middleware keeps it together with the
    final headers (security headers included), so a hit answers exactly what the app
    answered, with a fresh ``X-Request-Id``.

    Eligible: GET/HEAD of a path the app routes to one of ``CACHEABLE_ENDPOINTS``, without a
    session or remember cookie (so nobody logged in, no flashed message). The key holds the
    generation, scheme, host, path and query, the ``lang`` cookie and ``Accept-Language``
    (whatever picks the locale).
    """

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._engine = None
        self._routes = None
        self.cookie_names = (
            app.config.get("SESSION_COOKIE_NAME", "session"),
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )

    def _eligible(self, environ) -> bool:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return False
        if self._endpoint(environ) not in CACHEABLE_ENDPOINTS:
            return False
        cookies = environ.get("HTTP_COOKIE", "")
        if cookies:
            names = {c.split("=", 1)[0].strip() for c in cookies.split(";")}
            if any(name in names for name in self.cookie_names):
                return False
        return self.app.config.get("PAGE_CACHE", True)

    def _endpoint(self, environ) -> str | None:
        """The endpoint the app would dispatch this GET to (None when no route matches)."""
        if self._routes is None:
            # Bound once, at the first request: routes are all registered by then. The host
            # plays no part (no host or subdomain matching).
            self._routes = self.app.url_map.bind("localhost")
        try:
            endpoint, _values = self._routes.match(get_path_info(environ), method="GET")
        except HTTPException:  # no such page, or a redirect (trailing or doubled slashes)
            return None
        return endpoint

    def _generation(self) -> int:
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        # Plain SQL: this runs on every hit, and building a Core statement costs more than
        # the query itself.
        with self._engine.connect() as conn:
            value = conn.exec_driver_sql(_GENERATION_SQL).scalar()
        return int(value or 0)

    def _key(self, environ) -> str:
        lang = ""
        for part in environ.get("HTTP_COOKIE", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "lang":
                lang = value
        generation = self._generation()
        # The catalogue's fragment store works under the same generation (no second query).
        environ[GENERATION] = generation
        raw = "|".join(
            (
                str(generation),
                environ.get("wsgi.url_scheme", ""),
                environ.get("HTTP_HOST", ""),
                environ.get("PATH_INFO", ""),
                normalised_query(environ.get("QUERY_STRING", "")),
                lang[:20],
                environ.get("HTTP_ACCEPT_LANGUAGE", "")[:100],
            )
        )
        return "page:" + hashlib.sha1(raw.encode("utf-8", "surrogateescape")).hexdigest()

    def _now(self) -> datetime:
        clock = self.app.config.get("CLOCK")
        return clock() if clock is not None else datetime.now(UTC)

    def __call__(self, environ, start_response):
        if not self._eligible(environ):
            return self.wsgi_app(environ, start_response)
        key = self._key(environ)
        backend = self.app.extensions["cache"][cache]
        entry = backend.get(key)
        if entry is not None and (entry["until"] is None or self._now() < entry["until"]):
            if "results" in entry:
                environ[RESULTS] = entry["results"]
            return self._replay(entry, environ, start_response)
        environ[ENTRY_KEY] = key
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        fresh = environ.get(ENTRY)
        if (
            fresh is not None
            and captured.get("status", "").startswith("200")
            and not any(name.lower() == "set-cookie" for name, _ in captured["headers"])
        ):
            fresh["headers"] = [
                (n, v) for n, v in captured["headers"] if n.lower() not in _NOT_REPLAYED
            ]
            backend.set(key, fresh, timeout=self.app.config.get("PAGE_CACHE_TIMEOUT", 600))
        return body

    def _replay(self, entry: dict, environ, start_response):
        encoding = _encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        body = gzip.decompress(entry["gzip"]) if encoding == "identity" else entry[encoding]
        etag = f'"{entry["etag"]}-{encoding}"'
        headers = list(entry["headers"])
        headers += [
            ("ETag", etag),
            ("Vary", "Accept-Encoding, Cookie"),
            ("X-Request-Id", uuid.uuid4().hex[:16]),
        ]
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", headers)
            return [b""]
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def store(response):
    """``after_request`` of the catalogue: hand a fresh anonymous page to ``PageCache``.

    Only a page of ``CACHEABLE_ENDPOINTS``: a 200 of a cacheable type that asked for no CSP
    nonce and no CSRF token, and left the session untouched; the entry keeps the page
    compressed (Brotli and gzip) and when it stops being valid (the next publication)."""
    if (
        ENTRY_KEY not in request.environ
        or request.endpoint not in CACHEABLE_ENDPOINTS
        or response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or response.mimetype not in CACHEABLE_MIMETYPES
        or "Content-Encoding" in response.headers
        or g.get("csp_nonce")
        or g.get("csrf_token")
        or session.modified
        or "_user_id" in session
        or "_flashes" in session
    ):
        return response
    body = response.get_data()
    request.environ[ENTRY] = {
        "gzip": gzip.compress(
            body, compresslevel=current_app.config.get("COMPRESS_LEVEL", 6), mtime=0
        ),
        "br": brotli.compress(body, quality=current_app.config.get("COMPRESS_BR_LEVEL", 4)),
        "etag": hashlib.sha1(body).hexdigest()[:20],
        "until": next_publication(clock_now()),
    }
    if RESULTS in request.environ:
        request.environ[ENTRY]["results"] = request.environ[RESULTS]
    return response


def init_app(app: Flask) -> None:
    """Configure the cache store (Redis with ``REDIS_URL``, else in-process) and the
    generation listener. The settings (``PAGE_CACHE``, ``PAGE_CACHE_TIMEOUT``,
    ``PAGE_CACHE_ENTRIES``) live in ``config.py``; ``create_app`` installs ``PageCache``."""
    redis_url = app.config.get("REDIS_URL")
    config = {"CACHE_KEY_PREFIX": "etalase:"}
    if app.config.get("CACHE_TYPE"):
        config["CACHE_TYPE"] = app.config["CACHE_TYPE"]
    elif redis_url:
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
    else:
        config.update(
            CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=app.config.get("PAGE_CACHE_ENTRIES", 2000)
        )
    cache.init_app(app, config=config)
    listen()
