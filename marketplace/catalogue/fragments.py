"""Fragments and data of the public pages kept between requests, whatever the query string
asked: a card's HTML per listing version, the filter menus, result counts.

The whole-page cache (``pagecache``) helps only a URL asked for before; shoppers and
crawlers mostly ask for new ones, yet those pages repeat the same cards, menus and counts.
These are kept here, in the worker's memory, under the **same rule** that makes a cached page
obsolete:

* the page cache's **generation** (``pagecache.current_generation``): every flush that
  touches public data bumps it, so an approval, a take-down or a business edit empties this
  store at the next request of every worker;
* the **clock**: the store also ends at the next round publication after it was filled
  (listings become public at ``publishes_at`` without any write);
* a **lifetime**: at most ``PAGE_CACHE_TIMEOUT`` seconds (as a cached page; a permit's badge
  expires by the calendar, and presigned S3 URLs by theirs), and at most
  ``FRAGMENT_CACHE_ENTRIES`` values (the store starts again when full).

``remember(key, compute)`` is the whole interface: the value for ``key`` under the current
generation, computed (and kept) on a miss. Keys are tuples the caller builds from everything
the value depends on (the locale for anything translated). Values must be immutable (plain
tuples, frozen dataclasses, ``Markup``): they are shared by every request of the worker.
``FRAGMENT_CACHE=0`` turns the store off (every value computed each time).

The generation is read once per request: from the page cache middleware when it looked the
page up (``GENERATION``, no extra query), else with one one-row query. A request that read
an older generation than the store's neither reads nor fills it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TypeVar

from flask import current_app, has_request_context, request

T = TypeVar("T")

#: Where ``pagecache.PageCache`` leaves the generation it read for this request.
GENERATION = "etalase.page_cache.generation"
_EXTENSION = "catalogue_fragments"
_lock = threading.Lock()


class _Store:
    """One generation's values; replaced (never emptied in place) when it ends."""

    __slots__ = ("generation", "until", "born", "values")

    def __init__(self, generation: int, until: datetime | None):
        self.generation = generation
        self.until = until
        self.born = time.monotonic()
        self.values: dict[Hashable, object] = {}


def request_generation() -> int:
    """The generation this request works under (read once per request)."""
    from .pagecache import current_generation

    if not has_request_context():  # a script or a test outside a request: read it now
        return current_generation()
    value = request.environ.get(GENERATION)
    if value is None:
        value = request.environ[GENERATION] = current_generation()
    return int(value)


def _store(now: datetime) -> _Store | None:
    """The store for this request's generation, a new one when the last has ended; None
    when this request is behind the store (an older generation) or the store is off."""
    app = current_app
    if not app.config.get("FRAGMENT_CACHE", True):
        return None
    generation = request_generation()
    store: _Store | None = app.extensions.get(_EXTENSION)
    lifetime = app.config.get("PAGE_CACHE_TIMEOUT", 600)
    if store is not None:
        if store.generation > generation:
            return None
        if (
            store.generation == generation
            and (store.until is None or now < store.until)
            and time.monotonic() - store.born < lifetime
            and len(store.values) < app.config.get("FRAGMENT_CACHE_ENTRIES", 20_000)
        ):
            return store
    from .pagecache import next_publication

    fresh = _Store(generation, next_publication(now))
    with _lock:
        current = app.extensions.get(_EXTENSION)
        if current is not None and current is not store and current.generation >= generation:
            return current if current.generation == generation else None
        app.extensions[_EXTENSION] = fresh
    return fresh


def remember(key: Hashable, compute: Callable[[], T], now: datetime | None = None) -> T:
    """The value kept for ``key`` under the current generation; ``compute()`` on a miss
    (then kept). ``now`` is the request's clock (``clock.now()`` when omitted)."""
    if now is None:
        from ..clock import now as clock_now

        now = clock_now()
    store = _store(now)
    if store is None:
        return compute()
    try:
        return store.values[key]  # type: ignore[return-value]
    except KeyError:
        pass
    value = compute()
    store.values[key] = value
    return value


def lookup(keys: list[Hashable], now: datetime) -> tuple[dict[Hashable, object], _Store | None]:
    """The values kept for ``keys`` (those found) and the store to ``keep`` new ones in (a
    batch form of ``remember`` for pages that compute their misses together)."""
    store = _store(now)
    if store is None:
        return {}, None
    values = store.values
    return {k: values[k] for k in keys if k in values}, store


def keep(store: _Store | None, key: Hashable, value: object) -> None:
    """Keep ``value`` for ``key`` in a store returned by ``lookup`` (no-op for None)."""
    if store is not None:
        store.values[key] = value


def clear() -> None:
    """Forget everything kept (benchmarks measure a cold page; tests start clean)."""
    current_app.extensions.pop(_EXTENSION, None)
