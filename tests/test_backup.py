"""``flask backup create`` and ``restore``: a backup, changes, a restore, and every row and file as they were.

On the suite's kind of database (SQLite, or PostgreSQL with ``TEST_DATABASE_URL``), in a database of
this module's own.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import stat
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Flask
from sqlalchemy import MetaData, make_url

from oicvet import create_app
from oicvet.accounts.models import Account
from oicvet.accounts.passwords import hash_password
from oicvet.caching import content_version_for
from oicvet.extensions import db
from oicvet.models import Event
from oicvet.operations import backup as backup_module
from oicvet.operations.backup import DATABASE_FILES, Database, run_postgresql_tool
from oicvet.programmes.texts import ProgrammeText
from tests.conftest import make_test_database

TEXT_SLUG = "backup-test"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Flask]:
    url = make_test_database(tmp_path_factory, "backup")
    folder = tmp_path_factory.mktemp("backup-site")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OICVET_PLUGINS=None,
                     UPLOAD_FOLDER=str(folder / "uploads"), MAIL_FOLDER=str(folder / "mail"),
                     PAGE_CACHE=True, PAGE_CACHE_VERSION_FILE=str(folder / "content-version"))
    uploads = folder / "uploads"
    (uploads / "nested").mkdir(parents=True)
    (uploads / "a1.jpg").write_bytes(b"\xff\xd8 a photo " + os.urandom(64))
    (uploads / "b2.pdf").write_bytes(b"%PDF-1.4 a document " + os.urandom(64))
    (uploads / "nested" / "c3.pdf").write_bytes(b"%PDF-1.7 " + "نص".encode())
    with app.app_context():
        db.session.add(ProgrammeText(slug=TEXT_SLUG, sector="ict", summary={"en": "As written (test data)"}))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def kind(app: Flask) -> str:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted."""
    with app.app_context(), db.engine.connect() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        return {name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
                for name, table in metadata.tables.items()}


def files(app: Flask) -> dict[str, bytes]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def state(app: Flask) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, bytes]]:
    return rows(app), files(app)


