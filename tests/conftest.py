"""Fixtures: an app with a chosen set of plugins, a client, and one seeded database.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL``
is set. The database is migrated and seeded once per session, with every
plugin; an app that loads fewer plugins must simply not show the others.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, event, make_url, text

from config import database_url as normalise_url
from oicvet import create_app
from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import hash_password
from oicvet.extensions import db as _db
from oicvet.models import utcnow
from oicvet.partners.models import Partner, Status
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


def sibling_database(url: str, suffix: str) -> str:
    """A PostgreSQL database of its own beside the given one (made if missing): ``<name>_<suffix>``."""
    base = make_url(url)
    name = f"{base.database}_{suffix}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def fresh_database(url: str) -> str:
    """``url``'s database emptied, migrated and seeded with every plugin."""
    _reset_database(url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OICVET_PLUGINS=None)
    with app.app_context():
        from flask_migrate import upgrade

        from oicvet.cli import init_migrations
        from oicvet.seed import load_seed

        init_migrations(app)
        upgrade()
        load_seed()
        _db.engine.dispose()
    return url


def run_setup(app: Flask) -> str:
    """`flask setup`, as the site's operator runs it; its output."""
    with app.app_context():  # as `flask` gives its commands
        result = app.test_cli_runner().invoke(args=["setup"])
        _db.engine.dispose()
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result.output


def make_test_database(tmp_path_factory, name: str) -> str:
    """A fresh database for this worker: on PostgreSQL (``TEST_DATABASE_URL``) one beside the given one
    per parallel worker (pytest-xdist) and ``name``; else a SQLite file."""
    given = normalise_url(os.environ.get("TEST_DATABASE_URL"))
    if not given:
        return fresh_database(f"sqlite:///{tmp_path_factory.mktemp(name) / 'oicvet-test.db'}")
    suffix = "_".join(part for part in (os.environ.get("PYTEST_XDIST_WORKER"), name if name != "db" else "") if part)
    return fresh_database(sibling_database(given, suffix) if suffix else given)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return make_test_database(tmp_path_factory, "db")


#: Limits high enough for the flows under test; the tests of limits set their own.
GENEROUS_LIMITS = {
    "LOGIN_RATE_LIMIT": "1000 per minute",
    "LOGIN_FAILURES_PER_SOURCE": "1000 per minute",
    "LOGIN_FAILURES_BEFORE_LINK": "1000 per minute",
    "REGISTER_RATE_LIMIT": "1000 per minute",
    "RESET_RATE_LIMIT": "1000 per minute",
}


@pytest.fixture(scope="session")
def mail_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def make_app(database_url, mail_folder) -> Callable[..., Flask]:
    """Build an app on the test database: ``make_app(OICVET_PLUGINS=[...])``."""

    def build(**overrides) -> Flask:
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
        overrides.setdefault("OICVET_PLUGINS", None)
        overrides.setdefault("MAIL_FOLDER", str(mail_folder))
        overrides.setdefault("MAIL_OUTBOX", str(mail_folder / "outbox"))
        overrides.setdefault("UPLOAD_FOLDER", str(mail_folder.parent / "uploads"))
        for key, value in GENEROUS_LIMITS.items():
            overrides.setdefault(key, value)
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


@contextmanager
def queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app runs while the block runs."""
    seen: list[str] = []
    with app.app_context():
        engine = _db.engine

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the form has no CSRF token"
    return match.group(1)


class Outbox:
    """The e-mails the site wrote to the mail folder, newest last."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def clear(self) -> None:
        for path in self.folder.glob("*.eml"):
            path.unlink()

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if to is None or message["To"].lower() == to.lower():
                found.append(message)
        return found

    def last(self, to: str) -> EmailMessage:
        messages = self.messages(to)
        assert messages, f"no e-mail was sent to {to}"
        return messages[-1]

    @staticmethod
    def body(message: EmailMessage) -> str:
        return message.get_body(("plain",)).get_content()

    def link(self, to: str) -> str:
        """The path of the link in the last e-mail to ``to``."""
        match = re.search(r"https?://[^/\s]+(/\S+)", self.body(self.last(to)))
        assert match, "the e-mail has no link"
        return match.group(1)


