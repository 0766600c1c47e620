"""save_upload, read_upload, URLs and the picture macro."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from flask import render_template_string
from werkzeug.datastructures import FileStorage

from marketplace.audit import AuditEvent
from marketplace.errors import ImageRejected, StorageFailed
from marketplace.media.models import Image, ImageVariant
from marketplace.media.services import media_url, read_upload, save_upload, variant_url
from marketplace.media.storage import LocalStorage
from tests.conftest import T0

from .support import files_under, photo


def test_save_upload_stores_content_addressed_variants(app, db, member, media_root):
    image = save_upload(photo(1600, 1200), uploaded_by=member, now=T0)

    assert (image.width, image.height, image.source_format) == (1600, 1200, "JPEG")
    assert image.uploaded_by_id == member.id
    assert image.created_at == T0
    stored = set()
    for v in image.variants:
        data = (media_root / v.key).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        ext = "webp" if v.content_type == "image/webp" else "jpg"
        assert v.key == f"{digest[:2]}/{digest[2:4]}/{digest}.{ext}"
        assert (v.backend, v.checksum, v.size) == ("local", digest, len(data))
        stored.add(media_root / v.key)
    assert set(files_under(media_root)) == stored


def test_save_upload_flushes_but_never_commits(app, db, member):
    image = save_upload(photo(), uploaded_by=member, now=T0)
    assert image.id is not None
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count(Image.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(ImageVariant.id))).scalar_one() == 0


def test_rejection_is_audited_with_the_detected_format(app, db, member):
    with pytest.raises(ImageRejected):
        save_upload(photo(100, 80), uploaded_by=member, now=T0)
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert event.action == "upload.rejected"
    assert event.actor_id == member.id
    assert event.details["detected_format"] == "JPEG"
    assert "320" in event.reason


def test_anonymous_rejection_is_audited_without_actor(app, db):
    with pytest.raises(ImageRejected):
        save_upload(b"", now=T0)
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert event.actor_id is None
    assert event.details == {"detected_format": None, "size": 0}


class FailingStorage(LocalStorage):
    """Local storage whose n-th save fails, as a full disk or a lost bucket would."""

    def __init__(self, root, fail_on: int):
        super().__init__(root)
        self.fail_on, self.saves = fail_on, 0

    def save(self, key, data, content_type):
        self.saves += 1
        if self.saves == self.fail_on:
            raise OSError("No space left on device")
        super().save(key, data, content_type)


def test_storage_failure_midway_removes_what_was_written(app, db, member, media_root):
    app.extensions["media_storage"] = FailingStorage(media_root, fail_on=3)
    with pytest.raises(StorageFailed):
        save_upload(photo(), uploaded_by=member, now=T0)
    assert files_under(media_root) == []
    assert db.session.execute(db.select(db.func.count(Image.id))).scalar_one() == 0


def test_same_photo_twice_shares_objects_and_a_failure_keeps_the_first(app, db, member, media_root):
    data = photo()
    first = save_upload(data, uploaded_by=member, now=T0)
    before = files_under(media_root)
    app.extensions["media_storage"] = FailingStorage(media_root, fail_on=1)
    second = save_upload(data, uploaded_by=member, now=T0)  # nothing new to write
    assert {v.key for v in second.variants} == {v.key for v in first.variants}
    assert files_under(media_root) == before


def test_flush_failure_removes_what_was_written(app, db, member, media_root, monkeypatch):
    def broken_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        save_upload(photo(), uploaded_by=member, now=T0)
    assert files_under(media_root) == []


# --- read_upload -------------------------------------------------------------------------


def _file(data: bytes, filename: str = "foto.jpg", content_type: str = "image/jpeg") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


def test_read_upload_returns_the_bytes(app):
    data = photo()
    assert read_upload(_file(data)) == data


def test_read_upload_stops_at_the_per_file_limit(app):
    app.config["MAX_PHOTO_BYTES"] = 2 * 1024 * 1024
    stream = io.BytesIO(b"\xff" * (5 * 1024 * 1024))
    with pytest.raises(ImageRejected) as refused:
        read_upload(FileStorage(stream, filename="besar.jpg"))
    assert "2 MB" in refused.value.message
    assert stream.tell() <= 2 * 1024 * 1024 + 1  # never read the whole file


def test_read_upload_at_exactly_the_limit(app):
    assert len(read_upload(_file(b"x" * 1000), limit=1000)) == 1000


KEY_PATTERN = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.(webp|jpg)")


@pytest.mark.parametrize(
    "filename",
    [
        "../../x.py",
        "產品.jpg",
        "a.php%00.jpg",
        "x" * 300 + ".jpg",
        "foto.png",
        "/etc/passwd",
        "..\\..\\win.ini",
    ],
)
def test_any_file_name_with_valid_content_is_stored_under_a_generated_key(
    app, db, member, media_root, tmp_path, filename
):
    def outside_media():
        return {p for p in files_under(tmp_path.parent) if media_root not in p.parents}

    before = outside_media()
    upload = _file(photo(), filename=filename, content_type="text/x-python")
    image = save_upload(read_upload(upload), uploaded_by=member, now=T0)
    for v in image.variants:
        assert KEY_PATTERN.fullmatch(v.key)
        assert (media_root / v.key).is_file()
    assert outside_media() == before


def test_text_named_jpg_is_refused(app, db):
    upload = _file(b"<?php echo 'hai'; ?>", filename="foto.jpg", content_type="image/jpeg")
    with pytest.raises(ImageRejected):
        save_upload(read_upload(upload), now=T0)


# --- URLs and templates ------------------------------------------------------------------


def test_variant_url_and_media_url(app, db):
    image = save_upload(photo(), now=T0)
    w640 = image.variant("w640")
    assert variant_url(w640) == f"/media/{w640.key}"
    assert media_url(w640) == variant_url(w640)
    assert media_url(image) == variant_url(w640)
    assert media_url(image, "w320") == variant_url(image.variant("w320"))
    assert media_url(None) == ""
    assert media_url(image, "w9999") == ""


def test_media_url_is_a_jinja_global(app, db):
    image = save_upload(photo(), now=T0)
    html = render_template_string("{{ media_url(image.variant('w320')) }}", image=image)
    assert html == f"/media/{image.variant('w320').key}"


PICTURE = '{% from "media/_picture.html" import picture %}{{ picture(image, **kw) }}'


def test_picture_macro_renders_a_responsive_img(app, db):
    image = save_upload(photo(1600, 1200), now=T0)
    html = render_template_string(PICTURE, image=image, kw={"alt": 'Keripik "pedas" <b>'})
    urls = {v.name: variant_url(v) for v in image.variants}
    assert html.startswith(f'<img src="{urls["w640"]}"')
    assert f'srcset="{urls["w320"]} 320w, {urls["w640"]} 640w, {urls["w1080"]} 1080w"' in html
    assert 'sizes="(max-width: 600px) 50vw, 300px"' in html
    assert 'width="640" height="480"' in html
    assert 'loading="lazy"' in html and 'decoding="async"' in html
    assert 'alt="Keripik &#34;pedas&#34; &lt;b&gt;"' in html
    assert "class=" not in html
    assert urls["ig1080"] not in html


def test_picture_macro_options(app, db):
    image = save_upload(photo(900, 1200), now=T0)
    html = render_template_string(
        PICTURE, image=image, kw={"alt": "Foto", "eager": True, "class": "hero", "sizes": "100vw"}
    )
    assert 'loading="eager"' in html and 'class="hero"' in html and 'sizes="100vw"' in html
    assert 'width="640" height="853"' in html


def test_picture_macro_lists_each_width_once_for_small_photos(app, db):
    image = save_upload(photo(500, 400), now=T0)
    html = render_template_string(PICTURE, image=image, kw={"alt": "Foto"})
    srcset = re.search(r'srcset="([^"]*)"', html).group(1)
    assert [item.rsplit(" ", 1)[1] for item in srcset.split(", ")] == ["320w", "500w"]


def test_picture_macro_renders_nothing_without_an_image(app):
    assert render_template_string(PICTURE, image=None, kw={"alt": "x"}).strip() == ""
