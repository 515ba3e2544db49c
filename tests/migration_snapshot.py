"""A database at the last release, with data, kept as JSON for tests/test_migrations.py to upgrade.

When a release ships (its last migration merged), make the snapshot again, from the project's folder:

    .venv/bin/python -m tests.migration_snapshot

It builds a SQLite database of its own, in a temporary folder, as a site at that release is made:
``flask setup`` (the core's head and every loaded plugin's branch, then the seed); then ``flask demo-data``
(a little of each kind, every name marked as demo data) and one administrator whose password the test
knows. Each table's rows go to ``tests/fixtures/release-snapshot/<table>.json``, and the revisions the
database was at to ``revisions.json``. Until the next release the snapshot stays as it is, so that the
test upgrades the last release's data with every migration added since.

Values are kept as JSON can hold them and typed back by the column types of the database they are loaded
into: date-times as ISO text in UTC, dates as ISO text, decimals as text, bytes in base64, JSON as JSON.
"""

from __future__ import annotations

import base64
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    func,
    insert,
    null,
    select,
    text,
)

from oicvet.search.indexes import is_search_object

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "fixtures" / "release-snapshot"
REVISIONS_FILE = "revisions.json"

#: The administrator the test logs in as, with a password of its own; its name says what it is.
ACCOUNT_EMAIL = "release-snapshot@example.org"
ACCOUNT_NAME = "Release snapshot (demo data)"
ACCOUNT_PASSWORD = "the tide keeps its own hours"
#: A little of each kind of demo data; the same seed makes the same choices.
DEMO_DATA = ["demo-data", "--partners", "20", "--events", "20", "--institutions", "3", "--opportunities", "5",
             "--experts", "3", "--seed", "1"]


def stored_tables(connection: Connection) -> MetaData:
    """The database's tables as reflected, but for Alembic's own and the search indexes.

    A search index (an FTS5 table on SQLite, a generated column on PostgreSQL) is made by the
    migrations and filled by the database itself from the rows: it is never dumped or loaded.
    """
    metadata = MetaData()
    metadata.reflect(connection, only=lambda name, _metadata: name != "alembic_version"
                     and not is_search_object(name, "table"))
    return metadata


def stored_columns(table: Table) -> list[str]:
    """The columns whose values are data: not those the database computes (PostgreSQL's search vector)."""
    return [column.name for column in table.columns
            if column.computed is None and not is_search_object(column.name, "column")]


def revisions(connection: Connection) -> list[str]:
    """The revisions Alembic has recorded, one per branch."""
    return sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def to_json(value: Any) -> Any:
    """A value read from the database, as the snapshot keeps it."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def from_json(table: Table, name: str, value: Any) -> Any:
    """A snapshot's value, typed for ``table.name`` as that column is in the database it goes into."""
    kind = table.columns[name].type
    if value is None:
        # SQL NULL, not JSON's null, in a JSON column.
        return null() if isinstance(kind, JSON) else None
    if isinstance(kind, DateTime):
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if kind.timezone else moment
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Time):
        return time.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, Numeric) and kind.asdecimal:
        return Decimal(value)
    return value


def _primary_key(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def dump(connection: Connection) -> dict[str, dict[str, Any]]:
    """Every table's columns and rows (ordered by primary key), as the snapshot keeps them."""
    found = {}
    for table in stored_tables(connection).sorted_tables:
        columns = stored_columns(table)
        rows = connection.execute(
            select(*(table.c[name] for name in columns)).order_by(*_primary_key(table))).all()
        found[table.name] = {
            "columns": columns,
            "primary_key": [column.name for column in table.primary_key.columns],
            "rows": [[to_json(value) for value in row] for row in rows],
        }
    return found


@dataclass(frozen=True)
class Snapshot:
    """A release's database: the revisions it was at, and each table's columns, key and rows."""

    revisions: list[str]
    tables: dict[str, dict[str, Any]]

    def rows(self, table: str) -> list[dict[str, Any]]:
        stored = self.tables[table]
        return [dict(zip(stored["columns"], row, strict=True)) for row in stored["rows"]]

    def key(self, table: str, row: dict[str, Any]) -> tuple[Any, ...]:
        stored = self.tables[table]
        return tuple(row[name] for name in (stored["primary_key"] or stored["columns"]))


def read_snapshot(folder: Path = SNAPSHOT) -> Snapshot:
    made = json.loads((folder / REVISIONS_FILE).read_text(encoding="utf-8"))
    tables = {path.stem: json.loads(path.read_text(encoding="utf-8"))
              for path in sorted(folder.glob("*.json")) if path.name != REVISIONS_FILE}
    return Snapshot(revisions=made["revisions"], tables=tables)


def write_snapshot(connection: Connection, folder: Path = SNAPSHOT) -> Snapshot:
    """Write the database's revisions and rows to ``folder``, in place of what it held."""
    snapshot = Snapshot(revisions=revisions(connection), tables=dump(connection))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / REVISIONS_FILE).write_text(json.dumps({
        "revisions": snapshot.revisions,
        "made_by": "python -m tests.migration_snapshot",
    }, indent=1) + "\n", encoding="utf-8")
    for name, stored in snapshot.tables.items():
        # One row a line, so that a new snapshot's changes read well in a diff.
        rows = ",".join(f"\n  {json.dumps(row, ensure_ascii=False)}" for row in stored["rows"])
        if rows:
            rows += "\n "
        (folder / f"{name}.json").write_text(
            f'{{"columns": {json.dumps(stored["columns"])},\n'
            f' "primary_key": {json.dumps(stored["primary_key"])},\n'
            f' "rows": [{rows}]}}\n', encoding="utf-8")
    return snapshot