@pytest.fixture
def outbox(mail_folder) -> Outbox:
    box = Outbox(mail_folder)
    box.clear()
    return box


def unique_email(prefix: str = "person") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def submit(client: FlaskClient, page: str, data: dict, action: str | None = None, **kwargs):
    """Open ``page``, take its CSRF token, and post ``data`` to ``action`` (default: the page)."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action or page, data={"csrf_token": token, **data}, **kwargs)


def log_in(client: FlaskClient, email: str, password: str, lang: str = "en", **extra):
    return submit(client, f"/{lang}/account/login", {"email": email, "password": password, **extra})


def log_out(client: FlaskClient, lang: str = "en"):
    # The logout button is in every page's header for a logged-in person.
    return submit(client, f"/{lang}/account/", {}, action=f"/{lang}/account/logout")


PASSWORD = "a long and quiet river"


@pytest.fixture
def make_account(app) -> Callable[..., Account]:
    """Create an account in the database: ``make_account(Role.ADMINISTRATOR)``."""

    def create(*roles: Role, email: str | None = None, password: str = PASSWORD, confirmed: bool = True,
               language: str = "en", name: str = "Test Person") -> Account:
        with app.app_context():
            account = Account(
                email=(email or unique_email()).lower(), name=name, password_hash=hash_password(password),
                language=language, email_confirmed_at=utcnow() if confirmed else None,
            )
            for role in roles:
                account.grant(role)
            _db.session.add(account)
            _db.session.commit()
            _db.session.refresh(account)
            _db.session.expunge(account)
            return account

    return create


def partner_fields(**overrides) -> dict:
    """A complete, valid Partner Registration form (demo values, never shown as real)."""
    fields = {
        "name": "Demo Vocational Institute",
        "acronym": "DVI",
        "organisation_type": "tvet",
        "country": "SN",
        "city": "Dakar",
        "address": "",
        "website": "https://dvi.example.org",
        "sectors": ["labour", "ict"],
        "cooperation_areas": "Teacher training and occupational standards.",
        "description": "A demonstration profile created by the test suite.",
        "contact_name": "Demo Contact",
        "contact_position": "Director",
        "phone": "+221 33 000 00 00",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_partner(app, make_account) -> Callable[..., Partner]:
    """A partner with its account, in a given status: ``make_partner(Status.APPROVED, name=...)``."""

    def create(status: Status = Status.APPROVED, email: str | None = None, password: str = PASSWORD,
               **fields) -> Partner:
        account = make_account(Role.PARTNER, email=email, password=password,
                               confirmed=status != Status.UNCONFIRMED)
        with app.app_context():
            values = partner_fields(**fields)
            sectors = values.pop("sectors")
            partner = Partner(account_id=account.id, status=status.value, **values)
            partner.sectors = sectors
            _db.session.add(partner)
            _db.session.commit()
            _db.session.refresh(partner)
            _db.session.expunge_all()
            return partner

    return create


class AuditLog:
    """The audit log's entries made since the test began.

    SQLite may give a new row the id of a deleted one (another test's record),
    so a record's entries are only this test's.
    """

    def __init__(self, app: Flask) -> None:
        from oicvet.audit import AuditEntry

        self.app = app
        with app.app_context():
            self.start = _db.session.scalar(_db.select(_db.func.max(AuditEntry.id))) or 0

    def entries(self, kind: str, record_id: object) -> list:
        from oicvet.audit import AuditEntry

        with self.app.app_context():
            found = _db.session.scalars(_db.select(AuditEntry).where(
                AuditEntry.kind == kind, AuditEntry.record_id == str(record_id), AuditEntry.id > self.start,
            ).order_by(AuditEntry.id)).all()
            _db.session.expunge_all()
            return list(found)

    def count(self) -> int:
        """How many entries were made since the test began."""
        from oicvet.audit import AuditEntry

        with self.app.app_context():
            return _db.session.scalar(_db.select(_db.func.count()).select_from(AuditEntry).where(
                AuditEntry.id > self.start))


@pytest.fixture
def audit(app) -> AuditLog:
    return AuditLog(app)
