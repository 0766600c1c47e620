"""The password hasher is checked at start-up (#18): an interpreter without hashlib.scrypt
refuses to start with a clear message instead of answering 500 at sign-up and login."""

import hashlib

import pytest

from marketplace import create_app
from marketplace.config import ConfigError, check_password_method


def test_without_scrypt_the_app_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delattr(hashlib, "scrypt")
    with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD=scrypt:32768:8:3.*pbkdf2"):
        create_app(
            {
                "SECRET_KEY": "x",
                "INSTANCE_PATH": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "PASSWORD_HASH_METHOD": "scrypt:32768:8:3",
            }
        )


def test_pbkdf2_fallback_starts_without_scrypt(monkeypatch):
    monkeypatch.delattr(hashlib, "scrypt")
    check_password_method("pbkdf2:sha256:600000")


@pytest.mark.parametrize("method", ["scrypt:32768:8:3", "pbkdf2:sha256:600000", "pbkdf2:sha512"])
def test_usable_methods_pass(method):
    check_password_method(method)


@pytest.mark.parametrize("method", ["bcrypt", "pbkdf2:nosuchhash:1000", "scrypt:x:y:z"])
def test_unusable_methods_are_refused(method):
    with pytest.raises(ConfigError):
        check_password_method(method)
