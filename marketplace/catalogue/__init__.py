"""The public pages: home, catalogue and search, listing, business, community and round
pages, sitemap and robots; the whole-page cache that serves them to anonymous shoppers.

May import ``listings``, ``rounds``, ``media``, ``auth``, ``reference`` and the shared
modules; nothing imports it but ``api`` and ``create_app``."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from . import pagecache, views  # noqa: E402,F401

bp.after_request(pagecache.store)
