"""Fresh PostgreSQL databases for the test suite (used by conftest when DATABASE_URL is a
postgresql URL).

The session migrates one template database with the real migrations; each test gets
``CREATE DATABASE test_… TEMPLATE tmpl_…`` and drops it afterwards. Copying a template costs
about 0.2 s, so a background thread keeps the next databases ready (and drops used ones)
while the tests run: the suite pays little more than on SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from marketplace.config import database_uri

AHEAD = 2  # databases prepared ahead of the test that will use them


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith(("postgres://", "postgresql"))


class PgDatabases:
    """Creates the template, hands out fresh copies, cleans everything up at the end."""

    def __init__(self, server_url: str):
        self.base = sa.engine.make_url(database_uri(server_url))
        self.admin = sa.create_engine(self.base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.template = f"tmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-dbs")
        self.ready: deque[Future] = deque()
        self.in_use: set[str] = set()

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(sql))

    def create_template(self) -> str:
        """Create the (empty) template database; the caller migrates it, then disposes."""
        self.run(f'CREATE DATABASE "{self.template}"')
        return self.url(self.template)

    def _copy(self) -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        # FILE_COPY: about twice as fast as WAL_LOG for a small database.
        self.run(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        return name

    def take(self) -> str:
        """The name of a fresh copy of the migrated template."""
        while len(self.ready) < AHEAD + 1:
            self.ready.append(self.worker.submit(self._copy))
        name = self.ready.popleft().result()
        self.in_use.add(name)
        return name

    def drop(self, name: str) -> None:
        """Drop a used database in the background."""
        self.in_use.discard(name)
        self.worker.submit(self.run, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in list(self.in_use):  # handed to apps that tests built themselves
            self.drop(name)
        for future in self.ready:
            name = future.result()
            self.worker.submit(self.run, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.worker.shutdown(wait=True)
        self.run(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()
