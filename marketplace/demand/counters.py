"""Where counts gather between flushes: process memory (default) or Redis (``REDIS_URL``).

Both answer ``add(day, kind, facts, address)`` (a search) and ``add_view(day, listing_id,
address)`` (a listing page seen) on the hot path (no database), and ``drain()`` /
``drain_views()`` for the flush. Visitors are told apart only by ``sha256(salt +
address)``, where the salt is random per WIB day and lives only in memory (in Redis with a
two-day expiry when shared, so every worker agrees); the hash sets of a day are dropped
once the day is over (memory) or expire with it (Redis).
Nothing here is ever written to disk by the app.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import Counter
from datetime import date

from .facts import SearchFacts

# (day, kind, query, bucket, category, district) → searches
CountKey = tuple[date, str, str, str, str, str]
# (day, query) → distinct visitors so far that day
VisitorKey = tuple[date, str]
# (day, listing id) → views, or distinct viewers so far that day
ViewKey = tuple[date, int]
TWO_DAYS = 2 * 24 * 3600


def _hash(salt: bytes, address: str) -> str:
    return hashlib.sha256(salt + address.encode("utf-8", "replace")).hexdigest()[:16]


class MemoryCounts:
    """Counts in this process (one per app). Thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter[CountKey] = Counter()
        self._visitors: dict[VisitorKey, set[str]] = {}
        self._touched: set[VisitorKey] = set()
        self._salts: dict[date, bytes] = {}
        self._views: Counter[ViewKey] = Counter()
        self._viewers: dict[ViewKey, set[str]] = {}
        self._seen: set[ViewKey] = set()

    def _salt(self, day: date) -> bytes:
        salt = self._salts.get(day)
        if salt is None:
            salt = self._salts[day] = secrets.token_bytes(16)
        return salt

    def add(self, day: date, kind: str, facts: SearchFacts, address: str) -> None:
        """Count one search of ``facts`` on ``day`` by the visitor at ``address``."""
        with self._lock:
            salt = self._salt(day)
            key = (day, kind, facts.query, facts.bucket, facts.category, facts.district)
            self._counts[key] += 1
            self._visitors.setdefault((day, facts.query), set()).add(_hash(salt, address))
            self._touched.add((day, facts.query))

    def add_view(self, day: date, listing_id: int, address: str) -> None:
        """Count one view of a listing's page on ``day`` by the visitor at ``address``."""
        with self._lock:
            key = (day, listing_id)
            self._views[key] += 1
            self._viewers.setdefault(key, set()).add(_hash(self._salt(day), address))
            self._seen.add(key)

    def pending(self) -> int:
        return len(self._counts) + len(self._views)

    def drain(self, today: date) -> tuple[dict[CountKey, int], dict[VisitorKey, int]]:
        """Take the counts gathered since the last drain and the visitor totals (for the
        whole day so far) of the queries touched since; forget hashes and salts of days
        before ``today``."""
        with self._lock:
            counts, self._counts = dict(self._counts), Counter()
            visitors = {key: len(self._visitors.get(key, ())) for key in self._touched}
            self._touched = set()
            for key in [k for k in self._visitors if k[0] < today]:
                del self._visitors[key]
            self._forget_salts(today)
        return counts, visitors

    def drain_views(self, today: date) -> tuple[dict[ViewKey, int], dict[ViewKey, int]]:
        """Take the views gathered since the last drain and the day's distinct viewers of the
        listings seen since; forget viewer hashes of days before ``today``."""
        with self._lock:
            views, self._views = dict(self._views), Counter()
            viewers = {key: len(self._viewers.get(key, ())) for key in self._seen}
            self._seen = set()
            for key in [k for k in self._viewers if k[0] < today]:
                del self._viewers[key]
            self._forget_salts(today)
        return views, viewers

    def _forget_salts(self, today: date) -> None:
        """Drop the salts of closed days once neither searches nor views still need them."""
        for day in [d for d in self._salts if d < today]:
            if not any(k[0] == day for k in self._visitors) and not any(
                k[0] == day for k in self._viewers
            ):
                del self._salts[day]


