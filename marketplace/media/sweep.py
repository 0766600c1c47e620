"""Cleaning up stored pictures: photos removed from a listing, and the orphan sweep.

Storage keys are content-addressed, so one object may back several ``ImageVariant`` rows
(the same photo uploaded twice, a listing copied into a new round). An object is only
ever deleted when **no** row references its key any more.

Which rows "use" an image is not hard-coded here (media sits below the features that
attach photos): every foreign key to ``images.id`` in the metadata, other than the
variants' own, counts as a reference. A listing photo (``photos.image_id``) is one today.

Two entry points, both in two steps around the caller's commit (nothing here commits):

* :func:`discard_images` (before the commit) deletes the rows of images that nothing
  references any more and returns their keys; :func:`delete_unreferenced_objects` (after
  the commit) deletes those keys from storage unless another row still uses them. So a
  photo removed from a listing leaves storage only once the change is committed.
* :func:`sweep_rows` and :func:`sweep_storage` do the same for the whole store, with a
  grace period (24 hours by default) that protects uploads in progress: objects are
  written before their rows, and a photo accepted in a refused form attempt waits,
  unattached, for the next try.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from .models import Image, ImageVariant
from .storage import Storage, get_storage

log = logging.getLogger(__name__)

GRACE = timedelta(hours=24)
# Objects the app draws from others and keeps by content key (share cards: ``sharecards``),
# not photos: no row references them, and the sweep leaves them alone.
GENERATED_PREFIX = "generated/"


def _reference_columns() -> list[sa.Column]:
    """Every column with a foreign key to ``images.id``, except the variants' own."""
    columns = []
    for table in db.metadata.sorted_tables:
        if table.name == ImageVariant.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Image.__tablename__:
                columns.append(fk.parent)
    return columns


def _unreferenced():
    """SQL condition: no row anywhere (listing photo…) points at the image."""
    return sa.and_(*[~sa.exists().where(col == Image.id) for col in _reference_columns()])


def _delete_images(images: Iterable[Image]) -> list[str]:
    keys: list[str] = []
    for image in images:
        keys.extend(v.key for v in image.variants)
        db.session.delete(image)  # its variants go with it (cascade)
    db.session.flush()
    return keys


def discard_images(image_ids: Iterable[int]) -> list[str]:
    """Delete, in the session, those of ``image_ids`` that no row references any more
    (call after the change that detached them has been flushed). Returns the storage keys
    their variants used; pass them to :func:`delete_unreferenced_objects` after commit."""
    ids = sorted(set(image_ids))
    if not ids:
        return []
    db.session.flush()
    images = (
        db.session.execute(sa.select(Image).where(Image.id.in_(ids), _unreferenced()))
        .scalars()
        .all()
    )
    return _delete_images(images)


def referenced_keys(keys: Iterable[str] | None = None) -> set[str]:
    """The keys (among ``keys``, or all) that some ``ImageVariant`` row uses."""
    q = sa.select(ImageVariant.key).distinct()
    if keys is not None:
        keys = list(set(keys))
        if not keys:
            return set()
        q = q.where(ImageVariant.key.in_(keys))
    return set(db.session.execute(q).scalars())


def delete_unreferenced_objects(keys: Iterable[str], storage: Storage | None = None) -> list[str]:
    """After the commit: delete each of ``keys`` from storage unless a row still uses it.

    Returns the keys deleted. Storage errors are logged, not raised (the data change is
    already committed; the orphan sweep retries later)."""
    keys = sorted(set(keys))
    if not keys:
        return []
    storage = storage or get_storage()
    still_used = referenced_keys(keys)
    deleted = []
    for key in keys:
        if key in still_used:
            continue
        try:
            storage.delete(key)
            deleted.append(key)
        except Exception:
            log.exception("could not delete stored object %s; the orphan sweep will retry", key)
    return deleted


@dataclass
class SweepReport:
    """What one sweep found and did. ``missing`` lists (image id, variant name, key) of
    rows whose object is not in storage."""

    images_deleted: int = 0
    objects_deleted: list[str] = field(default_factory=list)
    bytes_freed: int = 0
    young_kept: int = 0
    missing: list[tuple[int, str, str]] = field(default_factory=list)
    dry_run: bool = False


def sweep_rows(
    now: datetime,
    *,
    grace: timedelta = GRACE,
    dry_run: bool = False,
    report: SweepReport | None = None,
) -> SweepReport:
    """Step 1, before the commit: delete images created before ``now - grace`` that
    nothing references (their variants go with them), with one ``media.sweep`` audit
    event. With ``dry_run`` nothing is deleted; the report counts what would be."""
    report = report or SweepReport(dry_run=dry_run)
    stale = (
        db.session.execute(
            sa.select(Image)
            .where(Image.created_at < now - grace, _unreferenced())
            .order_by(Image.id)
        )
        .scalars()
        .all()
    )
    report.images_deleted = len(stale)
    if stale and not dry_run:
        ids = [img.id for img in stale]
        _delete_images(stale)
        audit.record(
            "media.sweep",
            object_type="image",
            at=now,
            details={"images_deleted": len(ids), "image_ids": ids[:200]},
        )
    return report


def sweep_storage(
    now: datetime,
    *,
    grace: timedelta = GRACE,
    dry_run: bool = False,
    storage: Storage | None = None,
    report: SweepReport | None = None,
) -> SweepReport:
    """Step 2, after the commit: delete stored objects that no row references and that
    were last written before ``now - grace``; report rows whose object is missing.

    The rows are read before storage is listed, so a row seen here was committed after
    its objects were written: a key it names and storage lacks is really missing."""
    report = report or SweepReport(dry_run=dry_run)
    storage = storage or get_storage()
    rows = db.session.execute(
        sa.select(ImageVariant.image_id, ImageVariant.name, ImageVariant.key)
        .where(ImageVariant.backend == storage.backend)
        .order_by(ImageVariant.id)
    ).all()
    used = referenced_keys()
    present: set[str] = set()
    for obj in storage.list():
        present.add(obj.key)
        if obj.key in used or obj.key.startswith(GENERATED_PREFIX):
            continue
        if obj.modified >= now - grace:
            report.young_kept += 1
            continue
        if not dry_run:
            try:
                storage.delete(obj.key)
            except Exception:
                log.exception("could not delete orphan %s", obj.key)
                continue
        report.objects_deleted.append(obj.key)
        report.bytes_freed += obj.size
    report.missing = [(image_id, name, key) for image_id, name, key in rows if key not in present]
    return report
