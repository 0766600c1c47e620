"""Deployment: production refuses unsafe configuration, ProxyFix only behind its flag, one
JSON log line per request with the request id, and every environment variable documented."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.config import ConfigError, load_config
from marketplace.deployment import JsonFormatter
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[2]


# --- production configuration ------------------------------------------------------------


def test_production_needs_a_database_url_even_with_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config(str(tmp_path), {"APP_ENV": "production"})


def test_production_needs_a_secret_even_with_a_database(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@127.0.0.1/etalase")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"APP_ENV": "production"})
    assert not (tmp_path / "secret_key").exists(), "production never generates a key"


def test_production_starts_with_both_and_hardens_cookies_and_logs(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/etalase")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    cfg = load_config(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@127.0.0.1:5432/etalase"
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]
    assert cfg["LOG_FORMAT"] == "json"
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"


# --- reverse proxy -------------------------------------------------------------------------


def _address_app(tmp_path, clock, app, **extra):
    config = base_config(tmp_path, clock)
    config["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    config.update(extra)
    probe = create_app(config)

    @probe.get("/_probe")
    def _probe():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    return probe.test_client()


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_are_ignored_without_the_flag(app, tmp_path, clock):
    client = _address_app(tmp_path, clock, app)
    assert client.get("/_probe", headers=FORWARDED).get_data(as_text=True) == "127.0.0.1 http"


def test_proxy_fix_trusts_the_configured_proxy(app, tmp_path, clock):
    client = _address_app(tmp_path, clock, app, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    assert client.get("/_probe", headers=FORWARDED).get_data(as_text=True) == "203.0.113.9 https"
    # One trusted hop: an address the client put in front of the proxy's is not believed.
    spoofed = {"X-Forwarded-For": "10.0.0.1, 203.0.113.9"}
    assert client.get("/_probe", headers=spoofed).get_data(as_text=True).startswith("203.0.113.9 ")


def test_proxy_flags_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PROXY_FIX_X_FOR", "1")
    assert load_config(str(tmp_path))["PROXY_FIX_X_FOR"] == 1
    monkeypatch.delenv("PROXY_FIX_X_FOR")
    assert load_config(str(tmp_path))["PROXY_FIX_X_FOR"] == 0


# --- request log -------------------------------------------------------------------------


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "marketplace.request"]


def test_one_log_line_per_request_with_the_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="marketplace.request")
    response = client.get("/katalog?q=rahasia+sekali")
    [record] = _request_records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/katalog", response.status_code)
    assert record.duration_ms >= 0
    assert record.request_id and response.headers["X-Request-Id"] == record.request_id
    line = json.loads(JsonFormatter().format(record))
    assert {k: line[k] for k in ("method", "path", "status", "request_id")} == {
        "method": "GET",
        "path": "/katalog",
        "status": response.status_code,
        "request_id": record.request_id,
    }
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert "rahasia" not in json.dumps(line), "no query string (search words) in the log"


def test_error_page_and_log_share_the_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="marketplace.request")
    response = client.get("/tidak-ada", headers={"X-Request-Id": "abc123proxy"})
    [record] = _request_records(caplog)
    assert record.status == 404 and record.request_id == "abc123proxy"
    assert "abc123proxy" in response.get_data(as_text=True)
    assert response.headers["X-Request-Id"] == "abc123proxy"


def test_a_login_is_logged_without_personal_data(app, client, caplog):
    caplog.set_level(logging.INFO)
    client.post("/masuk", data={"email": "siti.rahma@example.id", "password": "kata sandi bocor"})
    [record] = _request_records(caplog)
    line = JsonFormatter().format(record)
    assert "siti.rahma" not in line and "bocor" not in line and "127.0.0.1" not in line


def test_json_lines_stay_one_line_with_a_traceback():
    try:
        raise ValueError("baris\npertama")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "gagal\nlagi", None, sys.exc_info()
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    data = json.loads(text)
    assert data["message"] == "gagal\nlagi" and "ValueError" in data["exception"]


# --- every environment variable is in the README ------------------------------------------


def _env_names() -> set[str]:
    """Keys config.py takes from the environment, and the ones gunicorn.conf.py reads."""
    defaults = load_config(str(ROOT / "instance"), {"SECRET_KEY": "x"})
    source = (ROOT / "marketplace" / "config.py").read_text()
    names = {
        key
        for key, value in defaults.items()
        if key != "CLOCK"
        and (value is None or isinstance(value, (bool, int, str)))
        and not isinstance(value, dict)
    }
    names -= {"SQLALCHEMY_DATABASE_URI"}  # set through DATABASE_URL
    names |= set(re.findall(r"env(?:\.get\(|\[)\"([A-Z0-9_]+)\"", source))
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    names |= set(re.findall(r"environ\.get\(\"([A-Z0-9_]+)\"", gunicorn))
    return names


def test_readme_lists_every_environment_variable():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Configuration") :]
    missing = sorted(name for name in _env_names() if f"`{name}`" not in section)
    assert missing == [], f"document these in README.md, section Configuration: {missing}"


# --- input the databases cannot hold ---------------------------------------------------------


def test_nul_characters_are_dropped_from_query_and_form_fields(app, client):
    from flask import request

    @app.get("/_nul")
    def _nul():
        return "|".join(f"{k}={v}" for k, v in request.args.items(multi=True))

    assert client.get("/_nul?q=ker%00ipik&a%00b=1").get_data(as_text=True) == "q=keripik|ab=1"
    for url in ("/katalog?q=%00", "/katalog?kategori=%00", "/katalog?q=kopi%00"):
        assert client.get(url).status_code in (200, 404), url
