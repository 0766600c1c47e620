"""Short codes and QR codes that bring people from print and Instagram to a listing.

``codes.py``: each listing's code (``ETL-4K7Q``), derived from its id (stable, no column),
and back; ``qr.py``: a QR code as pixels (the kept library: ``qrcode``, already pinned for the
staff second factor); ``views.py``: ``/k/<code>`` → the listing's page; ``posters.py``: the
printable PDFs (A4 community poster, A6 price cards) with ``reportlab``.

May import ``catalogue`` (its queries and URL helpers), ``listings``, ``auth`` and the shared
modules; imported by ``instagram`` (slides) and ``create_app``."""

from flask import Blueprint

bp = Blueprint("shortlinks", __name__)

from . import views  # noqa: E402,F401
