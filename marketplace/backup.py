"""Backup and restore of the embedded setup: the SQLite database and the photo store, in
one archive. ``flask --app marketplace backup create PATH`` / ``backup restore PATH``.

The archive is a gzipped tar holding

* ``manifest.json``: format and version, creation time (UTC), the Alembic revision, and for
  the database file and every stored object its name, size and sha256;
* ``database.sqlite3``: a consistent copy taken with SQLite's online backup API
  (``sqlite3.Connection.backup``) while the site keeps running;
* ``media/<key>``: every object of the photo store (through the storage interface, so the
  local and S3 backends both work), listed after the database copy, so every photo the
  copy refers to is in the archive (stored objects are content-addressed and never change).

``restore`` checks every checksum before it writes anything, refuses to overwrite a database
that holds data or a photo store that holds objects unless ``--force`` is given, copies the
database in with the same backup API (safe with WAL files) and writes the objects back
under their keys (validated by the storage, so an archive cannot write outside the store).

PostgreSQL deployments use ``pg_dump`` and bucket versioning instead (see README).
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from .extensions import db
from .media.storage import get_storage, validate_key

FORMAT = "etalase-backup"
VERSION = 1
DB_MEMBER = "database.sqlite3"
MANIFEST = "manifest.json"


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message says why (exit status 1)."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sqlite_path() -> Path:
    """The database file of the app, or BackupError for anything but a SQLite file."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "backup create/restore is for the embedded SQLite database; for PostgreSQL use "
            "pg_dump / pg_restore and versioning on the photo bucket (see README, Backups)."
        )
    return Path(url.database)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _content_types() -> dict[str, str]:
    from .media.models import ImageVariant

    return dict(db.session.execute(sa.select(ImageVariant.key, ImageVariant.content_type)).all())


def _revision(path: Path) -> str | None:
    with sqlite3.connect(path) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return None
    return row[0] if row else None


@dataclass
class Summary:
    tables: int
    objects: int
    size: int
    missing: list[str] = field(default_factory=list)


def create_backup(target: Path, *, force: bool = False) -> Summary:
    """Write the archive to ``target`` (atomically: a temporary file renamed at the end)."""
    source = sqlite_path()
    target = Path(target)
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; use --force to replace it")
    now = datetime.now(UTC)
    storage = get_storage()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DB_MEMBER
        src = sqlite3.connect(source)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)  # a consistent snapshot, even while others write
        finally:
            dst.close()
            src.close()
        db_bytes = copy.read_bytes()
        with sqlite3.connect(copy) as conn:
            referenced = {k for (k,) in conn.execute("SELECT key FROM image_variants")}
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table'"
            ).fetchone()[0]
        content_types = _content_types()
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        entries = []
        try:
            with tarfile.open(partial, "w:gz") as tar:
                _add_bytes(tar, DB_MEMBER, db_bytes, now.timestamp())
                for obj in sorted(storage.list(), key=lambda o: o.key):
                    data = storage.open(obj.key)
                    _add_bytes(tar, f"media/{obj.key}", data, obj.modified.timestamp())
                    entries.append(
                        {
                            "key": obj.key,
                            "size": len(data),
                            "sha256": _sha256(data),
                            "content_type": content_types.get(obj.key)
                            or mimetypes.guess_type(obj.key)[0]
                            or "application/octet-stream",
                        }
                    )
                # Already missing from the store (a broken store): the backup says so.
                missing = sorted(referenced - {e["key"] for e in entries})
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": now.isoformat(),
                    "alembic_revision": _revision(copy),
                    "database": {
                        "name": DB_MEMBER,
                        "size": len(db_bytes),
                        "sha256": _sha256(db_bytes),
                    },
                    "media": entries,
                    "missing_objects": missing,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode(), now.timestamp())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(tables=tables, objects=len(entries), size=target.stat().st_size, missing=missing)


def _read_checked(archive: Path) -> tuple[dict, bytes, dict[str, bytes]]:
    """The manifest, database bytes and objects, every checksum verified."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{archive} is not a backup archive ({exc})") from None
    with tar:

        def member(name: str) -> bytes:
            try:
                fh = tar.extractfile(name)
            except KeyError:
                fh = None
            if fh is None:
                raise BackupError(f"{name} is missing from the archive")
            return fh.read()

        try:
            manifest = json.loads(member(MANIFEST))
        except ValueError:
            raise BackupError("the archive's manifest is not valid JSON") from None
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError("not an Etalase backup of a version this app can restore")
        db_bytes = member(DB_MEMBER)
        if _sha256(db_bytes) != manifest["database"]["sha256"]:
            raise BackupError("the database copy in the archive is damaged (checksum differs)")
        objects = {}
        for entry in manifest["media"]:
            key = validate_key(entry["key"])
            data = member(f"media/{key}")
            if _sha256(data) != entry["sha256"] or len(data) != entry["size"]:
                raise BackupError(f"photo {key} in the archive is damaged (checksum differs)")
            objects[key] = data
    return manifest, db_bytes, objects


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with sqlite3.connect(path) as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in ("users", "listings", "communities", "rounds"):
            if table in tables and conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
                return True
    return False


def restore_backup(archive: Path, *, force: bool = False) -> Summary:
    """Put the archive's database and photos in place of the app's (see the module doc)."""
    target = sqlite_path()
    manifest, db_bytes, objects = _read_checked(Path(archive))
    storage = get_storage()
    if not force:
        if _has_data(target):
            raise BackupError(f"the database {target} holds data; use --force to overwrite it")
        if next(iter(storage.list()), None) is not None:
            raise BackupError("the photo store holds objects; use --force to overwrite it")
    db.session.remove()
    db.engine.dispose()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DB_MEMBER
        copy.write_bytes(db_bytes)
        src = sqlite3.connect(copy)
        dst = sqlite3.connect(target, timeout=15)
        try:
            src.backup(dst)  # replaces every page, WAL-safe, while holding the write lock
        finally:
            dst.close()
            src.close()
    types = {
        e["key"]: e.get("content_type") or "application/octet-stream" for e in manifest["media"]
    }
    for key, data in objects.items():
        storage.save(key, data, types[key])
    with sqlite3.connect(target) as conn:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    return Summary(tables=tables, objects=len(objects), size=len(db_bytes))


backup_cli = AppGroup("backup", help="Back up or restore the SQLite database and the photo store.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def create_command(path: Path, force: bool) -> None:
    """Write a backup archive (database + photos + manifest) to PATH."""
    summary = create_backup(path, force=force)
    click.echo(
        f"backup written to {path}: {summary.tables} tables, {summary.objects} stored "
        f"objects, {summary.size / 1024 / 1024:.1f} MB"
    )
    if summary.missing:
        click.echo(
            f"warning: {len(summary.missing)} photo(s) the database refers to were already "
            f"missing from the store (listed in the manifest), e.g. {summary.missing[0]}",
            err=True,
        )
    current_app.logger.info("backup created path=%s objects=%s", path, summary.objects)


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database and photo store that hold data.")
def restore_command(path: Path, force: bool) -> None:
    """Restore the database and the photos from the archive at PATH (stop the site first)."""
    summary = restore_backup(path, force=force)
    click.echo(f"restored {summary.tables} tables and {summary.objects} stored objects from {path}")
    current_app.logger.info("backup restored path=%s objects=%s", path, summary.objects)
