"""Accepting a photo: read the upload, run the pipeline, store the derivatives, add rows.

Nothing here commits: the view (or CLI command) commits once. Photos are decoded and
stored before any row is written (``prepare_upload``), so no write transaction is open
while a photo decodes; if storage fails midway, what the call wrote is deleted again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from .. import audit
from ..errors import ImageRejected, StorageFailed
from ..extensions import db
from .images import ProcessedImage, process_image
from .models import Image, ImageVariant
from .storage import get_storage, storage_for

log = logging.getLogger(__name__)

_READ_CHUNK = 64 * 1024
_MB = 1024 * 1024


# Keys of pictures staff alone may see (permit certificates): never served by ``media.file``.
PRIVATE_PREFIX = "private/"


def storage_key(data: bytes, extension: str, *, private: bool = False) -> tuple[str, str]:
    """The content-addressed key for ``data`` and its sha256 hex digest.

    Keys look like ``"ab/cd/abcd…(64 hex).webp"`` (``"private/ab/cd/…"`` for a staff-only
    picture): the same bytes always get the same key, so stored objects never change (and
    may be cached for a year)."""
    digest = hashlib.sha256(data).hexdigest()
    prefix = PRIVATE_PREFIX if private else ""
    return f"{prefix}{digest[:2]}/{digest[2:4]}/{digest}.{extension}", digest


def read_upload(file_storage, *, limit: int | None = None) -> bytes:
    """The bytes of a werkzeug ``FileStorage``, reading no more than the per-file limit.

    ``limit`` defaults to the config's ``MAX_PHOTO_BYTES``. Raises :class:`ImageRejected`
    naming the limit in MB as soon as the file turns out to be larger. The file name and
    the client's content type are ignored."""
    if limit is None:
        from flask import current_app

        limit = int(current_app.config["MAX_PHOTO_BYTES"])
    stream = file_storage.stream
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(_READ_CHUNK, limit + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise ImageRejected(
                _(
                    "Berkas foto terlalu besar: paling besar %(limit)s MB per foto.",
                    limit=f"{limit / _MB:g}".replace(".", ","),
                )
            )
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class PreparedUpload:
    """A photo run through the pipeline and written to storage, with no database row yet.

    ``processed`` is the pipeline's result, ``keys`` the storage key of each derivative (in
    ``processed.variants`` order), ``written`` those keys this upload created (the others
    were already stored: another row may use them, so they are never deleted on failure)."""

    processed: ProcessedImage
    keys: list[tuple[str, str]]  # (key, sha256 hex) per variant
    written: list[str]
    backend: str
    size: int  # bytes of the upload


def record_rejection(exc: ImageRejected, size: int, *, uploaded_by=None, now: datetime) -> None:
    """Add the ``upload.rejected`` audit event of a refused file (``size`` bytes) to the
    session (not flushed: the caller's one short write transaction carries it)."""
    audit.record(
        "upload.rejected",
        actor=uploaded_by,
        object_type="image",
        at=now,
        reason=exc.message[:200],
        details={"detected_format": getattr(exc, "detected_format", None), "size": size},
    )


def prepare_upload(data: bytes, *, private: bool = False) -> PreparedUpload:
    """Decode, re-encode and store an uploaded photo, touching no database.

    This is the slow part of an upload (seconds for a large photo), so it runs before the
    request's write transaction begins: on SQLite a write transaction holds the one database
    write lock, and holding it across photo decoding made parallel uploads time out with
    "database is locked". Each derivative goes under a content-addressed key
    (:func:`storage_key`), never one built from the file name.

    ``private``: store under ``PRIVATE_PREFIX`` (never served publicly; staff pages stream it).

    Raises :class:`ImageRejected` when the pipeline refuses the file (nothing stored), and
    :class:`StorageFailed` when storage fails, after deleting what this call wrote."""
    processed = process_image(data)
    storage = get_storage()
    keys: list[tuple[str, str]] = []
    written: list[str] = []
    try:
        for variant in processed.variants:
            key, digest = storage_key(variant.data, variant.extension, private=private)
            # The same bytes may already be stored (the same photo uploaded twice): another
            # row may point to that object, so it is never deleted on failure. It is written
            # again all the same (same bytes, same key): that renews its modification time,
            # so the orphan sweep, which spares recently written objects, cannot delete it
            # between now and this call's commit.
            if storage.exists(key):
                try:
                    storage.save(key, variant.data, variant.content_type)
                except Exception:  # the object is there all the same
                    log.warning("could not refresh stored object %s", key, exc_info=True)
            else:
                storage.save(key, variant.data, variant.content_type)
                written.append(key)
            keys.append((key, digest))
    except Exception as exc:
        log.exception("photo storage failed (%s backend)", storage.backend)
        forget_stored(written)
        raise StorageFailed() from exc
    except BaseException:
        forget_stored(written)
        raise
    return PreparedUpload(processed, keys, written, storage.backend, len(data))


def forget_stored(keys: list[str]) -> None:
    """Delete ``keys`` from storage after a failed save (errors logged, not raised: the
    orphan sweep finds what is left)."""
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # keep the original error
            log.exception("could not delete %s after a failed upload", key)


def add_upload(prepared: PreparedUpload, *, uploaded_by=None, now: datetime) -> Image:
    """The :class:`Image` row (with one :class:`ImageVariant` per derivative) of a prepared
    upload, added to the session (not flushed: the first flush of the caller's short write
    transaction writes it). ``now`` is an aware UTC datetime stamped on the row."""
    processed = prepared.processed
    image = Image(
        width=processed.width,
        height=processed.height,
        source_format=processed.source_format,
        uploaded_by_id=getattr(uploaded_by, "id", None),
        created_at=now,
    )
    for variant, (key, digest) in zip(processed.variants, prepared.keys, strict=True):
        image.variants.append(
            ImageVariant(
                name=variant.name,
                backend=prepared.backend,
                key=key,
                content_type=variant.content_type,
                size=len(variant.data),
                checksum=digest,
                width=variant.width,
                height=variant.height,
            )
        )
    db.session.add(image)
    return image


def save_upload(data: bytes, *, uploaded_by=None, now: datetime, private: bool = False) -> Image:
    """Accept one uploaded photo: :func:`prepare_upload`, then :func:`add_upload`, flushed.

    ``data`` is the raw upload, ``uploaded_by`` the acting ``User`` (or None). For several
    photos in one request, prepare them all first and add the rows after (as
    ``listings.save_listing_form`` does), so no write transaction is open while photos
    are decoded.

    Raises :class:`ImageRejected` when the pipeline refuses the file, after recording an
    ``upload.rejected`` audit event in the session (the caller decides whether to commit
    it); nothing is written to storage then. :class:`StorageFailed` when storage fails
    (what this call wrote is deleted again).
    """
    try:
        prepared = prepare_upload(data, private=private)
    except ImageRejected as exc:
        record_rejection(exc, len(data), uploaded_by=uploaded_by, now=now)
        raise
    try:
        image = add_upload(prepared, uploaded_by=uploaded_by, now=now)
        db.session.flush()
    except BaseException:
        forget_stored(prepared.written)
        raise
    return image


def variant_url(variant: ImageVariant) -> str:
    """The URL a browser loads ``variant`` from (local media view, CDN or presigned S3)."""
    return storage_for(variant).url(variant.key)


def media_url(obj, name: str = "w640") -> str:
    """Jinja global: the URL of an ``ImageVariant``, or of an ``Image``'s variant ``name``.

    Returns an empty string for None or a missing variant, so a template never fails on
    a photo that has no such size."""
    if obj is None:
        return ""
    if isinstance(obj, Image):
        obj = obj.variant(name)
        if obj is None:
            return ""
    return variant_url(obj)
