"""Demand signals ("Dicari pembeli"): what shoppers search for in the catalogue and do not
find, and how often each listing's page is seen, counted anonymously per day.

Owns: the counting middleware (``middleware.py``, installed by ``create_app`` outside the
page cache), the search facts and privacy filters (``facts.py``), the in-memory and Redis
counters (``counters.py``), the batch flush into the daily tables (``flush.py``,
``models.py``) and the K-anonymous reads (``queries.py``), the staff
board ``/staff/dicari`` (``board.py``, ``notify.py``, ``views.py``); listing page views
(``ListingView``, counted by the same middleware) and the portal page (``portal.py``).

May import ``catalogue`` (its search normalisation), ``auth`` and the shared modules; ``listings``,
``rounds``, ``reference``; only ``create_app`` imports it.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..audit.labels import register_labels

bp = Blueprint("demand", __name__)  # staff: /staff/dicari
ask_bp = Blueprint("demand_ask", __name__)  # shoppers: /saya-cari
portal_bp = Blueprint("demand_portal", __name__)  # communities: /portal/dicari
register_labels({"demand.notify": _l("Komunitas diberi tahu tentang pencarian pembeli")})

from . import ask_views, portal_views, views  # noqa: E402,F401
