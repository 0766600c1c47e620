"""Where counts gather between flushes: process memory (default) or Redis (``REDIS_URL``).

Both answer ``add(day, kind, facts, address)`` on the hot path (no database) and ``drain()``
for the flush. Visitors are told apart only by ``sha256(salt + address)``, where the salt is
random per WIB day and lives only in memory (in Redis with a two-day expiry when shared, so
every worker agrees); the hash sets of a day are dropped once the day is over (memory) or
expire with it (Redis). Nothing here is ever written to disk by the app.
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

    def add(self, day: date, kind: str, facts: SearchFacts, address: str) -> None:
        """Count one search of ``facts`` on ``day`` by the visitor at ``address``."""
        with self._lock:
            salt = self._salts.get(day)
            if salt is None:
                salt = self._salts[day] = secrets.token_bytes(16)
            key = (day, kind, facts.query, facts.bucket, facts.category, facts.district)
            self._counts[key] += 1
            self._visitors.setdefault((day, facts.query), set()).add(_hash(salt, address))
            self._touched.add((day, facts.query))

    def pending(self) -> int:
        return len(self._counts)

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
            for day in [d for d in self._salts if d < today]:
                del self._salts[day]
        return counts, visitors


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

    def pending(self) -> int:
        return int(self.redis.hlen(f"{self.prefix}counts"))

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
