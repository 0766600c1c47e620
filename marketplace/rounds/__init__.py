"""Rounds (periode promosi): phases from the clock, the bi-weekly scheduler, staff pages.

May import ``auth``, ``audit``, ``site_settings`` and the shared modules; ``listings`` and
everything above it import it."""

from flask import Blueprint

bp = Blueprint("rounds", __name__)

from . import exception_views, reminder_views, views  # noqa: E402,F401
