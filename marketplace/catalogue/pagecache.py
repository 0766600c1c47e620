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
* **Who.** Only GET/HEAD of the catalogue's public endpoints, for visitors without a
  login (no ``_user_id`` in the session, no remember cookie) and with no flashed messages
  waiting. A response is stored only if it is a 200 that asked for no CSP nonce and no CSRF
  token, set no cookie and left the session untouched.

Storage is Flask-Caching: ``SimpleCache`` (per process) by default, Redis when
``REDIS_URL`` is set. Entries hold the page compressed (Brotli and gzip), so a hit costs one
indexed one-row query and no rendering or compression. ``PAGE_CACHE=0`` turns it off.
"""
from __future__ import annotations

import gzip
import hashlib
from datetime import datetime

import brotli
import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_caching import Cache
from sqlalchemy.orm import Session

from ..auth.models import Community
from ..clock import now as clock_now
from ..extensions import db
from ..listings.models import Business, Listing, ListingStatus
from ..reference.models import Category, District
from ..rounds.models import Round
from .models import CacheState

CACHEABLE_ENDPOINTS = frozenset({
    "catalogue.home", "catalogue.catalogue", "catalogue.listing", "catalogue.business",
    "catalogue.community", "catalogue.round_page", "catalogue.sitemap", "catalogue.robots",
})
CACHEABLE_MIMETYPES = frozenset({"text/html", "application/xml", "text/plain"})
_ALWAYS_PUBLIC = (Business, Community, Category, District, Round)

cache = Cache()


# --- the generation -------------------------------------------------------------------------

def current_generation() -> int:
    """The generation now (0 if the row is missing)."""
    value = db.session.execute(
        sa.select(CacheState.generation).where(CacheState.id == 1)).scalar()
    return int(value or 0)


def bump_generation(connection=None) -> None:
    """Make every cached page obsolete (in the caller's transaction; no commit)."""
    stmt = sa.update(CacheState.__table__).where(CacheState.__table__.c.id == 1).values(
        generation=CacheState.__table__.c.generation + 1)
    (connection or db.session).execute(stmt)


def _touches_public(session: Session) -> bool:
    approved = ListingStatus.APPROVED
    for obj in session.new:
        if isinstance(obj, (Round, Category, District)):
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
                    obj, include_collections=False):
                return True
    return False


def _after_flush(session: Session, _flush_context) -> None:
    if _touches_public(session):
        bump_generation(session.connection())


def listen() -> None:
    """Install the bump listener on every ORM session (idempotent)."""
    if not sa.event.contains(Session, "after_flush", _after_flush):
        sa.event.listen(Session, "after_flush", _after_flush)


# --- lookup and store -----------------------------------------------------------------------

def next_publication(at: datetime) -> datetime | None:
    """The first round publication strictly after ``at`` (when pages change by the clock)."""
    return db.session.execute(
        sa.select(sa.func.min(Round.publishes_at)).where(Round.publishes_at > at)).scalar()


def _encoding() -> str:
    """``br``, ``gzip`` or ``identity``: what this client accepts, best first."""
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").lower().split(","):
        name, _, params = part.strip().partition(";")
        if params.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        accepted.add(name.strip())
    for name in ("br", "gzip"):
        if name in accepted:
            return name
    return "identity"


def _anonymous() -> bool:
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False
    if current_app.config.get("SESSION_COOKIE_NAME", "session") not in request.cookies:
        return True
    return "_user_id" not in session and "_flashes" not in session


def _key() -> str:
    raw = f"{current_generation()}|{get_locale()}|{request.full_path}"
    return "page:" + hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _respond(entry: dict):
    encoding = _encoding()
    if encoding == "identity":
        body = gzip.decompress(entry["gzip"])
    else:
        body = entry[encoding]
    response = current_app.response_class(body, status=200, mimetype=entry["mimetype"])
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    response.set_etag(entry["etag"])
    return response.make_conditional(request)


def lookup():
    """``before_request``: serve a stored page, or note the key to store this one under."""
    if (not current_app.config.get("PAGE_CACHE", True) or request.method not in ("GET", "HEAD")
            or request.endpoint not in CACHEABLE_ENDPOINTS or not _anonymous()):
        return None
    key = _key()
    entry = cache.get(key)
    if entry is not None:
        until = entry.get("until")
        if until is None or clock_now() < until:
            g.page_cache_hit = True
            return _respond(entry)
    g.page_cache_key = key
    return None


def store(response):
    """``after_request``: keep a fresh anonymous page, answered compressed."""
    key = g.pop("page_cache_key", None)
    if (key is None or response.status_code != 200 or response.direct_passthrough
            or response.is_streamed or response.mimetype not in CACHEABLE_MIMETYPES
            or "Set-Cookie" in response.headers or "Content-Encoding" in response.headers
            or g.get("csp_nonce") or g.get("csrf_token") or session.modified
            or "_user_id" in session or "_flashes" in session):
        return response
    body = response.get_data()
    level = current_app.config.get("COMPRESS_LEVEL", 6)
    entry = {
        "mimetype": response.mimetype,
        "gzip": gzip.compress(body, compresslevel=level, mtime=0),
        "br": brotli.compress(body, quality=current_app.config.get("COMPRESS_BR_LEVEL", 4)),
        "etag": hashlib.sha1(body).hexdigest()[:20],
        "until": next_publication(clock_now()),
    }
    cache.set(key, entry, timeout=current_app.config.get("PAGE_CACHE_TIMEOUT", 600))
    fresh = _respond(entry)
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length", "content-encoding", "vary", "etag"):
            fresh.headers.setdefault(name, value)
    return fresh


def init_app(app: Flask) -> None:
    """Configure the cache store (Redis with ``REDIS_URL``, else in-process) and the
    generation listener."""
    redis_url = app.config.get("REDIS_URL")
    config = {"CACHE_KEY_PREFIX": "etalase:"}
    if app.config.get("CACHE_TYPE"):
        config["CACHE_TYPE"] = app.config["CACHE_TYPE"]
    elif redis_url:
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
    else:
        config.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=app.config.get("PAGE_CACHE_ENTRIES", 2000))
    cache.init_app(app, config=config)
    listen()
