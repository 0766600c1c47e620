"""Language choice: the visible Indonesian/English switch (a preference cookie, no data)."""

from flask import Blueprint

bp = Blueprint("language", __name__)

from . import views  # noqa: E402,F401
