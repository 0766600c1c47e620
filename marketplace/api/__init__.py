"""The read-only public JSON API (``/api/v1``), described by OpenAPI 3.1 (``openapi.py``,
served at ``/api/v1/openapi.json`` and rendered at ``/api/v1/docs``): listings, rounds,
communities, businesses, categories, districts. Only public data; errors as JSON in one shape
(``errors.json_error``); ETag, cache headers and CORS from ``http.py``.

Files: ``http.py`` (ETag, CORS, errors), ``serializers.py`` (public shapes), ``queries.py``
(reads beyond the catalogue's), ``openapi.py`` (the document), views per resource
(``listings_views``, ``rounds_views``, ``directory_views``, ``docs_views``).

May import ``catalogue`` (its queries, cursor and URL helpers), ``listings``, ``rounds``,
``auth`` and ``reference`` models and the shared modules; nothing imports it."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import directory_views, docs_views, listings_views, rounds_views  # noqa: E402,F401
from .http import add_cors, refuse_malformed_numbers  # noqa: E402

bp.before_request(refuse_malformed_numbers)
bp.after_request(add_cors)
