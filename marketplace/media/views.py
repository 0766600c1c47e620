"""Serving stored pictures from the local backend, and the media template helpers.

``GET <MEDIA_URL_PREFIX>/<key>`` (endpoint ``media.file``) serves a file of the local
backend with the content type implied by the key (only the ``.webp`` and ``.jpg`` keys the
pipeline writes), immutable cache headers (keys are content-addressed) and ``nosniff``.
Anything else, any key outside the media root, and every request when the backend is
S3 (browsers then load pictures from the bucket or CDN) answers 404.

Templates get the ``media_url`` global (``services.media_url``, registered by
``templating``); the ``picture`` macro lives in ``media/_picture.html``.
"""

from __future__ import annotations

from flask import abort, send_file

from . import bp
from .services import PRIVATE_PREFIX
from .storage import IMMUTABLE_CACHE_CONTROL, InvalidKey, LocalStorage, get_storage

CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


@bp.get("/<path:key>", endpoint="file")
def file(key: str):
    storage = get_storage()
    if not isinstance(storage, LocalStorage) or key.startswith(PRIVATE_PREFIX):
        abort(404)  # private pictures (permit certificates) reach staff through their pages
    content_type = CONTENT_TYPES.get(key.rpartition(".")[2].lower()) if "." in key else None
    if content_type is None:
        abort(404)
    try:
        path = storage.path(key)
    except InvalidKey:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=content_type, conditional=True, etag=True, max_age=31536000)
    response.headers["Cache-Control"] = IMMUTABLE_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
