"""The Instagram kit of a round: preview, choice and order of listings, slides, captions
and the ZIP download; printable posters (``posters.py``: A4 stand poster per community, A6
price cards per listing, with QR and short codes).

May import ``catalogue`` (queries, URLs), ``shortlinks``, ``listings``, ``rounds``, ``media``,
``auth``, ``audit``, ``site_settings`` and the shared modules; nothing imports it."""

from flask import Blueprint

bp = Blueprint("instagram", __name__)

from . import poster_views, views  # noqa: E402,F401
