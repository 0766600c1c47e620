"""Product feeds of the public catalogue and an Atom feed of published rounds.

``/feed/meta.csv`` (Meta catalogue: Instagram Shopping, WhatsApp Business), ``/feed/google.xml``
(Google Merchant, RSS 2.0 with the ``g:`` namespace), both optionally one round
(``?edisi=14``) or one community (``?komunitas=<slug>``), and ``/feed/edisi.atom``. Served
through the page cache (``catalogue.pagecache``), so a take-down leaves them at once.

Files: ``products.py`` (which listings, and each as one feed item: pure), ``render.py`` (CSV,
RSS and Atom text), ``views.py``.

May import ``catalogue`` (its URL helpers and page cache), ``listings``, ``rounds``, ``auth``
and the shared modules; nothing imports it but ``create_app``."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from ..catalogue import pagecache  # noqa: E402
from . import views  # noqa: E402,F401

bp.after_request(pagecache.store)