class RedisCounts:
    """Counts shared by every worker in Redis: one pipeline per counted search."""

    def __init__(self, url: str, prefix: str = "etalase:demand:"):
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self._salt: tuple[date, bytes] | None = None

    def _day_salt(self, day: date) -> bytes:
        if self._salt is not None and self._salt[0] == day:
            return self._salt[1]
        key = f"{self.prefix}salt:{day.isoformat()}"
        self.redis.set(key, secrets.token_hex(16), nx=True, ex=TWO_DAYS)
        salt = self.redis.get(key) or b""
        self._salt = (day, salt)
        return salt

    def add(self, day: date, kind: str, facts: SearchFacts, address: str) -> None:
        """Count one search of ``facts`` on ``day`` by the visitor at ``address``."""
        visitor = _hash(self._day_salt(day), address)
        field = json.dumps(
            [day.isoformat(), kind, facts.query, facts.bucket, facts.category, facts.district]
        )
        vkey = f"{self.prefix}v:{day.isoformat()}:{facts.query}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(f"{self.prefix}counts", field, 1)
        pipe.sadd(vkey, visitor)
        pipe.expire(vkey, TWO_DAYS)
        pipe.sadd(f"{self.prefix}touched", json.dumps([day.isoformat(), facts.query]))
        pipe.execute()

    def add_view(self, day: date, listing_id: int, address: str) -> None:
        """Count one view of a listing's page on ``day`` by the visitor at ``address``."""
        visitor = _hash(self._day_salt(day), address)
        field = f"{day.isoformat()}:{int(listing_id)}"
        vkey = f"{self.prefix}lv:{field}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(f"{self.prefix}views", field, 1)
        pipe.sadd(vkey, visitor)
        pipe.expire(vkey, TWO_DAYS)
        pipe.sadd(f"{self.prefix}seen", field)
        pipe.execute()

    def pending(self) -> int:
        return int(self.redis.hlen(f"{self.prefix}counts")) + int(
            self.redis.hlen(f"{self.prefix}views")
        )

    def drain_views(self, today: date) -> tuple[dict[ViewKey, int], dict[ViewKey, int]]:
        """Take (atomically) every worker's views since the last drain and the day's distinct
        viewers of the listings seen since (the viewer sets expire with their day)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hgetall(f"{self.prefix}views")
        pipe.delete(f"{self.prefix}views")
        pipe.smembers(f"{self.prefix}seen")
        pipe.delete(f"{self.prefix}seen")
        raw_views, _, raw_seen, _ = pipe.execute()
        views = {_view_key(field): int(n) for field, n in raw_views.items()}
        seen = [raw.decode() if isinstance(raw, bytes) else raw for raw in raw_seen]
        pipe = self.redis.pipeline(transaction=False)
        for field in seen:
            pipe.scard(f"{self.prefix}lv:{field}")
        sizes = pipe.execute() if seen else []
        viewers = {_view_key(field): int(n) for field, n in zip(seen, sizes, strict=True)}
        return views, viewers

    def drain(self, today: date) -> tuple[dict[CountKey, int], dict[VisitorKey, int]]:
        """Take (atomically, so two workers never flush the same counts) the counts of every
        worker since the last drain and the day's visitor totals of the queries touched."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hgetall(f"{self.prefix}counts")
        pipe.delete(f"{self.prefix}counts")
        pipe.smembers(f"{self.prefix}touched")
        pipe.delete(f"{self.prefix}touched")
        raw_counts, _, raw_touched, _ = pipe.execute()
        counts: dict[CountKey, int] = {}
        for field, n in raw_counts.items():
            day, kind, query, bucket, category, district = json.loads(field)
            counts[(date.fromisoformat(day), kind, query, bucket, category, district)] = int(n)
        touched = [tuple(json.loads(t)) for t in raw_touched]
        pipe = self.redis.pipeline(transaction=False)
        for day, query in touched:
            pipe.scard(f"{self.prefix}v:{day}:{query}")
        sizes = pipe.execute() if touched else []
        visitors = {
            (date.fromisoformat(day), query): int(n)
            for (day, query), n in zip(touched, sizes, strict=True)
        }
        return counts, visitors


def _view_key(field) -> ViewKey:
    text = field.decode() if isinstance(field, bytes) else field
    day, _, listing_id = text.partition(":")
    return date.fromisoformat(day), int(listing_id)
