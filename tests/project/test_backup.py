"""`flask backup create|restore`: a round trip brings back every row of every table and every
stored object; restore checks the archive first and never overwrites without --force."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.media.storage import get_storage
from tests.builders import make_member, make_public_listing, make_round, with_real_photos
from tests.conftest import base_config


@pytest.fixture(autouse=True)
def sqlite_only(request, db):
    on_sqlite = db.engine.dialect.name == "sqlite"
    if "postgresql" in request.node.name:
        if on_sqlite:
            pytest.skip("runs in the PostgreSQL pass of the suite")
    elif not on_sqlite:
        pytest.skip("the embedded setup's backup; PostgreSQL uses pg_dump (see README)")


def test_on_postgresql_the_command_points_to_pg_dump(app, tmp_path):
    result = _cli(app, ["backup", "create", str(tmp_path / "b.tar.gz")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    assert not (tmp_path / "b.tar.gz").exists()


def _rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (the FTS index's own tables included), sorted."""
    with sqlite3.connect(path) as conn:
        names = [
            n
            for (n,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def _objects(app) -> dict[str, str]:
    with app.app_context():
        storage = get_storage()
        return {o.key: hashlib.sha256(storage.open(o.key)).hexdigest() for o in storage.list()}


def _cli(app, args):
    """Run a ``flask`` command against ``app`` (its own app context, not the fixture's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def _db_path(app) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


@pytest.fixture
def filled(app, db):
    member = make_member()
    make_round(quota=3)
    listing = make_public_listing(title="Keripik Tempe Ñam 🍪")
    with_real_photos(listing)
    with_real_photos(
        make_public_listing(title="Kopi Robusta"),
        Path(__file__).parents[1] / "fixtures" / "images" / "real" / "iphone.heic",
    )
    db.session.commit()
    return member


def _fresh_app(tmp_path, clock, name: str):
    path = tmp_path / name
    config = base_config(path, clock)
    config["DATABASE_URL"] = f"sqlite:///{path / 'restored.sqlite3'}"
    config["MEDIA_ROOT"] = str(path / "media")
    return create_app(config)


def test_round_trip_restores_every_row_and_every_object(app, filled, tmp_path, clock):
    archive = tmp_path / "cadangan.tar.gz"
    result = _cli(app, ["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output
    before_rows, before_objects = _rows(_db_path(app)), _objects(app)
    assert before_objects and before_rows["listings"] and before_rows["image_variants"]

    target = _fresh_app(tmp_path, clock, "elsewhere")
    result = _cli(target, ["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert _rows(_db_path(target)) == before_rows
    assert _objects(target) == before_objects

    # The restored site serves the photos it refers to.
    with target.app_context():
        key = json.loads(tarfile.open(archive).extractfile("manifest.json").read())["media"][0][
            "key"
        ]
    assert target.test_client().get(f"/media/{key}").status_code == 200


def test_manifest_lists_database_and_objects_with_checksums(app, filled, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert _cli(app, ["backup", "create", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        db_bytes = tar.extractfile("database.sqlite3").read()
        assert manifest["format"] == "etalase-backup" and manifest["alembic_revision"]
        assert hashlib.sha256(db_bytes).hexdigest() == manifest["database"]["sha256"]
        for entry in manifest["media"]:
            data = tar.extractfile(f"media/{entry['key']}").read()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert {e["key"] for e in manifest["media"]} == set(_objects(app))


def test_create_refuses_to_replace_an_existing_file_without_force(app, filled, tmp_path):
    archive = tmp_path / "ada.tar.gz"
    archive.write_bytes(b"keep me")
    result = _cli(app, ["backup", "create", str(archive)])
    assert result.exit_code != 0 and "--force" in result.output
    assert archive.read_bytes() == b"keep me"
    assert _cli(app, ["backup", "create", "--force", str(archive)]).exit_code == 0


def test_restore_refuses_to_overwrite_data_without_force(app, db, filled, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert _cli(app, ["backup", "create", str(archive)]).exit_code == 0
    make_member()  # the live site goes on after the backup
    db.session.commit()
    db.session.remove()
    changed = _rows(_db_path(app))

    result = _cli(app, ["backup", "restore", str(archive)])
    assert result.exit_code != 0 and "--force" in result.output
    assert _rows(_db_path(app)) == changed

    result = _cli(app, ["backup", "restore", "--force", str(archive)])
    assert result.exit_code == 0, result.output
    assert len(_rows(_db_path(app))["users"]) == len(changed["users"]) - 1


def _damaged(archive: Path, out: Path, member_prefix: str) -> Path:
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            if info.name.startswith(member_prefix):
                data = data[:-1] + bytes([data[-1] ^ 1])
                member_prefix = "\0"  # damage one member only
            dst.addfile(info, io.BytesIO(data))
    return out


@pytest.mark.parametrize("member", ["media/", "database.sqlite3"])
def test_a_damaged_archive_is_refused_before_anything_is_written(
    app, filled, tmp_path, clock, member
):
    archive = tmp_path / "b.tar.gz"
    assert _cli(app, ["backup", "create", str(archive)]).exit_code == 0
    bad = _damaged(archive, tmp_path / "rusak.tar.gz", member)
    target = _fresh_app(tmp_path, clock, "elsewhere")
    result = _cli(target, ["backup", "restore", str(bad)])
    assert result.exit_code != 0 and "damaged" in result.output
    assert _objects(target) == {}
    assert not _db_path(target).exists() or _rows(_db_path(target)).get("users", []) == []


def test_an_archive_cannot_write_outside_the_photo_store(app, tmp_path, clock):
    manifest = {
        "format": "etalase-backup",
        "version": 1,
        "alembic_revision": None,
        "database": {
            "name": "database.sqlite3",
            "size": 0,
            "sha256": hashlib.sha256(b"").hexdigest(),
        },
        "media": [{"key": "../../escape.py", "size": 1, "sha256": "0" * 64}],
    }
    archive = tmp_path / "jahat.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (
            ("manifest.json", json.dumps(manifest).encode()),
            ("database.sqlite3", b""),
            ("media/../../escape.py", b"x"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    target = _fresh_app(tmp_path, clock, "elsewhere")
    result = _cli(target, ["backup", "restore", str(archive)])
    assert result.exit_code != 0
    assert (
        not (tmp_path / "escape.py").exists()
        and not (tmp_path / "elsewhere" / "escape.py").exists()
    )
