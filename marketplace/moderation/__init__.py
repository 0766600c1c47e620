from flask import Blueprint

bp = Blueprint("moderation", __name__)

from . import tools_views, views  # noqa: E402,F401
