"""The storage contract, run against the local backend and against S3 (moto's server)."""

from __future__ import annotations

import os
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketplace.media.storage import (
    IMMUTABLE_CACHE_CONTROL,
    InvalidKey,
    LocalStorage,
    S3Storage,
    get_storage,
)

from .support import files_under

KEY = "ab/cd/abcdef0123456789.webp"
BAD_KEYS = [
    "",
    "../x.webp",
    "a/../../x.webp",
    "../../etc/passwd",
    "/etc/passwd",
    "a//b.webp",
    "a\\b.webp",
    ".hidden.webp",
    "a/./b.webp",
    "a/.tmp-x.part",
    "a/b/",
    "x.webp\x00.jpg",
    "產品.jpg",
    "a.php%00.jpg",
    "a b.webp",
    "x" * 201,
]


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "media", "/media")
    endpoint = request.getfixturevalue("moto_endpoint")
    return S3Storage(request.getfixturevalue("bucket"), endpoint_url=endpoint, region="us-east-1")


# --- the contract, for both backends -----------------------------------------------------


def test_save_then_open_exists_and_delete(storage):
    assert not storage.exists(KEY)
    storage.save(KEY, b"RIFF1234WEBP", "image/webp")
    assert storage.exists(KEY)
    assert storage.open(KEY) == b"RIFF1234WEBP"
    storage.delete(KEY)
    assert not storage.exists(KEY)


def test_save_replaces_an_existing_object(storage):
    storage.save(KEY, b"first", "image/webp")
    storage.save(KEY, b"second", "image/webp")
    assert storage.open(KEY) == b"second"


def test_open_of_a_missing_key_is_file_not_found(storage):
    with pytest.raises(FileNotFoundError):
        storage.open("00/00/missing.webp")


def test_delete_of_a_missing_key_is_fine(storage):
    storage.delete("00/00/missing.webp")


def test_empty_and_binary_data_round_trip(storage):
    blob = bytes(range(256)) * 64
    storage.save("b1/b2/blob.jpg", blob, "image/jpeg")
    storage.save("b1/b2/empty.jpg", b"", "image/jpeg")
    assert storage.open("b1/b2/blob.jpg") == blob
    assert storage.open("b1/b2/empty.jpg") == b""


def test_url_names_the_key(storage):
    assert KEY in storage.url(KEY)


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_malformed_keys_are_refused_before_any_io(storage, key):
    for call in (
        lambda: storage.save(key, b"x", "image/webp"),
        lambda: storage.open(key),
        lambda: storage.delete(key),
        lambda: storage.exists(key),
        lambda: storage.url(key),
    ):
        with pytest.raises(InvalidKey):
            call()


def test_list_reports_every_object_with_size_and_time(storage):
    before = datetime.now(UTC) - timedelta(minutes=5)
    assert list(storage.list()) == []
    storage.save(KEY, b"12345", "image/webp")
    storage.save("ef/01/other.jpg", b"", "image/jpeg")
    listed = {o.key: o for o in storage.list()}
    assert set(listed) == {KEY, "ef/01/other.jpg"}
    assert (listed[KEY].size, listed["ef/01/other.jpg"].size) == (5, 0)
    for obj in listed.values():
        assert obj.modified.tzinfo is not None
        assert before <= obj.modified <= datetime.now(UTC) + timedelta(minutes=5)
    storage.delete(KEY)
    assert [o.key for o in storage.list()] == ["ef/01/other.jpg"]


# --- local backend -----------------------------------------------------------------------


