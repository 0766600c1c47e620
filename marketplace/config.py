"""Configuration: safe laptop defaults, overridden by environment variables.

Every setting can be given in the environment under the same name. ``APP_ENV=production``
refuses to start without ``SECRET_KEY`` and ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

MB = 1024 * 1024


class ConfigError(RuntimeError):
    """The configuration cannot run safely (e.g. production without a secret key)."""


def check_password_method(method: str) -> None:
    """Refuse to start when this interpreter cannot hash passwords with ``method`` (a
    Werkzeug method such as ``scrypt:32768:8:3`` or ``pbkdf2:sha256:600000``), rather than
    answering 500 at the first sign-up or login: Python built against an OpenSSL without
    scrypt has no ``hashlib.scrypt``. Hashes once with the same algorithm at the cheapest
    cost (microseconds). Raises ConfigError naming the setting and the fallback."""
    from werkzeug.security import generate_password_hash

    name, *params = method.split(":")
    try:
        if name == "scrypt":
            [int(p) for p in params]  # noqa: B018 - ValueError for junk parameters
            probe = "scrypt:256:1:1"  # about 0.2 ms; smaller N trips OpenSSL's memory check
        elif name == "pbkdf2":  # pbkdf2:<hash>[:iterations]: the same hash, one iteration
            [int(p) for p in params[1:]]  # noqa: B018
            probe = f"pbkdf2:{params[0] if params else 'sha256'}:1"
        else:
            raise ValueError(f"unknown method {name!r}")
        generate_password_hash("start-up check", method=probe)
    except (AttributeError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"PASSWORD_HASH_METHOD={method} cannot be used by this Python ({exc}). "
            "scrypt needs hashlib.scrypt (Python built with OpenSSL 1.1 or later); "
            "otherwise set PASSWORD_HASH_METHOD=pbkdf2:sha256:600000 (existing scrypt "
            "hashes then cannot be checked: rebuild Python rather than switch)."
        ) from exc


def _secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, generating and keeping it the first time."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def database_uri(url: str) -> str:
    """SQLAlchemy URI for ``DATABASE_URL``: ``postgres://`` and ``postgresql://`` use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the config dict: defaults, then environment, then ``overrides`` (tests)."""
    instance = Path(instance_path)
    overrides = dict(overrides or {})
    env = os.environ
    production = (overrides.get("APP_ENV") or env.get("APP_ENV", "development")) == "production"

    cfg: dict = {
        "APP_ENV": "production" if production else "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'etalase.sqlite3'}",
        "MEDIA_BACKEND": "local",
        "MEDIA_ROOT": str(instance / "media"),
        "MEDIA_URL_PREFIX": "/media",
        "S3_BUCKET": None,
        "S3_ENDPOINT_URL": None,
        "S3_REGION": None,
        "S3_PUBLIC_BASE_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": "10 per 5 minutes",
        # Failed logins for one account from any address: after FREE failures each try waits
        # BASE x 2^(n - FREE) seconds, at most MAX (auth/throttle.py); no hard lock-out.
        "LOGIN_DELAY_FREE_FAILURES": 5,
        "LOGIN_DELAY_BASE_SECONDS": 2,
        "LOGIN_DELAY_MAX_SECONDS": 60,
        "LOGIN_DELAY_RESET_MINUTES": 15,
        # All logins from one address.
        "LOGIN_ADDRESS_RATE_LIMIT": "60 per 5 minutes",
        # Staff must enrol and check a TOTP second factor (on in production).
        "STAFF_REQUIRE_2FA": production,
        # A password typed longer ago than this must be typed again for sensitive changes.
        "FRESH_LOGIN_MINUTES": 30,
        # POSTs carrying photos, per account.
        "UPLOAD_RATE_LIMIT": "60 per 10 minutes",
        "REPORT_RATE_LIMIT": "5 per hour",
        "REPORT_HIDE_THRESHOLD": 3,
        # Rounds published since a listing's showcase ended (or its stock was last confirmed)
        # before its community is asked "masih dijual?"; one more and it shows "mungkin sudah
        # tidak tersedia" (listings.stock).
        "STOCK_CHECK_AFTER_ROUNDS": 3,
        # Moderation (#13): a review claim's length in minutes; the progress page's pace is
        # measured over the last N hours.
        "MODERATION_CLAIM_MINUTES": 10,
        "MODERATION_PACE_HOURS": 2,
        # Photo pre-checks on the w640 derivative (moderation/prechecks.py): blurry below
        # this variance of the Laplacian, too dark / too bright by mean grey level (0-255),
        # the same photo within this many bits of a 64-bit difference hash (at most 3).
        "PRECHECK_BLUR_MIN_SHARPNESS": 70,
        "PRECHECK_DARK_MAX_LUMINANCE": 45,
        "PRECHECK_BRIGHT_MIN_LUMINANCE": 225,
        "PRECHECK_DUPLICATE_MAX_DISTANCE": 3,
        "PASSWORD_HASH_METHOD": "scrypt:32768:8:3",
        # 5 photos x 12 MB + 2 MB of form text.
        "MAX_CONTENT_LENGTH": 62 * MB,
        "MAX_PHOTO_BYTES": 12 * MB,
        "MAX_FORM_MEMORY_SIZE": 2 * MB,
        "MAX_IMAGE_PIXELS": 40_000_000,
        # JPEG (decoded at 1/2-1/8 scale) and HEIF grids (tile by tile) may be this large:
        # 50, 108 and 200 MP phone photos. What a decode may cost in memory, per upload:
        "MAX_SCALED_PIXELS": 210_000_000,
        "PHOTO_DECODE_BUDGET_MIB": 100,
        # Photo decodes running at once per process (others wait): bounds an upload burst's memory.
        "PHOTO_DECODES_AT_ONCE": 2,
        # A photo's longer side may be at most this many times its shorter side.
        "MAX_ASPECT_RATIO": 4,
        "MIN_IMAGE_SIDE": 320,
        "MAX_PHOTOS_PER_LISTING": 5,
        "DEFAULT_QUOTA": 10,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "SITE_NAME": "Etalase UMKM Tangsel",
        "AGENCY_NAME": "Dinas Koperasi dan UMKM Kota Tangerang Selatan",
        "SITE_URL": None,
        # E-mail (Flask-Mail): sent only when MAIL_SERVER is set.
        "MAIL_SERVER": None,
        "MAIL_PORT": 587,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": "etalase@localhost",
        "INVITE_MAX_AGE_DAYS": 7,
        # Account recovery: a reset link's life in seconds, and requests per address / account.
        "PASSWORD_RESET_MAX_AGE": 3600,
        "PASSWORD_RESET_RATE_LIMIT": "10 per 15 minutes",
        "PASSWORD_RESET_ACCOUNT_RATE_LIMIT": "3 per 15 minutes",
        # "Minta bergabung" requests to communities, per address.
        "JOIN_REQUEST_RATE_LIMIT": "5 per hour",
        # Bulk import of businesses (communities/imports.py): largest file, most rows, and
        # how long the dry run's signed rows may wait for the confirmation (seconds).
        "IMPORT_MAX_BYTES": 10 * MB,
        # A community has tens to hundreds of businesses; a bigger registry is split into
        # files, so one confirmation stays a short request.
        "IMPORT_MAX_ROWS": 2_000,
        "IMPORT_CONFIRM_MAX_AGE": 3600,
        # Shared state for several workers: rate limits and the page cache (memory otherwise).
        "REDIS_URL": None,
        # Whole-page cache of anonymous public pages (catalogue/pagecache.py): on/off, an
        # entry's longest life in seconds, entries kept per process without Redis.
        "PAGE_CACHE": True,
        "PAGE_CACHE_TIMEOUT": 600,
        "PAGE_CACHE_ENTRIES": 2000,
        # The catalogue's fragment store (card HTML, menus, counts; catalogue/fragments.py):
        # on/off and values kept per process (it starts again when full).
        "FRAGMENT_CACHE": True,
        "FRAGMENT_CACHE_ENTRIES": 20000,
        # Demand signals (marketplace/demand): count catalogue searches; a query is shown
        # only once K distinct visitors searched it on one day; flush every N s or searches.
        "DEMAND_COUNTING": True,
        "DEMAND_K": 3,
        "DEMAND_FLUSH_SECONDS": 30,
        "DEMAND_FLUSH_REQUESTS": 500,
        "DEMAND_ASK_RATE_LIMIT": "5 per hour",  # "Saya cari…" posts per address
        # Response compression (Flask-Compress; the page cache stores pages compressed the
        # same way): algorithms in order of preference, types, gzip and Brotli levels.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/xml",
            "image/svg+xml",
        ],
        "COMPRESS_LEVEL": 6,
        "COMPRESS_BR_LEVEL": 4,
        # Deployment: proxies trusted for X-Forwarded-For/-Proto/-Host (0 = no proxy), logs.
        "PROXY_FIX_X_FOR": 0,
        "PROXY_FIX_X_PROTO": 0,
        "PROXY_FIX_X_HOST": 0,
        "LOG_FORMAT": "json" if production else "text",
        "LOG_LEVEL": "INFO",
        "CLOCK": None,
        "JSON_SORT_KEYS": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
    }
    for key, value in list(cfg.items()):
        if key in env and key not in ("CLOCK",):
            raw = env[key]
            if isinstance(value, bool):
                cfg[key] = raw.lower() in ("1", "true", "yes", "on")
            elif isinstance(value, int) and not isinstance(value, bool):
                cfg[key] = int(raw)
            elif value is None or isinstance(value, str):
                cfg[key] = raw
    if env.get("DATABASE_URL"):
        cfg["SQLALCHEMY_DATABASE_URI"] = database_uri(env["DATABASE_URL"])
    cfg["SECRET_KEY"] = env.get("SECRET_KEY")

    cfg.update(overrides)
    if "DATABASE_URL" in overrides:
        cfg["SQLALCHEMY_DATABASE_URI"] = database_uri(overrides["DATABASE_URL"])
    if cfg.get("REDIS_URL") and "RATELIMIT_STORAGE_URI" not in overrides:
        cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"]

    if production:
        if not cfg.get("SECRET_KEY"):
            raise ConfigError("APP_ENV=production needs SECRET_KEY")
        if not (env.get("DATABASE_URL") or "DATABASE_URL" in overrides):
            raise ConfigError("APP_ENV=production needs DATABASE_URL")
    elif not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _secret_key(instance)

    check_password_method(cfg["PASSWORD_HASH_METHOD"])
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        opts = dict(cfg["SQLALCHEMY_ENGINE_OPTIONS"])
        opts.setdefault("connect_args", {"timeout": 15})
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    return cfg
