from flask import Blueprint

bp = Blueprint("listings", __name__)

from . import portal_views, views  # noqa: E402,F401
