"""Migrations as an operator runs them, with `flask setup` (the core's head and every loaded plugin's branch,
then the seed): from an empty database, and from the last release's database with data in it.

The databases are of the suite's kind: SQLite files, or, with ``TEST_DATABASE_URL``, PostgreSQL databases
of this module's own beside the suite's (``<name>_migrate`` and ``<name>_migrate_release``, with the
worker's name before the suffix under pytest-xdist).

The last release's database is tests/fixtures/release-snapshot/, made by ``python -m tests.migration_snapshot``
when a release ships; until the next one, every migration added since runs on it here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from markupsafe import escape
from sqlalchemy import inspect

from config import database_url as normalise_url
from oicvet import create_app
from oicvet.cli import MIGRATIONS
from oicvet.extensions import db
from oicvet.search.indexes import is_search_object
from tests.conftest import GENEROUS_LIMITS, _reset_database, run_setup, sibling_database
from tests.migration_snapshot import (
    ACCOUNT_EMAIL,
    ACCOUNT_NAME,
    ACCOUNT_PASSWORD,
    SNAPSHOT,
    Snapshot,
    dump,
    make_release_database,
    read_snapshot,
    restore,
)

#: Stored values that a migration added since the snapshot's release changes on purpose, which the check
#: of the release's rows leaves out: {"table.column", or "table" for its rows: (revision, what and why)}.
#: Emptied when the snapshot is made again, since its rows then hold the changed values.
CHANGED_ON_PURPOSE: dict[str, tuple[str, str]] = {}


def _include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """What the schema comparison looks at: all but what migrations make on purpose and no model declares.

    Left out, each for its reason:
    - the search indexes (``oicvet.search.indexes``): on SQLite an FTS5 table and its shadow tables per
      searchable table, on PostgreSQL a generated ``search_vector`` column and its GIN index. They are
      the database's own machinery, kept in step from ``search_text`` by triggers or by PostgreSQL itself,
      and differ by dialect, so the models do not declare them (autogenerate leaves them alone too:
      oicvet/migrations/env.py).
    """
    return not is_search_object(name, type_)


def _compare_server_default(context: Any, inspected_column: Any, metadata_column: Any, inspected_default: str | None,
                            metadata_default: Any, rendered_metadata_default: str | None) -> bool | None:
    # SQLite reflects server_default="" as ('') and Alembic's SQLite comparison unquotes a non-empty string
    # only, so that it would report every empty default as changed. Anything else, Alembic compares.
    if context.dialect.name == "sqlite" and rendered_metadata_default == "" and inspected_default in ("''", "('')"):
        return False
    return None


def _empty_database(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    given = normalise_url(os.environ.get("TEST_DATABASE_URL"))
    if not given:
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'oicvet.db'}"
    suffix = "_".join(part for part in (os.environ.get("PYTEST_XDIST_WORKER"), name) if part)
    url = sibling_database(given, suffix)
    _reset_database(url)
    return url


def _app(tmp_path_factory: pytest.TempPathFactory, name: str, **overrides: Any) -> Flask:
    """The site with every plugin, on an empty database of its own (not the suite's, which it leaves alone)."""
    folder = tmp_path_factory.mktemp(f"{name}-files")
    return create_app("testing", SQLALCHEMY_DATABASE_URI=_empty_database(tmp_path_factory, name),
                      OICVET_PLUGINS=None, MAIL_FOLDER=str(folder / "mail"), MAIL_OUTBOX=str(folder / "outbox"),
                      UPLOAD_FOLDER=str(folder / "uploads"), **GENEROUS_LIMITS, **overrides)


def _script(app: Flask) -> ScriptDirectory:
    """Every revision Alembic reads: the core's and those of every plugin on offer."""
    with app.app_context():
        return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def _loaded_heads(app: Flask) -> set[str]:
    """The head of the core's branch (no label) and of each loaded plugin's (labelled with its key)."""
    loaded = {plugin.key for plugin in app.extensions["oicvet.plugins"]}
    script = _script(app)
    heads = script.get_revisions(script.get_heads())
    return {head.revision for head in heads if not head.branch_labels or head.branch_labels & loaded}


def _current(app: Flask) -> set[str]:
    """The revisions Alembic has recorded in the database, one per branch."""
    with app.app_context():
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        db.engine.dispose()
    return current


def _schema_differences(app: Flask) -> list[Any]:
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "compare_server_default": _compare_server_default,
                "include_object": _include_object,
            })
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


