from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from . import views  # noqa: E402,F401
