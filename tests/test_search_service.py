"""The search service: a folded search text kept in step, prefix matching, and the index a
migration makes, on the test database's dialect (SQLite, or PostgreSQL with TEST_DATABASE_URL).

A small model of its own (in its own registry, so that the site's models and
migrations never see it) stands for any searchable model.
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from oicvet.partners.models import Partner
from oicvet.search.folding import index_text, query_terms
from oicvet.search.indexes import SearchIndexNames, create_search_index, drop_search_index, is_search_object
from oicvet.search.searchable import Searchable, matching, searchable_tables


class _Base(DeclarativeBase):
    pass


class Note(Searchable, _Base):
    __tablename__ = "search_service_note"
    search_fields = ("title", "body")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)


def _operations(connection) -> Operations:
    """What a migration's ``op`` is, on ``connection``."""
    return Operations(MigrationContext.configure(connection))


@pytest.fixture
def notes(db):
    with db.engine.begin() as connection:
        _Base.metadata.create_all(connection)
        create_search_index(_operations(connection), Note.__tablename__)
    yield db
    db.session.rollback()
    with db.engine.begin() as connection:
        drop_search_index(_operations(connection), Note.__tablename__)
        _Base.metadata.drop_all(connection)


def _add(db, title: str, body: str | None = None) -> Note:
    note = Note(title=title, body=body)
    db.session.add(note)
    db.session.commit()
    return note


def _found(db, query: str) -> list[str]:
    statement = db.select(Note.title).where(matching(Note, query_terms(query))).order_by(Note.title)
    return list(db.session.scalars(statement))


def test_the_search_text_follows_the_fields(notes):
    note = _add(notes, "École Supérieure", "الجامعة الإسلاميّة")
    assert note.search_text == index_text("École Supérieure", "الجامعة الإسلاميّة")
    assert {"ecole", "superieure", "جامعه", "اسلاميه"} <= set(note.search_text.split())
    note.title, note.body = "Centre de formation", None
    notes.session.commit()
    assert note.search_text == "centre de formation"


def test_every_term_matches_the_start_of_a_folded_word(notes):
    _add(notes, "École supérieure polytechnique")
    _add(notes, "Centre de formation professionnelle", "Œuvre sociale")
    _add(notes, "مؤسسة التدريب المهني")
    assert _found(notes, "ecole SUP") == ["École supérieure polytechnique"]
    assert _found(notes, "FORMATION profess oeuvre") == ["Centre de formation professionnelle"]
    assert _found(notes, "formation polytechnique") == []  # every term, not any
    assert _found(notes, "موسسه التدريب") == ["مؤسسة التدريب المهني"]  # hamza, ta marbuta, the article
    assert _found(notes, "supérieurex") == []


def test_the_index_follows_updates_and_deletes(notes):
    note = _add(notes, "Institut ancien")
    assert _found(notes, "ancien") == ["Institut ancien"]
    note.title = "Institut nouveau"
    notes.session.commit()
    assert _found(notes, "ancien") == [] and _found(notes, "nouveau") == ["Institut nouveau"]
    notes.session.delete(note)
    notes.session.commit()
    assert _found(notes, "nouveau") == []


def test_a_table_made_searchable_later_has_its_rows_indexed(notes):
    with notes.engine.begin() as connection:
        drop_search_index(_operations(connection), Note.__tablename__)
    _add(notes, "Written before the index")
    with notes.engine.begin() as connection:
        create_search_index(_operations(connection), Note.__tablename__)
    assert _found(notes, "written") == ["Written before the index"]


@pytest.mark.parametrize("terms", [[], ['"x"'], ["a b"], ["x:*"], ["a&b"], ["NEAR(a"]])
def test_matching_takes_folded_words_only(notes, terms):
    with pytest.raises(ValueError):
        matching(Note, terms)


def _search_objects(connection, table: str) -> list[tuple[str, ...]]:
    """What the database has for ``table``'s search index, with the table's name taken out."""
    names = SearchIndexNames(table)
    if connection.dialect.name == "postgresql":
        rows = connection.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = :name"),
                                  {"name": names.gin_index})
    else:
        wanted = sorted(names.sqlite_tables | set(names.triggers))
        placeholders = ", ".join("?" * len(wanted))
        rows = connection.exec_driver_sql(
            f"SELECT type, name, sql FROM sqlite_master WHERE name IN ({placeholders}) ORDER BY name", tuple(wanted)
        )
    return [tuple(str(value).replace(table, "<table>") for value in row) for row in rows]


def test_the_index_is_the_one_the_partner_migration_made(notes):
    with notes.engine.connect() as connection:
        made = _search_objects(connection, Note.__tablename__)
        migrated = _search_objects(connection, "partner")
    assert made and made == migrated


def test_dropping_the_index_leaves_the_table(notes):
    _add(notes, "Kept without its index")
    with notes.engine.begin() as connection:
        drop_search_index(_operations(connection), Note.__tablename__)
        assert _search_objects(connection, Note.__tablename__) == []
        assert connection.execute(text("SELECT count(*) FROM search_service_note")).scalar() == 1
        create_search_index(_operations(connection), Note.__tablename__)  # for the fixture to drop


def test_partners_are_searchable_through_the_service():
    assert Partner.search_fields == ("name", "acronym", "description", "cooperation_areas")
    assert searchable_tables() == ["expert", "partner", "trop_institution", "trop_opportunity"]  # the site's, not this file's


def test_autogenerate_leaves_search_indexes_alone_and_sees_no_other_change(db):
    names = SearchIndexNames("partner")
    for table in names.sqlite_tables:
        assert is_search_object(table, "table")
    assert is_search_object("ix_partner_search", "index") and is_search_object(names.vector_column, "column")
    assert not is_search_object("partner", "table") and not is_search_object("ix_partner_status_updated", "index")
    assert not is_search_object("search_text", "column")
    assert not is_search_object("partner_fts", "index") and not is_search_object("other_fts", "table")

    def partner_changes(include_object=None) -> list[str]:
        with db.engine.connect() as connection:
            options = {"compare_type": True}
            if include_object:
                options["include_object"] = include_object
            context = MigrationContext.configure(connection, opts=options)
            return [repr(change) for change in compare_metadata(context, db.metadata) if "partner" in repr(change)]

    # The models match the migrations (the status, an Enum now, is the same VARCHAR(12)) ...
    assert partner_changes(lambda obj, name, type_, reflected, compare_to: not is_search_object(name, type_)) == []
    # ... and what autogenerate would otherwise drop is the search index alone (on PostgreSQL, with its column).
    unfiltered = partner_changes()
    search_objects = (names.fts, names.gin_index, f"'{names.vector_column}'")
    assert unfiltered and all(any(name in change for name in search_objects) for change in unfiltered)