def create(app: Flask, output: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", "create", "--output", str(output)])
    assert result.exit_code == 0, result.output
    return Path(result.output.strip())


def restore(app: Flask, archive: Path, *options: str, answer: str | None = None) -> click.testing.Result:
    return app.test_cli_runner().invoke(args=["backup", "restore", str(archive), *options], input=answer)


def change_everything(app: Flask) -> None:
    """Add an account, edit a programme text and an event, delete an event, add and delete an upload."""
    with app.app_context():
        db.session.add(Account(email=f"after-backup-{uuid.uuid4().hex[:8]}@example.org", name="Test Person",
                               password_hash=hash_password("a long and quiet river"), language="en"))
        text = db.session.get(ProgrammeText, TEXT_SLUG)
        text.summary = {"en": f"Edited after the backup {uuid.uuid4().hex[:6]} (test data)"}
        edited, deleted = db.session.scalars(db.select(Event).order_by(Event.id).limit(2)).all()
        edited.title = {**edited.title, "en": "Edited after the backup (test data)"}
        db.session.delete(deleted)
        db.session.commit()
    uploads = Path(app.config["UPLOAD_FOLDER"])
    next(path for path in sorted(uploads.glob("*")) if path.is_file()).unlink()
    (uploads / f"{uuid.uuid4().hex}.jpg").write_bytes(b"added after the backup")


def test_a_restore_brings_back_every_row_and_file(site, tmp_path):
    before = state(site)
    archive = create(site, tmp_path)
    change_everything(site)
    changed = state(site)
    assert changed[0] != before[0] and changed[1] != before[1]
    version = content_version_for(site)
    moved_from = version.current()
    live = None
    if kind(site) == "sqlite":  # a connection open before the restore sees the restored database
        live = sqlite3.connect(make_url(site.config["SQLALCHEMY_DATABASE_URI"]).database)
        live.execute("SELECT count(*) FROM account").fetchone()

    result = restore(site, archive, "--yes")

    assert result.exit_code == 0, result.output
    assert "Restored the backup made at" in result.output
    assert state(site) == before
    assert version.current() != moved_from  # the page caches were told
    if live is not None:
        assert live.execute("SELECT count(*) FROM account").fetchone()[0] == len(before[0]["account"])
        live.close()
    # Nothing is left beside the upload folder or the archive.
    assert sorted(path.name for path in Path(site.config["UPLOAD_FOLDER"]).parent.iterdir()
                  if path.name.startswith(".uploads")) == []
    assert [path.name for path in tmp_path.iterdir()] == [archive.name]


def test_the_archive_is_the_owners_alone_and_lists_what_it_holds(site, tmp_path):
    archive = create(site, tmp_path / "backups")
    assert re.fullmatch(r"oicvet-backup-\d{8}T\d{6}Z\.tar\.gz", archive.name)
    assert stat.S_IMODE(archive.stat().st_mode) & 0o077 == 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    database = DATABASE_FILES[kind(site)]
    assert names[0] == database and names[-1] == "manifest.json"  # the database first
    assert manifest["format"] == 1 and manifest["database"] == kind(site)
    assert manifest["created_at"].endswith("Z")
    assert "0008" in manifest["alembic_revisions"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == {database, *(f"uploads/{name}" for name in files(site))}
    assert all(len(entry["sha256"]) == 64 and entry["size"] >= 0 for entry in listed.values())


def _rewritten(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, data, manifest)`` applied to each member; returns ``target``."""
    with tarfile.open(archive) as tar:
        members = [(member.name, tar.extractfile(member).read()) for member in tar]
    manifest = json.loads(dict(members)["manifest.json"])
    with tarfile.open(target, "w:gz") as out:
        for name, data in members:
            if name != "manifest.json":
                name, data = change(name, data, manifest)
            else:
                data = json.dumps(manifest).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def test_a_damaged_archive_is_refused_and_changes_nothing(site, tmp_path):
    archive = create(site, tmp_path)
    change_everything(site)
    changed = state(site)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    upload = next(name for name in files(site) if not name.startswith("nested"))

    def tamper(name: str, data: bytes, manifest: dict) -> tuple[str, bytes]:
        return name, (data + b"!" if name.startswith("uploads/") else data)

    def unlisted(name: str, data: bytes, manifest: dict) -> tuple[str, bytes]:
        manifest["files"] = [entry for entry in manifest["files"] if entry["path"] != f"uploads/{upload}"]
        return name, data

    def escaping(name: str, data: bytes, manifest: dict) -> tuple[str, bytes]:
        return (f"uploads/../../{Path(name).name}" if name.startswith("uploads/") else name), data

    cases = {
        truncated: "cannot be read",
        _rewritten(archive, tmp_path / "tampered.tar.gz", tamper): "does not match its size and checksum",
        _rewritten(archive, tmp_path / "unlisted.tar.gz", unlisted): "is not in its manifest",
        _rewritten(archive, tmp_path / "escaping.tar.gz", escaping): "which no backup holds",
        tmp_path / "missing.tar.gz": "no such file",
    }
    for damaged, why in cases.items():
        result = restore(site, damaged, "--yes")
        assert result.exit_code != 0 and why in result.output, (damaged.name, result.output)
    assert state(site) == changed


def test_a_backup_of_the_other_kind_of_database_is_refused(site, tmp_path):
    archive = create(site, tmp_path)
    other = "postgresql" if kind(site) == "sqlite" else "sqlite"

    def relabel(name: str, data: bytes, manifest: dict) -> tuple[str, bytes]:
        manifest["database"] = other
        if name == DATABASE_FILES[kind(site)]:
            for entry in manifest["files"]:
                if entry["path"] == name:
                    entry["path"] = DATABASE_FILES[other]
            return DATABASE_FILES[other], data
        return name, data

    before = state(site)
    result = restore(site, _rewritten(archive, tmp_path / "other.tar.gz", relabel), "--yes")
    assert result.exit_code != 0
    assert "a backup is restored on the kind of database it was made from" in result.output
    assert state(site) == before


def test_a_restore_asks_first_and_no_changes_nothing(site, tmp_path):
    archive = create(site, tmp_path)
    change_everything(site)
    changed = state(site)
    result = restore(site, archive, answer="n\n")
    assert "Replace " in result.output and "with them? [y/N]" in result.output
    assert result.exit_code != 0 and "Restored" not in result.output
    assert state(site) == changed


def test_without_the_postgresql_client_the_message_names_its_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    database = Database("postgresql", make_url("postgresql+psycopg://postgres@127.0.0.1/none"))
    with pytest.raises(click.ClickException, match="install Debian's postgresql-client package"):
        run_postgresql_tool("pg_dump", ["--schema-only"], [], database)


def test_the_postgresql_password_goes_in_the_environment_and_errors_are_shown(site, tmp_path, monkeypatch):
    if kind(site) != "postgresql":
        pytest.skip("PostgreSQL only: runs with TEST_DATABASE_URL")
    password = f"secret-{uuid.uuid4().hex[:6]}"  # the test server trusts local connections: any password works
    database = Database("postgresql", make_url(site.config["SQLALCHEMY_DATABASE_URI"]).set(password=password))
    calls: list[tuple[list[str], dict[str, str]]] = []
    real_run = backup_module.subprocess.run

    def recorded(argv, **kwargs):
        calls.append((argv, kwargs["env"]))
        return real_run(argv, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", recorded)
    run_postgresql_tool("pg_dump", ["--schema-only", "--table=alembic_version", f"--file={tmp_path / 'd'}"], [],
                        database)
    argv, env = calls[-1]
    assert not any(password in part for part in argv) and env["PGPASSWORD"] == password
    assert any(part.startswith("--dbname=postgresql://") and "+psycopg" not in part for part in argv)

    garbage = tmp_path / "garbage.pgdump"
    garbage.write_bytes(b"not a dump")
    with pytest.raises(click.ClickException, match="pg_restore failed") as failure:
        run_postgresql_tool("pg_restore", ["--single-transaction"], [str(garbage)], database)
    assert "valid archive" in failure.value.message and password not in failure.value.message


def test_an_upload_folder_that_cannot_be_swapped_stays_as_it_was(tmp_path, monkeypatch):
    live, restored = tmp_path / "uploads", tmp_path / "restored"
    live.mkdir()
    restored.mkdir()
    (live / "kept.jpg").write_bytes(b"live")
    (restored / "other.jpg").write_bytes(b"restored")
    real_rename, calls = os.rename, []

    def second_fails(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("the disk said no")
        real_rename(source, target)

    monkeypatch.setattr(backup_module.os, "rename", second_fails)
    with pytest.raises(OSError, match="the disk said no"):
        backup_module._swap(restored, live, tmp_path / "previous")
    assert [path.name for path in live.iterdir()] == ["kept.jpg"] and not (tmp_path / "previous").exists()
