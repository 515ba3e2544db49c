"""``flask backup create`` and ``flask backup restore``: the database and the uploaded files in one archive.

An archive, ``oicvet-backup-<UTC time>.tar.gz``, readable by its owner only, holds in this order:

- ``database.sqlite3``, a copy made by SQLite's online backup API, or ``database.pgdump``, made by
  ``pg_dump --format=custom``: either is one consistent snapshot, taken while the site keeps writing;
- ``uploads/...``, the upload folder's files, read after the snapshot;
- ``manifest.json``: the format, when the archive was made, the kind of database, its Alembic
  revisions, and every other file of the archive with its size and sha256.

Because the database comes first, a file uploaded while the backup runs may be in the archive with no
record naming it (harmless: nothing shows it), and a file deleted while it runs may be missing although
its record, copied before, still names it (its page shows, the file answers 404).

A restore checks the whole archive against its manifest, unpacked beside the upload folder, before it
changes anything; then it restores the database, swaps the upload folder for the unpacked one, and tells
the page caches that the content changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import URL, Connection, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from oicvet.caching import content_changed
from oicvet.extensions import db

#: The manifest's format; a restore refuses an archive of a later format.
FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
#: The archive member that holds the database, by kind.
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: The Debian package that has pg_dump and pg_restore.
POSTGRESQL_CLIENT = "postgresql-client"
CHUNK = 1024 * 1024
#: A manifest lists names, sizes and digests: far less than this, even for many files.
MAX_MANIFEST = 64 * 1024 * 1024

backup = AppGroup("backup", help="Back up and restore the database and the uploaded files.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup)


@dataclass(frozen=True)
class Database:
    """The site's database, as the backup sees it."""

    kind: str  # "sqlite" or "postgresql"
    url: URL

    @property
    def path(self) -> Path:
        """A SQLite database's file."""
        return Path(self.url.database or "")

    def described(self) -> str:
        if self.kind == "sqlite":
            return f"the SQLite database {self.path}"
        return f"the PostgreSQL database {self.url.render_as_string(hide_password=True)}"

    def libpq(self) -> tuple[str, dict[str, str]]:
        """The URL for pg_dump and pg_restore (no driver, no password) and their environment (the password)."""
        # Built anew: URL.set(password=None) would keep the password.
        bare = URL.create("postgresql", username=self.url.username, host=self.url.host, port=self.url.port,
                          database=self.url.database, query=self.url.query)
        dsn = bare.render_as_string(hide_password=False)
        env = dict(os.environ)
        if self.url.password:
            env["PGPASSWORD"] = str(self.url.password)
        return dsn, env


def site_database() -> Database:
    """The app's database; only a file or a server can be backed up."""
    url = db.engine.url
    kind = url.get_backend_name()
    if kind == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise click.ClickException("The database is in memory: there is no file to back up.")
        return Database(kind, url)
    if kind == "postgresql":
        return Database(kind, url)
    raise click.ClickException(f"Backups cover SQLite and PostgreSQL; this site's database is {kind}.")


@dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str
    database: str
    revisions: list[str]
    #: Archive member name -> (size, sha256).
    files: dict[str, tuple[int, str]]

    @property
    def uploads(self) -> list[str]:
        return [name for name in self.files if name.startswith(UPLOADS + "/")]


# Making a backup --------------------------------------------------------------------------------


@backup.command("create")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write the archive to (made if missing). Default: the instance "
                   "folder's \"backups\".")
def create_command(output: Path | None) -> None:
    """Write the database and uploaded files to an archive.

    The archive's path is printed; it is readable by its owner only.
    """
    click.echo(str(create_backup(current_app._get_current_object(), output)))  # type: ignore[attr-defined]


