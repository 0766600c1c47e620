"""Defaults SECURITY.md's table says must change, pinned (#18 item 7: the suite set its own
values, so changing a default broke no test)."""

from datetime import timedelta

from marketplace.config import load_config

MB = 1024 * 1024


def test_csrf_tokens_live_several_hours(tmp_path):
    """Flask-WTF's default is 1 hour: a long listing form typed on a phone would expire."""
    config = load_config(str(tmp_path))
    assert config["WTF_CSRF_TIME_LIMIT"] == 8 * 3600


def test_the_request_size_limit_is_five_photos_and_the_form(tmp_path):
    config = load_config(str(tmp_path))
    assert config["MAX_PHOTO_BYTES"] == 12 * MB
    assert config["MAX_PHOTOS_PER_LISTING"] == 5
    assert config["MAX_CONTENT_LENGTH"] == 5 * 12 * MB + 2 * MB
    assert config["MAX_FORM_MEMORY_SIZE"] == 2 * MB


def test_session_and_remember_cookie_lifetimes(tmp_path):
    config = load_config(str(tmp_path))
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