def _dump(app: Flask) -> dict[str, dict[str, Any]]:
    with app.app_context():
        with db.engine.connect() as connection:
            found = dump(connection)
        db.engine.dispose()
    return found


# From an empty database


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory) -> Iterator[Flask]:
    """The site on a database that `flask setup` made from nothing.

    Each test leaves it at the heads, seeded, whatever the order the tests run in.
    """
    app = _app(tmp_path_factory, "migrate")
    run_setup(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_setup_brings_an_empty_database_to_every_loaded_branch_head(fresh_app):
    heads = _loaded_heads(fresh_app)
    assert heads and _current(fresh_app) == heads


def test_the_migrated_schema_is_the_models(fresh_app):
    differences = _schema_differences(fresh_app)
    assert not differences, "\n".join(map(str, differences))


def test_setup_run_again_changes_nothing(fresh_app):
    before, heads = _dump(fresh_app), _current(fresh_app)
    output = run_setup(fresh_app)
    assert "0 events added" in output
    assert _current(fresh_app) == heads
    assert _dump(fresh_app) == before


def test_every_downgrade_runs_and_setup_upgrades_again(fresh_app):
    from flask_migrate import downgrade

    with fresh_app.app_context():
        # Down from the seeded heads: each migration's downgrade runs, on the rows the seed put there.
        downgrade(revision="base")
        left = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert left == {"alembic_version"}, "the downgrades leave tables behind"
    assert _current(fresh_app) == set()
    run_setup(fresh_app)
    assert _current(fresh_app) == _loaded_heads(fresh_app)
    differences = _schema_differences(fresh_app)
    assert not differences, "\n".join(map(str, differences))


# From the last release, with data


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return read_snapshot()


@pytest.fixture(scope="module")
def release(tmp_path_factory, snapshot) -> Iterator[tuple[Flask, dict[str, dict[str, Any]]]]:
    """The site on the last release's database, with its rows, after `flask setup`; and every table's rows
    as `flask setup` left them, read before any request could change one (a login's time, say)."""
    from flask_migrate import upgrade

    from oicvet.cli import init_migrations

    app = _app(tmp_path_factory, "migrate_release", WTF_CSRF_ENABLED=False)
    init_migrations(app)
    script = _script(app)
    for revision in snapshot.revisions:
        assert script.get_revision(revision) is not None, (
            f"the snapshot was made at {revision}, which no migration has: make it again "
            "(python -m tests.migration_snapshot)")
    with app.app_context():
        # The release's schema, not today's: its rows go in as the release held them.
        for revision in snapshot.revisions:
            upgrade(revision=revision)
        with db.engine.begin() as connection:
            restore(connection, snapshot)
        db.engine.dispose()
    run_setup(app)
    yield app, _dump(app)
    with app.app_context():
        db.engine.dispose()


def test_the_snapshot_is_a_small_release_database_with_data(snapshot):
    assert snapshot.revisions
    assert sum(path.stat().st_size for path in SNAPSHOT.glob("*.json")) < 512 * 1024
    for table in ("event", "partner", "account", "trop_opportunity", "expert"):
        assert snapshot.rows(table), f"the snapshot has no row of {table}"
    assert any(row["email"] == ACCOUNT_EMAIL for row in snapshot.rows("account"))


def test_setup_brings_the_release_to_every_loaded_branch_head(release):
    app, _rows = release
    assert _current(app) == _loaded_heads(app)


def test_every_row_of_the_release_is_kept(release, snapshot):
    app, after = release
    script = _script(app)
    released = {revision.revision for revision in script.iterate_revisions(snapshot.revisions, "base")}
    for name, (revision, _why) in CHANGED_ON_PURPOSE.items():
        assert script.get_revision(revision) is not None and revision not in released, (
            f"{name}: {revision} is not a migration added since the snapshot's release")
    differences = []
    for table in snapshot.tables:
        if table in CHANGED_ON_PURPOSE:
            continue
        assert table in after, f"the table {table} of the release is gone"
        now = after[table]
        columns = [name for name in snapshot.tables[table]["columns"]
                   if name in now["columns"] and f"{table}.{name}" not in CHANGED_ON_PURPOSE]
        kept = {}
        for values in now["rows"]:
            row = dict(zip(now["columns"], values, strict=True))
            kept[tuple(row[name] for name in now["primary_key"] or now["columns"])] = row
        for row in snapshot.rows(table):
            key = snapshot.key(table, row)
            if key not in kept:
                differences.append(f"{table} {key}: gone")
                continue
            changed = {name: (row[name], kept[key][name]) for name in columns if row[name] != kept[key][name]}
            if changed:
                differences.append(f"{table} {key}: {changed}")
    assert not differences, "\n".join(differences[:20])


def test_the_site_works_on_the_upgraded_release(release, snapshot):
    app, _rows = release
    client = app.test_client()
    # A programme page and the Activities Archive, with an event the seed put in the release.
    event = next(row for row in snapshot.rows("event") if row["programme"] and row["published"]
                 and row["seed_key"] and not row["seed_key"].startswith("demo-"))
    title = escape(event["title"]["en"])
    page = client.get(f"/en/programmes/{event['programme']}/?year={event['year']}")
    assert page.status_code == 200 and title in page.get_data(as_text=True)
    assert client.get("/en/archive/").status_code == 200
    archive = client.get(f"/en/archive/?programme={event['programme']}")
    assert archive.status_code == 200 and title in archive.get_data(as_text=True)
    # A demo partner's page.
    partner = next(row for row in snapshot.rows("partner") if row["status"] == "approved")
    assert "(demo data)" in partner["name"]
    page = client.get(f"/en/partners/{partner['id']}/")
    assert page.status_code == 200 and escape(partner["name"]) in page.get_data(as_text=True)
    # The release's administrator logs in with the password it had, and reaches the staff panel.
    response = client.post("/en/account/login", data={"email": ACCOUNT_EMAIL, "password": ACCOUNT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/account/")
    page = client.get("/en/account/")
    assert page.status_code == 200 and escape(ACCOUNT_NAME) in page.get_data(as_text=True)
    assert client.get("/en/admin/").status_code == 200


def test_a_new_row_takes_an_id_after_the_releases_rows(release, snapshot):
    """On PostgreSQL, each id's sequence was moved past the release's rows, as a site that had made them has it."""
    from oicvet.accounts.models import Account

    app, _rows = release
    highest = max(row["id"] for row in snapshot.rows("account"))
    with app.app_context():
        account = Account(email="after-the-release@example.org", name="After the release (demo data)",
                          password_hash="", language="en")
        db.session.add(account)
        db.session.commit()
        made = account.id
        db.session.delete(account)
        db.session.commit()
        db.engine.dispose()
    assert made > highest


@pytest.mark.database_free  # the generator makes a SQLite database of its own, whatever the suite's
def test_the_snapshot_can_be_made_again(tmp_path):
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'release.db'}"
    make_release_database(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        made = Snapshot(revisions=sorted(MigrationContext.configure(connection).get_current_heads()),
                        tables=dump(connection))
    engine.dispose()
    # At this code's heads (a snapshot made now is the next release's), with the data the test relies on.
    assert set(ScriptDirectory(str(MIGRATIONS)).get_heads()) <= set(made.revisions)
    assert any(row["email"] == ACCOUNT_EMAIL for row in made.rows("account"))
    assert {"partner", "trop_member", "expert", "administrator"} <= {row["role"] for row in made.rows("account_role")}
    assert any(row["status"] == "approved" for row in made.rows("partner"))