def create_backup(app: Flask, output: Path | None = None) -> Path:
    """Write ``oicvet-backup-<UTC time>.tar.gz`` to ``output`` and return its path."""
    database = site_database()
    uploads = Path(app.config["UPLOAD_FOLDER"]).resolve()
    output = (output or Path(app.instance_path) / "backups").resolve()
    if output.is_relative_to(uploads):
        raise click.ClickException(f"{output} is inside the upload folder, which the backup reads: "
                                   "choose another folder.")
    output.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = datetime.now(UTC).replace(microsecond=0)
    # Beside the archive's final place: the finished archive is renamed into it, never copied.
    with tempfile.TemporaryDirectory(dir=output, prefix=".oicvet-backup-") as work:
        member = DATABASE_FILES[database.kind]
        dump = Path(work) / member
        if database.kind == "sqlite":
            revisions = _dump_sqlite(database, dump)
        else:
            revisions = _dump_postgresql(database, dump)
        partial = Path(work) / "archive.tar.gz"
        files: list[dict[str, Any]] = []
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                with open(dump, "rb") as handle:
                    files.append(_add(tar, member, handle, dump.stat().st_size, created.timestamp()))
                for path, name in _upload_files(uploads):
                    try:
                        # Read whole (uploads are a few megabytes at most): tarfile copies exactly the
                        # size it is told, which a file on disk could change meanwhile.
                        data = path.read_bytes()
                        mtime = path.stat().st_mtime
                    except FileNotFoundError:
                        continue  # deleted since the folder was listed
                    files.append(_add(tar, name, io.BytesIO(data), len(data), mtime))
                manifest = {
                    "format": FORMAT,
                    "created_at": created.isoformat().replace("+00:00", "Z"),
                    "database": database.kind,
                    "alembic_revisions": revisions,
                    "files": files,
                }
                data = json.dumps(manifest, indent=2).encode()
                _add(tar, MANIFEST, io.BytesIO(data), len(data), created.timestamp())
            raw.flush()
            os.fsync(raw.fileno())
        target = _free_name(output, created)
        os.replace(partial, target)
    return target


class _Hashing:
    """Reads through to ``source`` and keeps the sha256 of what was read."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        return chunk


def _add(tar: tarfile.TarFile, name: str, source: IO[bytes], size: int, mtime: float) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    reader = _Hashing(source)
    tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"path": name, "size": size, "sha256": reader.digest.hexdigest()}


def _upload_files(uploads: Path) -> Iterator[tuple[Path, str]]:
    """Each file under the upload folder, with its name in the archive; links are not followed."""
    for folder, dirs, names in os.walk(uploads):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, PurePosixPath(UPLOADS, *path.relative_to(uploads).parts).as_posix()


def _free_name(output: Path, created: datetime) -> Path:
    stem = f"oicvet-backup-{created:%Y%m%dT%H%M%SZ}"
    target, number = output / f"{stem}.tar.gz", 1
    while target.exists():  # a second backup within the same second
        number += 1
        target = output / f"{stem}-{number}.tar.gz"
    return target


def _dump_sqlite(database: Database, dump: Path) -> list[str]:
    if not database.path.is_file():
        raise click.ClickException(f"The database {database.path} does not exist.")
    try:
        with closing(sqlite3.connect(database.path, timeout=30)) as source, \
                closing(sqlite3.connect(dump)) as copy:
            # One step: the copy is of one moment, however much the site writes meanwhile.
            source.backup(copy)
            # The archive holds one self-contained file, whatever the live database's journal.
            copy.execute("PRAGMA journal_mode=DELETE")
        return _sqlite_revisions(dump)
    except sqlite3.Error as error:
        raise click.ClickException(f"Could not copy {database.described()}: {error}") from None


def _sqlite_revisions(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                              ).fetchone() is None:
            return []
        return sorted(row[0] for row in connection.execute("SELECT version_num FROM alembic_version"))


def _dump_postgresql(database: Database, dump: Path) -> list[str]:
    # The revisions are read in the very snapshot that pg_dump dumps: this transaction exports it,
    # and stays open until pg_dump is done with it.
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        revisions = _revisions(connection)
        run_postgresql_tool("pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={dump}"], [],
                            database)
        connection.rollback()
    return revisions


def _revisions(connection: Connection) -> list[str]:
    if not inspect(connection).has_table("alembic_version"):
        return []
    return sorted(connection.scalars(text("SELECT version_num FROM alembic_version")))


def run_postgresql_tool(tool: str, options: Sequence[str], arguments: Sequence[str], database: Database) -> None:
    """Run pg_dump or pg_restore on the database; the password goes in the environment, never in argv."""
    program = shutil.which(tool)
    if program is None:
        raise click.ClickException(f"{tool} was not found: install Debian's {POSTGRESQL_CLIENT} package "
                                   f"(apt-get install {POSTGRESQL_CLIENT}), of the server's version or later.")
    dsn, env = database.libpq()
    result = subprocess.run([program, *options, f"--dbname={dsn}", *arguments], env=env,
                            capture_output=True, text=True, errors="replace", check=False)
    if result.returncode != 0:
        message = result.stderr.strip() or result.stdout.strip() or "no message"
        if database.url.password:
            message = message.replace(str(database.url.password), "***")
        raise click.ClickException(f"{tool} failed (exit status {result.returncode}):\n{message}")


# Restoring a backup -----------------------------------------------------------------------------


@backup.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Restore without asking for confirmation.")
def restore_command(file: Path, yes: bool) -> None:
    """Restore the database and uploaded files of a backup.

    FILE's database and uploaded files replace the site's. The whole archive is
    checked first: nothing is changed if any of it is wrong.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    restore_backup(app, file, confirm=not yes)


