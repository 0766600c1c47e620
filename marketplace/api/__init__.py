"""The read-only public JSON API (``/api/v1``): only public data, errors as JSON.

May import ``catalogue`` (its queries and sharing helpers), ``listings`` and the shared
modules; nothing imports it."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import views  # noqa: E402,F401
