"""Fixtures for the media tests: the member who uploads, the media root, moto's S3
server and a ``backend`` fixture that runs a test on the local disk and on S3."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest


@pytest.fixture
def member(app):
    from tests.builders import make_member

    return make_member()


@pytest.fixture
def media_root(app) -> Path:
    return Path(app.config["MEDIA_ROOT"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's standalone S3 server on a free loopback port, for the whole session.

    moto[server] is pinned in requirements.txt: a missing install fails here loudly
    rather than skipping the S3 half of the suite."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_env(monkeypatch):
    """Fake credentials, and no shared AWS config from the machine."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


@pytest.fixture
def bucket(moto_endpoint, s3_env) -> str:
    """A fresh, empty bucket for one test."""
    from marketplace.media.storage import S3Storage

    name = f"etalase-{uuid.uuid4().hex[:12]}"
    S3Storage(name, endpoint_url=moto_endpoint, region="us-east-1").client.create_bucket(
        Bucket=name
    )
    return name


@pytest.fixture(params=["local", "s3"])
def backend(request, app) -> str:
    """Runs the test twice: with the app's storage on the local disk, then on S3 (a fresh
    bucket on moto's server, reached over HTTP). Returns the backend's name."""
    if request.param == "s3":
        app.config.update(
            MEDIA_BACKEND="s3",
            S3_BUCKET=request.getfixturevalue("bucket"),
            S3_ENDPOINT_URL=request.getfixturevalue("moto_endpoint"),
            S3_REGION="us-east-1",
            S3_PUBLIC_BASE_URL=None,
        )
    app.extensions.pop("media_storage", None)
    return request.param
