from flask import Blueprint

bp = Blueprint("media", __name__)


@bp.record_once
def _wrap_wsgi_app(state) -> None:
    """Oversized uploads get our 413 page, not a connection reset (see request_limit)."""
    from .request_limit import init_app

    init_app(state.app)

from . import cli, views  # noqa: E402,F401
