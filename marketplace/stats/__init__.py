"""Round statistics for staff: by district, category and community, approval rate, time
to decision, WhatsApp taps; SVG charts and CSV.

Top of the dependency graph: may import ``moderation``, ``catalogue``, ``listings``,
``rounds``, ``auth``, ``reference``, ``audit``; nothing imports it."""

from flask import Blueprint

bp = Blueprint("stats", __name__)

from . import views  # noqa: E402,F401
