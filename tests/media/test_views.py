"""GET /media/<key>: stored derivatives only, with safe headers."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from PIL.PngImagePlugin import PngInfo

from marketplace.media.services import save_upload
from tests.conftest import T0

from .support import photo


def test_serves_a_webp_variant_with_immutable_cache_and_nosniff(app, db, client, media_root):
    image = save_upload(photo(), now=T0)
    variant = image.variant("w640")
    with client.get(f"/media/{variant.key}") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers
        assert response.data == (media_root / variant.key).read_bytes()


def test_serves_the_instagram_jpeg(app, db, client):
    variant = save_upload(photo(), now=T0).variant("ig1080")
    with client.get(f"/media/{variant.key}") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"


def test_conditional_get_answers_304(app, db, client):
    variant = save_upload(photo(), now=T0).variant("w320")
    with client.get(f"/media/{variant.key}") as first:
        etag = first.headers["ETag"]
    with client.get(f"/media/{variant.key}", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/media/00/00/missing.webp",
        "/media/notes.txt",
        "/media/page.html",
        "/media/ab/cd/.tmp-x.webp",
        "/media/../instance/secret_key",
        "/media/..%2f..%2fsecret.webp",
        "/media/%2e%2e/%2e%2e/secret.webp",
        "/media/ab//cd.webp",
        "/media/ab\\..\\secret.webp",
        "/media/outside/secret.webp",
    ],
)
def test_unknown_or_unsafe_paths_are_404(app, client, media_root, tmp_path, path):
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "notes.txt").write_text("not a picture")
    (media_root / "page.html").write_text("<script>alert(1)</script>")
    (media_root / "ab" / "cd").mkdir(parents=True)
    (media_root / "ab" / "cd" / ".tmp-x.webp").write_bytes(b"half-written-bytes")
    (tmp_path / "secret.webp").write_bytes(b"top-secret-bytes")
    (media_root / "outside").symlink_to(tmp_path, target_is_directory=True)
    response = client.get(path)
    assert response.status_code == 404
    # (the 404 page may echo the path in a link: look for the files' contents)
    assert b"top-secret-bytes" not in response.data and b"half-written-bytes" not in response.data
    assert b"not a picture" not in response.data and b"<script>alert" not in response.data


def test_s3_backend_serves_nothing_here(app, db, client):
    key = save_upload(photo(), now=T0).variant("w640").key
    app.config.update(MEDIA_BACKEND="s3", S3_BUCKET="etalase")
    app.extensions.pop("media_storage")
    assert client.get(f"/media/{key}").status_code == 404


def _served(client, image) -> list[bytes]:
    out = []
    for variant in image.variants:
        with client.get(f"/media/{variant.key}") as response:
            assert response.status_code == 200
            out.append(response.data)
    return out


def test_bytes_appended_after_a_jpeg_are_never_served(app, db, client):
    marker = b"<?php system($_GET['c']); ?>MUATAN-SETELAH-EOI"
    data = photo(1200, 900) + marker
    assert data.rindex(b"\xff\xd9") < data.index(marker)
    image = save_upload(data, now=T0)
    for served in _served(client, image):
        assert marker not in served
        assert b"MUATAN" not in served


def test_text_in_png_chunks_is_never_served(app, db, client):
    info = PngInfo()
    info.add_text("Comment", "RAHASIA-TEKS-PNG")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>RAHASIA-XMP-PNG</x:xmpmeta>")
    buf = io.BytesIO()
    PILImage.open(io.BytesIO(photo(1000, 800, fmt="PNG"))).save(buf, "PNG", pnginfo=info)
    data = buf.getvalue()
    assert b"RAHASIA-TEKS-PNG" in data and b"RAHASIA-XMP-PNG" in data
    image = save_upload(data, now=T0)
    for served in _served(client, image):
        assert b"RAHASIA" not in served
