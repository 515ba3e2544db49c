"""Flask extensions, created unbound here and bound in the app factory.

Nothing here imports from the rest of the project: everything else may import this.
"""

from typing import Any

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints let SQLite's batch migrations alter them later.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # The embedded database: WAL lets readers and a writer work at once, the
    # timeout waits out short locks, and SQLite enforces foreign keys only when asked.
    if type(dbapi_connection).__module__ == "sqlite3":
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are declared per view; storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address)


@limiter.request_filter
def _reads_have_no_limits() -> bool:
    # Every limit of the site is on a POST (Contact Us, login, registration, password reset):
    # a page that is only read has none to check, and looking costs a fifth of a small page.
    return request.method in ("GET", "HEAD", "OPTIONS")
