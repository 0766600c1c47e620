import pytest

from marketplace import create_app
from marketplace.config import ConfigError


def test_production_refuses_without_secret_and_database(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError):
        create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError):
        create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    a = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    b = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert a == b and len(a) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1


def test_security_headers_on_every_response(client):
    for url in ("/", "/masuk", "/tidak-ada"):
        r = client.get(url)
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"]


def test_error_pages_are_ours_with_a_request_id(client):
    r = client.get("/tidak-ada")
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html and "Kode permintaan" in html
