"""Lists and counts of the events visitors see read the indexes alone, never every row.

Whether visitors see an event (its programme is loaded, it is published) ends each
index of ``event``, so that the Programme Summary's counts and the archive's count
and filters are answered from an index (SQLite's own migrated schema, checked with
its query planner).
"""

from __future__ import annotations

from sqlalchemy import func, select, text

from oicvet.events import EVENTS, visible


def _plan(connection, statement) -> str:
    compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
    return " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_counts_and_filters_of_visible_events_read_covering_indexes(make_app, tmp_path):
    from flask_migrate import upgrade

    from oicvet.cli import init_migrations
    from oicvet.extensions import db

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'indexes.db'}")
    init_migrations(app)
    with app.app_context():
        upgrade()
        statements = {
            "summary counts": select(EVENTS.c.programme, EVENTS.c.year, func.count())
            .where(EVENTS.c.programme.is_not(None), EVENTS.c.published)
            .group_by(EVENTS.c.programme, EVENTS.c.year),
            "archive count": select(func.count()).select_from(EVENTS).where(visible()),
            "archive years": select(EVENTS.c.year).where(visible()).distinct(),
            "archive countries": select(EVENTS.c.country).where(visible(), EVENTS.c.country.is_not(None)).distinct(),
        }
        with db.engine.connect() as connection:
            for name, statement in statements.items():
                plan = _plan(connection, statement)
                assert "COVERING INDEX" in plan, f"{name}: {plan}"
        db.engine.dispose()
