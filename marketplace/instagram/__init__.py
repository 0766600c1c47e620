"""The Instagram kit of a round: preview, choice and order of listings, ZIP download."""

from flask import Blueprint

bp = Blueprint("instagram", __name__)

from . import views  # noqa: E402,F401
