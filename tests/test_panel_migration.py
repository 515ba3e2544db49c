"""Migration 0006 (the staff panel) makes the tables the models describe, keeps existing events
published, and undoes cleanly."""

from __future__ import annotations

from sqlalchemy import inspect, text

NEW_TABLES = ("event_file", "programme_text", "audit_entry")
NEW_COLUMNS = {"event": {"body_html", "published", "version"}, "focal_point": {"version"},
               "contact_message": {"read_at"}, "account": {"disabled_at"}}


def test_migration_0006_matches_the_models_and_undoes(make_app, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import downgrade, upgrade

    from oicvet.cli import init_migrations
    from oicvet.extensions import db

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'panel.db'}")
    init_migrations(app)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO event (id, kind, title, year, is_virtual, created_at, updated_at) "
                "VALUES (1, 'meeting', '{\"en\": \"Before the panel\"}', 2012, 0, '2024-01-01', '2024-01-01')"))
        upgrade()
        with db.engine.connect() as connection:
            inspector = inspect(connection)
            assert set(NEW_TABLES) <= set(inspector.get_table_names())
            for table, columns in NEW_COLUMNS.items():
                assert columns <= {column["name"] for column in inspector.get_columns(table)}, table
            # An event from before the panel stays on the site, at its first version.
            assert tuple(connection.execute(text("SELECT published, version FROM event WHERE id = 1")).one()) == (1, 1)
            diffs = [str(diff) for diff in compare_metadata(MigrationContext.configure(connection), db.metadata)]
        touched = [diff for diff in diffs if any(name in diff for name in (*NEW_TABLES, *sorted(
            {column for columns in NEW_COLUMNS.values() for column in columns})))]
        assert not touched, touched
        downgrade(revision="0005")
        with db.engine.connect() as connection:
            inspector = inspect(connection)
            assert not set(NEW_TABLES) & set(inspector.get_table_names())
            assert "published" not in {column["name"] for column in inspector.get_columns("event")}
        db.engine.dispose()
