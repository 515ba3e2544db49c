"""A model's search text, kept in step with its fields, and the filter that matches it.

A model that takes ``Searchable`` names its ``search_fields``; before every
insert and update, ``search_text`` becomes their folded words (see
``folding.index_text``). The migration that makes the table indexes that
column with ``indexes.create_search_index``: an FTS5 table on SQLite, a
stored column of its words with a GIN index on PostgreSQL. ``matching`` then
finds the rows that have every term as the start of a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import Select, Text, event, func, literal, literal_column, select, table
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from oicvet.extensions import db
from oicvet.search.folding import index_text

#: PostgreSQL: the stored column of a searchable table's words (made by ``indexes.create_search_index``).
VECTOR_COLUMN = "search_vector"

#: What a term may be: a folded word. Neither FTS5's nor PostgreSQL's query syntax fits in one.
_TERM = re.compile(r"^\w+$")


class Searchable:
    """A model whose ``search_fields`` are searched by keyword; its table needs an integer ``id`` key."""

    #: The text attributes whose words are searched.
    search_fields: ClassVar[tuple[str, ...]] = ()
    #: The folded words of ``search_fields``; never set by hand.
    search_text: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(Searchable, "before_insert", propagate=True)
@event.listens_for(Searchable, "before_update", propagate=True)
def _keep_search_text_in_step(mapper: Any, connection: Any, row: Searchable) -> None:
    row.search_text = index_text(*(getattr(row, name) or "" for name in row.search_fields))


def searchable_tables() -> list[str]:
    """The tables of the site's models that are searchable, hence indexed by a migration."""
    return sorted(
        mapper.local_table.name for mapper in db.Model.registry.mappers if issubclass(mapper.class_, Searchable)
    )


def match_value(terms: Sequence[str]) -> str:
    """What the index is asked for ``terms``: every term as the start of a word.

    An FTS5 query on SQLite, a tsquery on PostgreSQL. ``terms`` are folded words,
    as ``folding.query_terms`` gives them; anything else is refused, so that no
    query syntax reaches the database.
    """
    if not terms or not all(_TERM.match(term) for term in terms):
        raise ValueError(f"matching() takes folded words, not {list(terms)!r}")
    if db.engine.dialect.name == "postgresql":
        return " & ".join(f"{term}:*" for term in terms)
    return " ".join(f'"{term}"*' for term in terms)


def matching(model: type[Searchable], terms: Sequence[str] | BindParameter[str]) -> ColumnElement[bool]:
    """A filter for the rows of ``model`` whose search text has every term as the start of a word.

    ``terms`` are folded words; or a bound parameter, for a statement built once
    and run with ``match_value(terms)`` as that parameter's value.
    """
    value = terms if isinstance(terms, BindParameter) else literal(match_value(terms))
    if db.engine.dialect.name == "postgresql":
        return _vector(model).op("@@")(func.to_tsquery(literal_column("'simple'"), value))
    return model.id.in_(index_hits(model, value))


def index_hits(model: type[Searchable], value: BindParameter[str] | ColumnElement[str]) -> Select:
    """The ids (column ``id``) of the rows whose words match ``value`` (from ``match_value``).

    On SQLite the FTS5 table alone gives them, without reading the rows: cheap
    to count, or to lead a query when they are few.
    """
    if db.engine.dialect.name == "postgresql":
        return select(model.id).where(_vector(model).op("@@")(func.to_tsquery(literal_column("'simple'"), value)))
    fts = f"{model.__table__.name}_fts"
    rowid = literal_column("rowid").label("id")
    return select(rowid).select_from(table(fts)).where(literal_column(fts).op("MATCH")(value))


def _vector(model: type[Searchable]) -> ColumnElement[Any]:
    # The stored column the migration made (see indexes.py); the model does not declare it.
    return literal_column(f"{model.__table__.name}.{VECTOR_COLUMN}")
