"""Photos: the one image pipeline (``images``), the storage backends behind one interface
(``storage``), uploads, the local media view and the orphan sweep.

Below the features: may import ``audit`` and the shared modules only."""

from flask import Blueprint

bp = Blueprint("media", __name__)

from . import cli, views  # noqa: E402,F401
