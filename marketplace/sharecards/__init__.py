"""Share cards: the generated 1200×630 ``og:image`` of the catalogue, category, kecamatan,
community, business and round pages (``GET /kartu/<kind>/<ident>/<key>.jpg``).

Owns: drawing the card (``render.py``: the site's brand and the first listings' photos,
Pillow, the Instagram kit's fonts), keeping it in media storage under ``generated/cards/``
by content key (``store.py``; the media sweep leaves ``generated/`` alone) and serving it
with long cache headers (``views.py``). What a card shows and its key come from
``catalogue.cards``.

May import ``catalogue`` (cards, pages), ``instagram`` (its text layout and photo fit, not its
views), ``media`` (storage), ``site_settings`` and the shared modules; only ``create_app``
imports it.
"""

from flask import Blueprint

bp = Blueprint("sharecards", __name__)

from . import views  # noqa: E402,F401
