"""Every file of the image manifests goes through the real upload path (``save_upload``),
once with the local backend and once with S3 (moto's server over HTTP)."""

from __future__ import annotations

import hashlib

import pytest

from marketplace.audit import AuditEvent
from marketplace.errors import ImageRejected
from marketplace.media.services import save_upload
from marketplace.media.storage import get_storage
from tests.conftest import T0

from .support import VARIANT_NAMES, assert_clean_derivative, files_under, manifest_entries, shape

ENTRIES = manifest_entries()


def test_manifest_is_found():
    assert len(ENTRIES) >= 25
    assert {e.expect for e in ENTRIES} == {"accept", "reject"}


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.expect == "accept"], ids=lambda e: e.id)
def test_accepted_entry_is_stored_upright_and_clean(app, db, member, backend, entry):
    image = save_upload(entry.path.read_bytes(), uploaded_by=member, now=T0)

    assert image.id is not None
    assert image.uploaded_by_id == member.id
    assert shape(image.width, image.height) == entry.upright
    assert {v.name for v in image.variants} == VARIANT_NAMES
    storage = get_storage()
    assert storage.backend == backend
    for variant in image.variants:
        assert variant.backend == backend
        assert storage.exists(variant.key)
        stored = storage.open(variant.key)
        assert hashlib.sha256(stored).hexdigest() == variant.checksum
        assert len(stored) == variant.size
        assert shape(variant.width, variant.height) == entry.upright
        assert variant.width <= image.width
        assert_clean_derivative(stored, variant.content_type, variant.width, variant.height)
    widths = {v.name: v.width for v in image.variants}
    assert widths["w320"] == min(320, image.width)
    assert widths["w1080"] == widths["ig1080"] == min(1080, image.width)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.expect == "reject"], ids=lambda e: e.id)
def test_rejected_entry_is_refused_and_nothing_is_written(
    app, db, member, media_root, backend, entry
):
    data = entry.path.read_bytes()
    with pytest.raises(ImageRejected) as refused:
        save_upload(data, uploaded_by=member, now=T0)

    assert refused.value.message.strip()
    assert files_under(media_root) == []
    assert list(get_storage().list()) == []
    events = (
        db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "upload.rejected"))
        .scalars()
        .all()
    )
    assert len(events) == 1
    assert events[0].actor_id == member.id
    assert events[0].object_type == "image"
    assert events[0].reason == refused.value.message
    assert events[0].details["size"] == len(data)
    assert events[0].created_at == T0
