"""Round statistics for staff: by district, category and community, approval rate, time
to decision, WhatsApp taps, searches (``demand``); SVG charts and CSV; the province report
(``export.py``, ``flask stats export --round N``).

Top of the dependency graph: may import ``moderation``, ``catalogue``, ``listings``,
``rounds``, ``demand``, ``auth``, ``reference``, ``audit``; nothing imports it."""

from flask import Blueprint

bp = Blueprint("stats", __name__)

from . import views  # noqa: E402,F401
