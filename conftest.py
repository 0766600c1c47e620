"""Root conftest: session-wide fixtures shared by tests/e2e and tests/quality (one headless
Chromium for the whole run). The app fixtures live in tests/conftest.py."""

from tests.browser import browser  # noqa: F401
