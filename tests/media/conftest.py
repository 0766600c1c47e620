"""Fixtures for the media tests: the member who uploads, the media root."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def member(app):
    from tests.builders import make_member
    return make_member()


@pytest.fixture
def media_root(app) -> Path:
    return Path(app.config["MEDIA_ROOT"])
