"""Shared state for several workers: with REDIS_URL, rate limits (and the page cache) live in
a real redis-server, so a second app instance (another gunicorn worker) sees them; without
it they stay in memory and gunicorn warns at start-up."""

from __future__ import annotations

import os
import runpy
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from marketplace import create_app
from tests.builders import make_member
from tests.conftest import CSRFClient, base_config

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    """A throw-away redis-server on a free 127.0.0.1 port, no persistence; stopped after."""
    exe = shutil.which("redis-server")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: .ci/install-redis.sh installs it")
        pytest.skip("redis-server is not installed (bash .ci/install-redis.sh)")
    port = _free_port()
    proc = subprocess.Popen(
        [
            exe,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
            "--logfile",
            "",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in proc.stdout:  # the server says when it is ready; no sleeping
            if "Ready to accept connections" in line:
                break
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


def _config(app, tmp_path, clock, **extra):
    config = base_config(tmp_path, clock)
    config["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    config.update(extra)
    return config


def _wrong_login(app, user):
    app.test_client_class = CSRFClient
    client = app.test_client()
    return client.post("/masuk", data={"email": user.email, "password": "bukan sandinya"})


LIMITS = {
    "RATELIMIT_ENABLED": True,
    "LOGIN_RATE_LIMIT": "3 per 5 minutes",
    "LOGIN_ADDRESS_RATE_LIMIT": "3 per 5 minutes",
}


def test_redis_url_sets_the_rate_limit_storage(tmp_path, clock, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6399/2")
    app = create_app({**base_config(tmp_path, clock)})
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6399/2"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/2"
    monkeypatch.delenv("REDIS_URL")
    assert create_app(base_config(tmp_path, clock)).config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_login_throttle_is_shared_by_every_worker_through_redis(
    app, db, tmp_path, clock, redis_url, redis_client
):
    from limits.storage import RedisStorage

    from marketplace.extensions import limiter

    user = make_member()
    db.session.commit()
    worker_a = create_app(_config(app, tmp_path, clock, REDIS_URL=redis_url, **LIMITS))
    assert isinstance(limiter.storage, RedisStorage)
    for _ in range(3):
        assert _wrong_login(worker_a, user).status_code == 200
    assert _wrong_login(worker_a, user).status_code == 429
    assert redis_client.keys("LIMITS*"), "the counters live in Redis"

    # Another worker process starts with its own limiter: it sees the same counters.
    worker_b = create_app(_config(app, tmp_path, clock, REDIS_URL=redis_url, **LIMITS))
    assert _wrong_login(worker_b, user).status_code == 429


def test_without_redis_each_worker_counts_alone(app, db, tmp_path, clock):
    user = make_member()
    db.session.commit()
    worker_a = create_app(_config(app, tmp_path, clock, **LIMITS))
    for _ in range(3):
        _wrong_login(worker_a, user)
    assert _wrong_login(worker_a, user).status_code == 429
    worker_b = create_app(_config(app, tmp_path, clock, **LIMITS))
    assert _wrong_login(worker_b, user).status_code == 200  # why production needs Redis


def test_page_cache_uses_redis_when_configured(app, db, tmp_path, clock, redis_url, redis_client):
    pagecache = pytest.importorskip("marketplace.catalogue.pagecache")
    shared = create_app(_config(app, tmp_path, clock, REDIS_URL=redis_url))
    with shared.app_context():
        backend = pagecache.cache.cache
    assert type(backend).__name__.lower().startswith("redis")
    assert shared.test_client().get("/").status_code == 200
    assert redis_client.keys("etalase:*"), "the anonymous home page was cached in Redis"


def _gunicorn_conf() -> dict:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_warns_when_several_workers_run_without_redis():
    warn = _gunicorn_conf()["shared_state_warning"]
    assert "REDIS_URL" in warn(4, environ={})
    assert warn(4, environ={"REDIS_URL": "redis://127.0.0.1:6379/0"}) is None
    assert warn(1, environ={}) is None


def test_gunicorn_settings_fit_slow_phone_uploads(monkeypatch):
    for name in ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    conf = _gunicorn_conf()
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 4
    assert conf["timeout"] >= 120
    assert conf["bind"] == "127.0.0.1:8000"
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    conf = _gunicorn_conf()
    assert conf["bind"] == "0.0.0.0:9000" and conf["workers"] == 5