def restore_backup(app: Flask, archive: Path, confirm: bool = False) -> Manifest:
    """Check ``archive``, then restore its database and uploaded files; with ``confirm``, ask first."""
    database = site_database()
    uploads = Path(app.config["UPLOAD_FOLDER"]).resolve()
    if not archive.is_file():
        raise click.ClickException(f"{archive}: no such file.")
    if os.path.ismount(uploads):
        raise click.ClickException(f"The upload folder {uploads} is a mount point, which cannot be swapped for "
                                   "the restored one: set UPLOAD_FOLDER to a folder inside it.")
    uploads.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the upload folder, so that the restored folder is renamed into place.
    work = Path(tempfile.mkdtemp(dir=uploads.parent, prefix=f".{uploads.name}-restore-"))
    previous = work / "previous"
    try:
        manifest = unpack(archive, work)
        if manifest.database != database.kind:
            raise click.ClickException(
                f"This backup holds a {KIND_NAMES[manifest.database]} database, and this site runs on "
                f"{KIND_NAMES[database.kind]}: a backup is restored on the kind of database it was made from. "
                "Nothing was changed.")
        if confirm:
            click.confirm(
                f"The backup made at {manifest.created_at} holds a {KIND_NAMES[manifest.database]} database "
                f"(revisions: {', '.join(manifest.revisions) or 'none'}) and {len(manifest.uploads)} uploaded "
                f"files.\nReplace {database.described()} and the upload folder {uploads} with them?",
                abort=True)
        before = _live_revisions()
        staged = work / DATABASE_FILES[database.kind]
        if database.kind == "sqlite":
            _restore_sqlite(staged, database)
        else:
            _restore_postgresql(staged, database)
        try:
            _swap(work / UPLOADS, uploads, previous)
        except OSError as error:
            _tell_page_caches(app)
            kept = f" Its previous content is in {previous}." if previous.exists() else ""
            raise click.ClickException(f"The database was restored, but the upload folder {uploads} could "
                                       f"not be replaced: {error}.{kept}") from None
    finally:
        # Never with the upload folder's previous content in it when it did not go back in place.
        if not (previous.exists() and not uploads.exists()):
            shutil.rmtree(work, ignore_errors=True)
    _tell_page_caches(app)
    click.echo(f"Restored the backup made at {manifest.created_at}: the database and "
               f"{len(manifest.uploads)} uploaded files.")
    if before and manifest.revisions != before:
        click.echo(f"The database was at revisions {', '.join(before)} and is now at "
                   f"{', '.join(manifest.revisions) or 'none'}: run `flask setup` to migrate it to this code.")
    return manifest


def _tell_page_caches(app: Flask) -> None:
    try:
        content_changed(app)
    except Exception as error:  # Redis down, say: what is restored stays restored
        click.echo(f"Could not tell the page caches that the content changed ({error}); cached pages "
                   f"expire within {app.config.get('PAGE_CACHE_MAX_AGE')} seconds.", err=True)


def _corrupt(archive: Path, why: str) -> click.ClickException:
    return click.ClickException(f"{archive} is not a sound backup: {why}. Nothing was changed.")


def _member_name(archive: Path, member: tarfile.TarInfo) -> str:
    """The member's name if it is one that a backup holds: a top-level file of its own, or under uploads/
    (never an absolute path, never '..')."""
    path = PurePosixPath(member.name)
    parts = path.parts
    sound = bool(parts) and not path.is_absolute() and "\\" not in member.name and not any(
        part in ("", ".", "..") for part in parts)
    if parts and parts[0] == UPLOADS:
        sound = sound and (len(parts) > 1 or member.isdir())
    else:
        sound = sound and len(parts) == 1 and member.name in (MANIFEST, *DATABASE_FILES.values())
    if not sound:
        raise _corrupt(archive, f"it holds {member.name!r}, which no backup holds")
    return path.as_posix()


