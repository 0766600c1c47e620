"""The Instagram kit of a round: preview, choice and order of listings, slides, captions
and the ZIP download.

May import ``listings``, ``rounds``, ``media``, ``auth``, ``audit``, ``site_settings`` and the
shared modules; nothing imports it."""

from flask import Blueprint

bp = Blueprint("instagram", __name__)

from . import views  # noqa: E402,F401
