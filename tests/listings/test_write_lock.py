"""The listing form's write-lock ordering (#18): every photo is decoded and stored before
the request writes its first row, so on SQLite the database's one write lock is held for
milliseconds, not across seconds of photo decoding (parallel uploads then waited past the
busy timeout and failed with "database is locked")."""

import io
import sqlite3
import threading

import sqlalchemy as sa

from marketplace.extensions import db as _db
from marketplace.listings import listings as listing_service
from marketplace.listings.models import Listing
from marketplace.media import services as media_services
from tests.builders import jpeg_bytes, make_business, make_round

WRITES = ("INSERT", "UPDATE", "DELETE")


def _form(business_id, photos):
    return {
        "business_id": str(business_id),
        "title": "Keripik Singkong Balado",
        "category_id": "1",
        "price": "15rb",
        "unit": "pack",
        "description": "Renyah.",
        "action": "submit",
        "photos": [(io.BytesIO(p), f"IMG_{i}.jpg") for i, p in enumerate(photos)],
    }


def _trace(app, monkeypatch) -> list[str]:
    """An ordered log of 'decode' / 'store' calls and of write statements."""
    events: list[str] = []

    def on_execute(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            events.append("write")

    sa.event.listen(_db.engine, "before_cursor_execute", on_execute)
    real_process = media_services.process_image

    def process(data):
        events.append("decode")
        return real_process(data)

    monkeypatch.setattr(media_services, "process_image", process)
    storage = media_services.get_storage()
    real_save = storage.save

    def save(key, data, content_type):
        events.append("store")
        return real_save(key, data, content_type)

    monkeypatch.setattr(storage, "save", save)
    return events


def test_photos_are_decoded_and_stored_before_the_first_write(as_member, app, db, monkeypatch):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    events = _trace(app, monkeypatch)
    photos = [jpeg_bytes(800, 600, (200, 10 * i, 30)) for i in range(3)]
    r = as_member.post(
        "/portal/produk/baru",
        data=_form(business.id, photos),
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert events.count("decode") == 3 and "write" in events
    first_write = events.index("write")
    assert "decode" not in events[first_write:] and "store" not in events[first_write:]
    listing = db.session.execute(db.select(Listing)).scalar_one()
    assert len(listing.photos) == 3


def test_an_edit_with_photos_decodes_before_writing_too(as_member, app, db, monkeypatch):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    r = as_member.post(
        "/portal/produk/baru",
        data=_form(business.id, [jpeg_bytes(700, 500)]),
        content_type="multipart/form-data",
    )
    listing = db.session.execute(db.select(Listing)).scalar_one()
    events = _trace(app, monkeypatch)
    data = _form(business.id, [jpeg_bytes(640, 480, (1, 2, 3)), jpeg_bytes(480, 640, (9, 8, 7))])
    data["photo_order"] = str(listing.photos[0].image_id)
    data["action"] = "save"
    r = as_member.post(
        f"/portal/produk/{listing.id}/ubah", data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 302
    first_write = events.index("write")
    assert events.count("decode") == 2 and "decode" not in events[first_write:]


def test_sqlite_upload_waits_out_a_short_foreign_write_lock(as_member, app, db, monkeypatch):
    """Another request holding the write lock for a moment (as a parallel save does) makes
    this save wait within the busy timeout, not fail, and never while decoding."""
    if db.engine.dialect.name != "sqlite":
        return
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    other = sqlite3.connect(
        db.engine.url.database, isolation_level=None, timeout=1, check_same_thread=False
    )
    real_prepare = listing_service.prepare_upload
    held = threading.Event()

    def prepare(data):
        prepared = real_prepare(data)
        if not held.is_set():  # take the lock while this request is still decoding
            other.execute("BEGIN IMMEDIATE")
            held.set()
            threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
        return prepared

    monkeypatch.setattr(listing_service, "prepare_upload", prepare)
    r = as_member.post(
        "/portal/produk/baru",
        data=_form(business.id, [jpeg_bytes(), jpeg_bytes(640, 640, (5, 5, 5))]),
        content_type="multipart/form-data",
    )
    assert held.is_set() and r.status_code == 302
    other.close()
    assert db.session.execute(db.select(sa.func.count(Listing.id))).scalar_one() == 1
