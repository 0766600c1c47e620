from flask import Blueprint

bp = Blueprint("media", __name__)

from . import cli, views  # noqa: E402,F401
