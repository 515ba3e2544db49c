"""Fixtures: an app with a chosen set of plugins, a client, and one seeded database.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL``
is set. The database is migrated and seeded once per session, with every
plugin; an app that loads fewer plugins must simply not show the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, text

from config import database_url as normalise_url
from oicvet import create_app
from oicvet.extensions import db as _db
from tests.live import artifacts, browser, live_app, live_server  # noqa: F401  (shared fixtures)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ALL_SECTORS = ["diplomacy", "agriculture", "economy", "ict", "labour", "social"]


def _reset_database(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = normalise_url(os.environ.get("TEST_DATABASE_URL"))
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'oicvet-test.db'}"
    _reset_database(url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OICVET_PLUGINS=None)
    with app.app_context():
        from flask_migrate import upgrade

        from oicvet.seed import load_seed

        upgrade()
        load_seed()
        _db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def make_app(database_url) -> Callable[..., Flask]:
    """Build an app on the test database: ``make_app(OICVET_PLUGINS=[...])``."""

    def build(**overrides) -> Flask:
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
        overrides.setdefault("OICVET_PLUGINS", None)
        return create_app("testing", **overrides)

    return build


@pytest.fixture(scope="session")
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the form has no CSRF token"
    return match.group(1)
