"""Etalase UMKM: the application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides defaults and environment (tests use it).

    Does no I/O beyond creating the instance folder and reading/generating its secret key.
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=(config or {}).get("INSTANCE_PATH") or str(ROOT / "instance"),
    )
    from .config import load_config
    from .db import DatabaseIdConverter

    # Every <int:…> in a URL is a database id: values past BIGINT are our 404, not a 500.
    app.url_map.converters["int"] = DatabaseIdConverter

    app.config.update(load_config(app.instance_path, config))
    # Compiled catalogues (`make translations`), wherever the app is started from.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))

    from . import deployment, security, templating
    from .db import configure_sqlite
    from .errors import register_error_handlers
    from .extensions import babel, compress, csrf, db, limiter, login_manager, mail, migrate
    from .language.locale import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Jakarta")
    limiter.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    compress.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)

    from . import models  # noqa: F401  (every model registered with the metadata)
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .catalogue import bp as catalogue_bp
    from .communities import bp as communities_bp
    from .demand import ask_bp as demand_ask_bp
    from .demand import bp as demand_bp
    from .demand import portal_bp as demand_portal_bp
    from .feeds import bp as feeds_bp
    from .instagram import bp as instagram_bp
    from .language import bp as language_bp
    from .listings import bp as listings_bp
    from .media import bp as media_bp
    from .moderation import bp as moderation_bp
    from .reports import bp as reports_bp
    from .rounds import bp as rounds_bp
    from .sharecards import bp as sharecards_bp
    from .shortlinks import bp as shortlinks_bp
    from .stats import bp as stats_bp

    app.register_blueprint(catalogue_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(communities_bp)
    app.register_blueprint(language_bp)
    app.register_blueprint(listings_bp, url_prefix="/portal")
    app.register_blueprint(moderation_bp, url_prefix="/staff")
    app.register_blueprint(reports_bp)  # /produk/<id>/laporkan and /staff/laporan
    app.register_blueprint(rounds_bp, url_prefix="/staff/rounds")
    app.register_blueprint(instagram_bp, url_prefix="/staff/instagram")
    app.register_blueprint(stats_bp, url_prefix="/staff/statistik")
    app.register_blueprint(admin_bp, url_prefix="/staff/admin")
    app.register_blueprint(demand_bp, url_prefix="/staff/dicari")
    app.register_blueprint(demand_ask_bp)
    app.register_blueprint(demand_portal_bp, url_prefix="/portal")
    app.register_blueprint(media_bp, url_prefix=app.config["MEDIA_URL_PREFIX"])
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(feeds_bp, url_prefix="/feed")
    app.register_blueprint(shortlinks_bp)
    app.register_blueprint(sharecards_bp)  # /kartu/…jpg: the og:image of public pages
    csrf.exempt(api_bp)

    register_error_handlers(app)
    security.init_app(app)
    deployment.init_app(app)
    from .inputs import Request

    app.request_class = Request  # NUL-free query and form fields (PostgreSQL text)
    templating.init_app(app)
    _install_middleware(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _install_middleware(app: Flask) -> None:
    """The WSGI middleware, innermost first (each line wraps the ones before it), so a
    request passes them in the reverse order: ProxyFix → request limit → page cache → Flask.
    """
    from .catalogue import pagecache
    from .demand import middleware as demand_middleware
    from .media.request_limit import DrainOversizedBody

    # Innermost: a cached anonymous page is answered before Flask (no request context).
    pagecache.init_app(app)
    app.wsgi_app = pagecache.PageCache(app.wsgi_app, app)
    # Just outside the page cache: counts every catalogue search, hits and misses alike.
    demand_middleware.install(app)
    # Oversized uploads get our 413 page, not a connection reset; the body is drained.
    app.wsgi_app = DrainOversizedBody(app.wsgi_app, app.config)
    # Outermost: the client's address and scheme from trusted proxies, before anything
    # (rate limits, the request limit's log, Secure cookies) reads them.
    hops = {
        name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}") or 0)
        for name in ("for", "proto", "host")
    }
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"]
        )
