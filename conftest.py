"""Root conftest: session-wide fixtures shared by tests/e2e and tests/quality (one headless
Chromium for the whole run). The app fixtures live in tests/conftest.py."""

from tests.browser import browser  # noqa: F401

# At the end of a run: which groups of tests skipped for want of system parts, and the one
# command that installs them (tests/testparts.py).
pytest_plugins = ["tests.testparts"]
