"""Orphans: ``flask --app marketplace media sweep`` and the sweep services, on both backends.

Stored objects carry the storage's own modification time (the wall clock: file mtime, S3
LastModified), so these tests pin the app's clock to the machine's current time and move
it forward instead of waiting."""

from __future__ import annotations

import pytest

from marketplace.audit import AuditEvent
from marketplace.clock import system_now
from marketplace.listings.models import Photo
from marketplace.media import sweep
from marketplace.media.models import Image, ImageVariant
from marketplace.media.services import save_upload
from marketplace.media.storage import get_storage
from tests.builders import make_listing

from .support import photo


@pytest.fixture
def start(clock):
    """The app's clock set to the machine's current time (what storage stamps objects with)."""
    clock.set(system_now())
    return clock()


def stored_keys() -> set[str]:
    return {o.key for o in get_storage().list()}


def keys_of(image: Image) -> set[str]:
    return {v.key for v in image.variants}


def attach(image: Image):
    listing = make_listing(photos=0)
    listing.photos = [Photo(image=image, position=0)]
    return listing


def run_sweep(app, *args):
    return app.test_cli_runner().invoke(args=["media", "sweep", *args])


def test_unattached_photo_older_than_a_day_goes_with_its_files(
    app, db, member, backend, clock, start
):
    old = save_upload(photo(480, 360), uploaded_by=member, now=start)
    used = save_upload(photo(400, 400), uploaded_by=member, now=start)
    attach(used)
    db.session.commit()
    clock.advance(hours=23)
    young = save_upload(photo(360, 480), uploaded_by=member, now=clock())
    db.session.commit()
    clock.advance(hours=2)  # old and used: 25 h; young: 2 h

    result = run_sweep(app)

    assert result.exit_code == 0, result.output
    assert "images deleted: 1" in result.output
    remaining = db.session.execute(db.select(Image.id)).scalars().all()
    assert sorted(remaining) == sorted([used.id, young.id])
    assert stored_keys() == keys_of(used) | keys_of(young)
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "media.sweep")
    ).scalar_one()
    assert event.details["image_ids"] == [old.id]


def test_a_key_shared_with_a_row_still_in_use_is_kept(app, db, member, backend, clock, start):
    data = photo(480, 360)
    orphan = save_upload(data, uploaded_by=member, now=start)
    twin = save_upload(data, uploaded_by=member, now=start)  # same bytes, same keys
    attach(twin)
    db.session.commit()
    assert keys_of(orphan) == keys_of(twin)
    clock.advance(hours=25)

    result = run_sweep(app)

    assert result.exit_code == 0, result.output
    assert db.session.get(Image, orphan.id) is None
    assert stored_keys() == keys_of(twin)


def test_objects_without_rows_go_only_after_the_grace_period(app, db, backend, clock, start):
    storage = get_storage()
    storage.save("aa/bb/left-by-a-crash.webp", b"RIFF....WEBP", "image/webp")

    result = run_sweep(app)
    assert "objects deleted: 0" in result.output
    assert "kept (younger than 24 h): 1" in result.output
    assert stored_keys() == {"aa/bb/left-by-a-crash.webp"}

    clock.advance(hours=24, minutes=1)
    result = run_sweep(app)
    assert "objects deleted: 1 (12 bytes)" in result.output
    assert stored_keys() == set()


def test_missing_objects_are_reported_with_exit_status_1(app, db, member, backend, clock, start):
    image = save_upload(photo(480, 360), uploaded_by=member, now=start)
    attach(image)
    db.session.commit()
    lost = image.variant("ig1080")  # the only JPEG: no other variant shares its key
    get_storage().delete(lost.key)

    result = run_sweep(app)

    assert result.exit_code == 1
    assert "missing objects: 1" in result.output
    assert f"missing: image {image.id} {lost.name} {lost.key}" in result.output
    assert db.session.get(Image, image.id) is not None  # reported, not touched


def test_dry_run_deletes_nothing(app, db, member, backend, clock, start):
    image = save_upload(photo(480, 360), uploaded_by=member, now=start)
    db.session.commit()
    get_storage().save("aa/bb/stray.jpg", b"x", "image/jpeg")
    clock.advance(hours=30)
    before = stored_keys()

    result = run_sweep(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "images would delete: 1" in result.output
    assert "objects would delete: 1" in result.output
    assert db.session.get(Image, image.id) is not None
    assert stored_keys() == before


def test_grace_period_option(app, db, backend, clock, start):
    get_storage().save("aa/bb/stray.jpg", b"x", "image/jpeg")
    clock.advance(hours=3)
    assert "objects deleted: 0" in run_sweep(app, "--hours", "4").output
    assert "objects deleted: 1" in run_sweep(app, "--hours", "2").output


def test_discard_then_delete_after_commit(app, db, member, backend, start):
    kept = save_upload(photo(480, 360), uploaded_by=member, now=start)
    gone = save_upload(photo(360, 480), uploaded_by=member, now=start)
    shared = save_upload(photo(480, 360), uploaded_by=member, now=start)  # same bytes as ``kept``
    attach(kept)
    db.session.commit()

    keys = sweep.discard_images([gone.id, shared.id, kept.id])

    # rows deleted in the session (kept is attached, so it stays); storage untouched
    assert set(keys) == keys_of(gone) | keys_of(kept)
    assert keys_of(gone) <= stored_keys()
    db.session.commit()
    deleted = sweep.delete_unreferenced_objects(keys)
    assert set(deleted) == keys_of(gone)
    assert stored_keys() == keys_of(kept)
    assert db.session.execute(db.select(db.func.count(ImageVariant.id))).scalar_one() == 4


def test_delete_unreferenced_objects_survives_a_storage_error(app, db, monkeypatch, caplog):
    storage = get_storage()

    def broken(key):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(storage, "delete", broken)
    assert sweep.delete_unreferenced_objects(["aa/bb/x.webp"]) == []
    assert "orphan sweep will retry" in caplog.text
