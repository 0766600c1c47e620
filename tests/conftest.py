"""Shared fixtures: a real SQLite file per test (copied from one migrated template; with
DATABASE_URL=postgresql://… a PostgreSQL database copied from a migrated template), a fixed
clock, clients logged in as each kind of user, and plain builder functions."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import g, request_started
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.clock import FixedClock
from marketplace.extensions import db as _db
from tests.pgdatabases import PgDatabases, is_postgres

FIXTURES = Path(__file__).parent / "fixtures"
# 2026-12-02 10:00 WIB, a Wednesday inside the default test round's window.
T0 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to every POST unless ``csrf=False``."""

    def csrf_token(self) -> str:
        import hashlib
        import os as _os

        from itsdangerous import URLSafeTimedSerializer

        with self.session_transaction() as sess:
            if "csrf_token" not in sess:
                sess["csrf_token"] = hashlib.sha1(_os.urandom(64)).hexdigest()
            raw = sess["csrf_token"]
        secret = self.application.config["SECRET_KEY"]
        return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


def base_config(tmp_path: Path, clock: FixedClock) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        "RATELIMIT_ENABLED": False,
        "CLOCK": clock,
        # Demand counts (searches, listing views) are flushed by the tests themselves, never
        # because 30 s of wall clock passed in a slow test (GETs write nothing meanwhile).
        "DEMAND_FLUSH_SECONDS": 3600,
    }


# With DATABASE_URL=postgresql://… in the environment the suite runs on PostgreSQL: the
# session migrates one template database and each test gets a fresh copy of it.
PG_URL = os.environ.get("DATABASE_URL") if is_postgres(os.environ.get("DATABASE_URL")) else None


_pg_session: PgDatabases | None = None


@pytest.fixture(scope="session")
def pg_databases():
    global _pg_session
    if not PG_URL:
        yield None
        return
    dbs = _pg_session = PgDatabases(PG_URL)
    yield dbs
    _pg_session = None
    dbs.close()


def copy_database(migrated_template, tmp_path: Path) -> dict:
    """A fresh copy of the migrated database for an app a test builds itself; returns the
    config to merge over ``base_config(tmp_path, …)`` (SQLite: the file is copied there;
    PostgreSQL: a new database, dropped at the end of the session)."""
    if _pg_session is not None:
        return {"DATABASE_URL": _pg_session.url(_pg_session.take())}
    shutil.copy(migrated_template, tmp_path / "test.sqlite3")
    return {}


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, pg_databases):
    """One database upgraded by the real migrations; each test copies it (a SQLite file,
    or on PostgreSQL the template database behind ``pg_databases``)."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("template")
    config = base_config(path, FixedClock(T0))
    if pg_databases:
        config["DATABASE_URL"] = pg_databases.create_template()
    app = create_app(config)
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return path / "test.sqlite3"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(tmp_path, clock, migrated_template, pg_databases):
    config = base_config(tmp_path, clock)
    if pg_databases:
        name = pg_databases.take()
        config["DATABASE_URL"] = pg_databases.url(name)
    else:
        shutil.copy(migrated_template, tmp_path / "test.sqlite3")
    app = create_app(config)
    app.test_client_class = CSRFClient

    def fresh_g(sender, **extra):
        # Requests reuse this fixture's app context and so its ``g``; without a reset,
        # Flask-Login's cached ``g._login_user`` leaks from one client's request to another's.
        g.__dict__.clear()

    with app.app_context(), request_started.connected_to(fresh_g, app):
        yield app
        _db.session.remove()
        _db.engine.dispose()
    # Close the pools of apps the test built itself too (another worker, production config):
    # a psycopg connection left to the garbage collector raises a ResourceWarning later.
    for engines in list(_db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()
    if pg_databases:
        pg_databases.drop(name)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, user, password: str = "kata sandi rahasia"):
    """Log ``client`` in through the real form; returns the response."""
    return client.post(
        "/masuk", data={"email": user.email, "password": password}, follow_redirects=False
    )


@pytest.fixture
def as_member(app, client):
    """A client logged in as the coordinator of a verified community."""
    from tests.builders import make_member

    user = make_member()
    _db.session.commit()
    login(client, user)
    client.user = user
    return client


@pytest.fixture
def as_staff(app):
    """A second client logged in as a moderator."""
    from tests.builders import make_staff

    user = make_staff()
    _db.session.commit()
    c = app.test_client()
    login(c, user)
    c.user = user
    return c


@pytest.fixture
def as_admin(app):
    from marketplace.auth.models import Role
    from tests.builders import make_staff

    user = make_staff(role=Role.ADMIN)
    _db.session.commit()
    c = app.test_client()
    login(c, user)
    c.user = user
    return c
