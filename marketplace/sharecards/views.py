"""``GET /kartu/…jpg``: a public page's share card (its ``og:image``).

With the page's current content key (``?v=``) the answer is the JPEG, cached for a year
(``immutable``: the key names the content); with another or no key, a 302 to the current
one (not cached), so an old shared link still gets a picture. 404 when the page is not
public or has no listing to show. Reads only: the database is never written (the card goes
to media storage)."""

from __future__ import annotations

from flask import Response, abort, redirect, request, url_for
from flask_babel import force_locale

from ..catalogue.cards import DEFAULT_LOCALE, spec_for
from ..clock import now
from ..language.locale import LOCALES
from ..media.storage import IMMUTABLE_CACHE_CONTROL
from . import bp
from .store import card_jpeg


def _serve(kind: str, ident: str):
    locale = request.args.get("bahasa") or DEFAULT_LOCALE
    if locale not in LOCALES:
        abort(404)
    with force_locale(locale):
        spec = spec_for(kind, ident, request.args, now())
        if spec is None or not spec.listings:
            abort(404)
        if request.args.get("v") != spec.key:
            values = spec.url_values()
            response = redirect(url_for(values.pop("endpoint"), **values), 302)
            response.headers["Cache-Control"] = "no-cache"
            return response
        data = card_jpeg(spec)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = IMMUTABLE_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(spec.key)
    return response.make_conditional(request)


@bp.get("/kartu/katalog.jpg")
def catalogue_card():
    return _serve("katalog", "")


@bp.get("/kartu/usaha/<int:business_id>.jpg")
def business_card(business_id: int):
    return _serve("usaha", str(business_id))


@bp.get("/kartu/komunitas/<slug>.jpg")
def community_card(slug: str):
    return _serve("komunitas", slug)


@bp.get("/kartu/edisi/<int:edition>.jpg")
def round_card(edition: int):
    return _serve("edisi", str(edition))