def test_local_writes_under_the_root_only(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    for key in BAD_KEYS:
        with pytest.raises(InvalidKey):
            storage.save(key, b"x", "image/webp")
    storage.save(KEY, b"data", "image/webp")
    assert files_under(tmp_path) == [tmp_path / "media" / KEY]
    assert (tmp_path / "media" / KEY).stat().st_mode & 0o777 == 0o644


def test_local_refuses_a_symlink_out_of_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.webp").write_bytes(b"secret")
    root = tmp_path / "media"
    root.mkdir()
    (root / "ln").symlink_to(outside, target_is_directory=True)
    storage = LocalStorage(root)
    with pytest.raises(InvalidKey):
        storage.open("ln/secret.webp")
    with pytest.raises(InvalidKey):
        storage.save("ln/new.webp", b"x", "image/webp")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.webp"]


def test_local_save_is_atomic(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path / "media")
    storage.save(KEY, b"old", "image/webp")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        storage.save(KEY, b"new and longer", "image/webp")
    assert storage.open(KEY) == b"old"
    assert files_under(tmp_path / "media") == [tmp_path / "media" / KEY]  # no temp file left


def test_local_list_skips_temporary_files_and_symlinks(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    storage.save(KEY, b"data", "image/webp")
    (tmp_path / "media" / "ab" / "cd" / ".tmp-x.part").write_bytes(b"half")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.webp").write_bytes(b"x")
    (tmp_path / "media" / "ln").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert [o.key for o in storage.list()] == [KEY]


def test_local_list_of_a_missing_root_is_empty(tmp_path):
    assert list(LocalStorage(tmp_path / "nothing").list()) == []


def test_local_url_uses_the_prefix(tmp_path):
    assert LocalStorage(tmp_path, "/media/").url(KEY) == f"/media/{KEY}"


# --- S3 backend --------------------------------------------------------------------------


def test_s3_objects_carry_type_and_cache_headers_and_no_public_acl(moto_endpoint, bucket):
    storage = S3Storage(bucket, endpoint_url=moto_endpoint, region="us-east-1")
    storage.save(KEY, b"RIFF....WEBP", "image/webp")
    head = storage.client.head_object(Bucket=bucket, Key=KEY)
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == IMMUTABLE_CACHE_CONTROL
    grants = storage.client.get_object_acl(Bucket=bucket, Key=KEY)["Grants"]
    assert all("URI" not in g["Grantee"] for g in grants)  # no AllUsers / AuthenticatedUsers


def test_s3_url_with_a_public_base(moto_endpoint, bucket):
    storage = S3Storage(
        bucket,
        endpoint_url=moto_endpoint,
        region="us-east-1",
        public_base_url="https://cdn.contoh.id/foto/",
    )
    assert storage.url(KEY) == f"https://cdn.contoh.id/foto/{KEY}"


def test_s3_url_without_a_public_base_is_presigned_and_works(moto_endpoint, bucket):
    storage = S3Storage(bucket, endpoint_url=moto_endpoint, region="us-east-1")
    storage.save(KEY, b"hello-s3", "image/webp")
    url = storage.url(KEY)
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        assert response.read() == b"hello-s3"
        assert response.headers["Content-Type"] == "image/webp"


# --- choosing the backend ----------------------------------------------------------------


def test_get_storage_is_local_by_default_and_cached(app):
    storage = get_storage()
    assert isinstance(storage, LocalStorage)
    assert storage.root == Path(app.config["MEDIA_ROOT"]).resolve()
    assert get_storage() is storage


def test_get_storage_builds_s3_from_config(app, moto_endpoint, bucket):
    app.config.update(
        MEDIA_BACKEND="s3",
        S3_BUCKET=bucket,
        S3_ENDPOINT_URL=moto_endpoint,
        S3_REGION="us-east-1",
        S3_PUBLIC_BASE_URL="https://cdn.contoh.id",
    )
    storage = get_storage()
    assert isinstance(storage, S3Storage)
    assert storage.backend == "s3"
    storage.save(KEY, b"x", "image/webp")
    assert storage.exists(KEY)
    assert storage.url(KEY) == f"https://cdn.contoh.id/{KEY}"


def test_unknown_backend_is_a_configuration_error(app):
    app.config["MEDIA_BACKEND"] = "ftp"
    with pytest.raises(ValueError):
        get_storage()


# --- each row's recorded backend -----------------------------------------------------------


def test_a_photo_row_moved_to_another_backend_is_read_from_there(
    app, db, member, moto_endpoint, bucket
):
    """Moving photos from disk to a bucket is a data migration: copy the objects, set the
    rows' backend; the URL and the bytes follow each row, whatever MEDIA_BACKEND says."""
    from marketplace.media.services import save_upload, variant_url
    from marketplace.media.storage import storage_for

    from .support import photo

    app.config.update(
        S3_BUCKET=bucket,
        S3_ENDPOINT_URL=moto_endpoint,
        S3_REGION="us-east-1",
        S3_PUBLIC_BASE_URL="https://cdn.contoh.id",
    )
    image = save_upload(photo(), uploaded_by=member, now=datetime(2026, 3, 1, tzinfo=UTC))
    variant = image.variant("w640")
    assert variant.backend == "local"
    assert variant_url(variant) == f"/media/{variant.key}"

    data = get_storage().open(variant.key)
    get_storage("s3").save(variant.key, data, variant.content_type)  # the data migration
    variant.backend = "s3"
    db.session.flush()

    assert get_storage().backend == "local"  # new photos still go to the disk
    assert variant_url(variant) == f"https://cdn.contoh.id/{variant.key}"
    assert isinstance(storage_for(variant), S3Storage)
    assert storage_for(variant).open(variant.key) == data
    assert variant_url(image.variant("w320")) == f"/media/{image.variant('w320').key}"


def test_an_unknown_recorded_backend_is_a_configuration_error(app):
    with pytest.raises(ValueError):
        get_storage("ftp")
