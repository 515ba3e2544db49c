"""The search index of a searchable table, made and dropped by migrations.

On SQLite, an FTS5 table whose content is the table's ``search_text``, kept in
step by three triggers; on PostgreSQL, a stored generated column,
``search_vector``, the words of ``search_text`` (``to_tsvector('simple', …)``,
stripped of positions), with a GIN index. Stored, so that a query that walks
another index (the most recent first) tests each row's words without
computing them again. The models do not declare these, so autogenerate must
leave them alone: ``is_search_object`` tells it which they are.

A SQLite batch migration that rebuilds a searchable table drops its triggers:
alter it in place (``recreate='never'``), or call ``create_search_index`` again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from oicvet.search.searchable import VECTOR_COLUMN, searchable_tables

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
#: The tables FTS5 makes for itself beside the virtual table (``content`` only without external content).
_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


@dataclass(frozen=True)
class SearchIndexNames:
    """The names of a table's search objects."""

    table: str

    def __post_init__(self) -> None:
        # The names go into SQL as they are.
        if not _IDENTIFIER.match(self.table):
            raise ValueError(f"not a plain table name: {self.table!r}")

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def triggers(self) -> tuple[str, str, str]:
        return f"{self.fts}_insert", f"{self.fts}_delete", f"{self.fts}_update"

    @property
    def gin_index(self) -> str:
        return f"ix_{self.table}_search"

    @property
    def vector_column(self) -> str:
        return VECTOR_COLUMN

    @property
    def sqlite_tables(self) -> frozenset[str]:
        return frozenset({self.fts, *(f"{self.fts}_{shadow}" for shadow in _FTS5_SHADOWS)})


def create_search_index(op: Any, table: str) -> None:
    """Index ``table.search_text`` for ``matching``; ``op`` is the migration's ``alembic.op``."""
    names = SearchIndexNames(table)
    if op.get_bind().dialect.name == "postgresql":
        # Generated from search_text by PostgreSQL itself, so nothing else writes it.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {names.vector_column} tsvector "
            f"GENERATED ALWAYS AS (strip(to_tsvector('simple', search_text))) STORED"
        )
        op.execute(f"CREATE INDEX {names.gin_index} ON {table} USING gin ({names.vector_column})")
        return
    fts = names.fts
    insert, delete, update = names.triggers
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id')")
    op.execute(
        f"CREATE TRIGGER {insert} AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute(
        f"CREATE TRIGGER {delete} AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END"
    )
    op.execute(
        f"CREATE TRIGGER {update} AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    # Rows already in the table (a table made searchable later) are indexed too.
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def drop_search_index(op: Any, table: str) -> None:
    """Drop what ``create_search_index`` made; call it before dropping the table."""
    names = SearchIndexNames(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {names.gin_index}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {names.vector_column}")
        return
    for trigger in names.triggers:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(f"DROP TABLE IF EXISTS {names.fts}")


def is_search_object(name: str | None, type_: str) -> bool:
    """Whether autogenerate meets a search index (``type_`` as Alembic's ``include_object`` gives it)."""
    if type_ == "column" and name == VECTOR_COLUMN:
        return True
    for table in searchable_tables():
        names = SearchIndexNames(table)
        if (type_ == "table" and name in names.sqlite_tables) or (type_ == "index" and name == names.gin_index):
            return True
    return False