def restore(connection: Connection, snapshot: Snapshot) -> None:
    """Insert the snapshot's rows into the tables of a database at the snapshot's revisions.

    The tables are reflected, so that rows go in as the release's schema holds them, whatever the
    models say today; parents before children, and on PostgreSQL each serial column's sequence is then
    moved past the highest id, as it would be after those rows had been added on the site.
    """
    tables = stored_tables(connection)
    # The snapshot is the schema of its revisions: the same tables, with the same columns.
    if set(snapshot.tables) != set(tables.tables):
        raise ValueError(f"the snapshot's tables are not those of {', '.join(snapshot.revisions)}: "
                         f"{sorted(set(snapshot.tables) ^ set(tables.tables))}")
    for table in tables.sorted_tables:
        if set(snapshot.tables[table.name]["columns"]) != set(stored_columns(table)):
            raise ValueError(f"the snapshot's columns of {table.name} are not those of "
                             f"{', '.join(snapshot.revisions)}")
        rows = [{name: from_json(table, name, value) for name, value in row.items()}
                for row in snapshot.rows(table.name)]
        if rows:
            connection.execute(insert(table), rows)
    if connection.dialect.name == "postgresql":
        for table in tables.sorted_tables:
            for column in table.primary_key.columns:
                sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                              {"table": table.name, "column": column.name}).scalar()
                if sequence is None:
                    continue
                highest = connection.execute(select(func.max(column))).scalar()
                connection.execute(text("SELECT setval(:sequence, :value, :called)"),
                                   {"sequence": sequence, "value": highest or 1, "called": highest is not None})


def make_release_database(url: str) -> None:
    """Make, at ``url`` (an empty database), the database a site at this release holds with demo data."""
    from oicvet import create_app
    from oicvet.accounts.models import Account, Role
    from oicvet.accounts.passwords import hash_password
    from oicvet.extensions import db

    # The plugins the release ships, not one that happens to be installed here (whose branch the snapshot
    # would then need); and the test's configuration, whose low hashing cost the known account's hash has.
    shipped = [package.name for package in sorted((ROOT / "plugins").iterdir())
               if (package / "__init__.py").is_file() and not package.name.startswith(("_", "."))]
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OICVET_PLUGINS=shipped,
                     OICVET_PLUGIN_DIR=str(ROOT / "plugins"))
    with app.app_context():
        runner = app.test_cli_runner()
        for command in (["setup"], DEMO_DATA):
            result = runner.invoke(args=command)
            if result.exit_code != 0:
                raise RuntimeError(f"flask {' '.join(command)} failed: {result.output}") from result.exception
        account = Account(email=ACCOUNT_EMAIL, name=ACCOUNT_NAME, password_hash=hash_password(ACCOUNT_PASSWORD),
                          language="en", email_confirmed_at=datetime.now(UTC))
        account.grant(Role.ADMINISTRATOR)
        db.session.add(account)
        db.session.commit()
        db.engine.dispose()


def main() -> None:
    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'release.db'}"
        make_release_database(url)
        engine = create_engine(url)
        with engine.connect() as connection:
            snapshot = write_snapshot(connection)
        engine.dispose()
    size = sum(path.stat().st_size for path in SNAPSHOT.glob("*.json"))
    rows = sum(len(stored["rows"]) for stored in snapshot.tables.values())
    print(f"Wrote {rows} rows of {len(snapshot.tables)} tables at {', '.join(snapshot.revisions)} "
          f"({size // 1024} KiB) to tests/fixtures/{SNAPSHOT.name}/.")


if __name__ == "__main__":
    sys.exit(main())