def unpack(archive: Path, work: Path) -> Manifest:
    """Unpack ``archive`` into ``work`` and check it against its manifest; raise if anything differs."""
    found: dict[str, tuple[int, str]] = {}
    manifest_data: bytes | None = None
    (work / UPLOADS).mkdir()
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = _member_name(archive, member)
                if member.isdir():
                    (work / name).mkdir(parents=True, exist_ok=True)
                    continue
                if not member.isfile():
                    raise _corrupt(archive, f"{name!r} is not a plain file")
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise _corrupt(archive, f"it holds {name!r} twice")
                source = tar.extractfile(member)
                assert source is not None  # a plain file has content
                if name == MANIFEST:
                    manifest_data = source.read(MAX_MANIFEST + 1)
                    continue
                target = work / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with open(target, "xb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise _corrupt(archive, f"it cannot be read or unpacked as a gzipped tar archive ({error})") from None
    if manifest_data is None:
        raise _corrupt(archive, f"it has no {MANIFEST}")
    manifest = _read_manifest(archive, manifest_data)
    for name in sorted(found.keys() | manifest.files.keys()):
        if name not in manifest.files:
            raise _corrupt(archive, f"{name!r} is not in its manifest")
        if name not in found:
            raise _corrupt(archive, f"{name!r}, in its manifest, is missing")
        if found[name] != manifest.files[name]:
            raise _corrupt(archive, f"{name!r} does not match its size and checksum in the manifest")
    if DATABASE_FILES[manifest.database] not in found:
        raise _corrupt(archive, f"it has no {DATABASE_FILES[manifest.database]}")
    return manifest


def _read_manifest(archive: Path, data: bytes) -> Manifest:
    if len(data) > MAX_MANIFEST:
        raise _corrupt(archive, f"its {MANIFEST} is too large")
    try:
        raw = json.loads(data)
        version = raw["format"]
        if not isinstance(version, int):
            raise TypeError("format")
        if version > FORMAT:
            raise click.ClickException(f"{archive} was made by a later version of the site (backup format "
                                       f"{version}; this one reads format {FORMAT}). Nothing was changed.")
        kind = raw["database"]
        if kind not in DATABASE_FILES:
            raise ValueError(f"database {kind!r}")
        files: dict[str, tuple[int, str]] = {}
        for entry in raw["files"]:
            files[str(entry["path"])] = (int(entry["size"]), str(entry["sha256"]))
        revisions = [str(revision) for revision in raw["alembic_revisions"]]
        return Manifest(version, str(raw["created_at"]), kind, revisions, files)
    except (ValueError, TypeError, KeyError) as error:
        raise _corrupt(archive, f"its {MANIFEST} cannot be read ({error})") from None


def _live_revisions() -> list[str]:
    try:
        with db.engine.connect() as connection:
            return _revisions(connection)
    except SQLAlchemyError:
        return []


def _release_connections() -> None:
    # This process's own pooled connections must not hold a lock that the restore waits for.
    db.session.remove()
    db.engine.dispose()


def _restore_sqlite(staged: Path, database: Database) -> None:
    _release_connections()
    database.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Into the live file, in one write transaction: every connection open on it sees the
        # restored database at its next query, and nothing if the copy fails.
        with closing(sqlite3.connect(staged)) as source, \
                closing(sqlite3.connect(database.path, timeout=30)) as live:
            source.backup(live)
    except sqlite3.Error as error:
        raise click.ClickException(f"Could not restore {database.described()}: {error}. "
                                   "It is unchanged; the upload folder too.") from None


def _restore_postgresql(staged: Path, database: Database) -> None:
    _release_connections()
    # One transaction: the site's requests wait for it, then see the restored database whole;
    # a failure leaves the database as it was.
    run_postgresql_tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction"],
                        [str(staged)], database)


def _swap(restored: Path, live: Path, previous: Path) -> None:
    """Put ``restored`` in place of ``live``: two renames in one folder; the old content goes to ``previous``."""
    if not live.exists():
        os.rename(restored, live)
        return
    os.chmod(restored, stat.S_IMODE(live.stat().st_mode))
    os.rename(live, previous)
    try:
        os.rename(restored, live)
    except OSError:
        os.rename(previous, live)
        raise
