"""Language choice: the visible Indonesian/English switch (a preference cookie, no data),
the locale selector (``locale``) and WTForms' messages in Indonesian.

May import only the shared modules (``security``)."""

from flask import Blueprint

bp = Blueprint("language", __name__)

from . import views  # noqa: E402,F401
