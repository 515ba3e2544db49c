"""Rate-limit counters in a small SQLite file, shared by every process of one machine.

The ``limits`` library's ``memory://`` storage keeps its counters inside each
process, so with several workers every worker allowed the whole limit on its
own. Redis shares counters between machines, but one machine should not need a
service for that: this storage keeps the counters in a SQLite file (the app
factory puts it in the instance folder), which every worker opens, and counts
each hit in one write transaction.

Importing this module registers the ``sqlite`` scheme with ``limits``; the URI
follows SQLAlchemy's form, ``sqlite:///relative/path.db`` or
``sqlite:////absolute/path.db`` (see :func:`storage_uri`). It supports the
fixed-window strategy, Flask-Limiter's default.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from limits.errors import ConfigurationError
from limits.storage import Storage

SCHEME = "sqlite"
_PREFIX = f"{SCHEME}:///"

#: How often (seconds) one process deletes the rows of windows that have ended.
PRUNE_INTERVAL = 60.0

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS ratelimit_counters ("
    " key TEXT PRIMARY KEY,"
    " count INTEGER NOT NULL,"
    " expires_at REAL NOT NULL"
    ") WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS ratelimit_counters_expires_at ON ratelimit_counters (expires_at)",
)

# A window that has ended starts again with this hit, as in the memory storage;
# the right-hand sides of SET see the row as it was before the update.
_INCREMENT = (
    "INSERT INTO ratelimit_counters (key, count, expires_at) VALUES (:key, :amount, :expires_at)"
    " ON CONFLICT (key) DO UPDATE SET"
    " count = CASE WHEN expires_at <= :now THEN excluded.count ELSE count + excluded.count END,"
    " expires_at = CASE WHEN expires_at <= :now THEN excluded.expires_at ELSE expires_at END"
    " RETURNING count"
)

# Connections copied into a child by fork. SQLite must not use them there, and
# closing them could act on locks that belong to the parent, so they are kept.
_inherited: list[sqlite3.Connection] = []


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction; BEGIN IMMEDIATE takes the write lock (waiting for it) before any read."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        # Never leave a transaction open: the next BEGIN on this connection would fail.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def storage_uri(path: str | os.PathLike[str]) -> str:
    """The storage URI for the SQLite file at ``path``."""
    return f"{_PREFIX}{os.fspath(path)}"


class SQLiteStorage(Storage):
    """Fixed-window counters in one SQLite table, safe across processes and threads."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        timeout: float = 5.0,
        **options: float | str | bool,
    ) -> None:
        """``timeout``: seconds to wait for another process's write before failing."""
        if not uri or not uri.startswith(_PREFIX):
            raise ConfigurationError(f"A SQLite rate-limit storage needs a URI like {_PREFIX}path.db")
        path = uri[len(_PREFIX):]
        if not path or path == ":memory:" or path.startswith("file:"):
            # Each connection would get a database of its own: nothing would be shared.
            raise ConfigurationError(f"A SQLite rate-limit storage needs a file: {uri}")
        self.path = Path(path)
        self.timeout = float(timeout)
        self._local = threading.local()
        self._next_prune = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: the module opens no transactions of its own; ours are explicit.
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            self._prepare(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        # Counters may lose their last hits on a power cut; they need no fsync per request.
        connection.execute("PRAGMA synchronous=NORMAL")
        # WAL lets readers work while one process writes; it stays set in the file. The switch
        # needs the file to itself and SQLite may refuse it at once rather than wait, so retry.
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._retry_while_busy(lambda: connection.execute("PRAGMA journal_mode=WAL"))
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ratelimit_counters'"
        if connection.execute(exists).fetchone() is None:
            with _transaction(connection):
                for statement in _SCHEMA:
                    connection.execute(statement)

    def _retry_while_busy(self, operation: Callable[[], object]) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                operation()
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
            time.sleep(0.01)

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread, opened on first use, and again in a child after a fork.
        local = self._local
        pid = os.getpid()
        if getattr(local, "pid", None) != pid:
            if getattr(local, "connection", None) is not None:
                _inherited.append(local.connection)
            local.connection = self._connect()
            local.pid = pid
        return local.connection

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return _transaction(self._connection())

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to ``key``'s counter; a new window lasts ``expiry`` seconds."""
        now = time.time()
        with self._write() as connection:
            (count,) = connection.execute(
                _INCREMENT, {"key": key, "amount": amount, "expires_at": now + expiry, "now": now}
            ).fetchone()
            if now >= self._next_prune:
                # The index on expires_at makes this cheap; once a minute per process is enough.
                connection.execute("DELETE FROM ratelimit_counters WHERE expires_at <= ?", (now,))
                self._next_prune = now + PRUNE_INTERVAL
        return int(count)

    def get(self, key: str) -> int:
        """The counter of ``key``'s current window; 0 when there is none."""
        row = self._connection().execute(
            "SELECT count FROM ratelimit_counters WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        """When ``key``'s current window ends (a timestamp); now when there is none."""
        now = time.time()
        row = self._connection().execute(
            "SELECT expires_at FROM ratelimit_counters WHERE key = ? AND expires_at > ?", (key, now)
        ).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        """Whether the file can be read."""
        try:
            self._connection().execute("SELECT 1 FROM ratelimit_counters LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; returns how many there were."""
        with self._write() as connection:
            return connection.execute("DELETE FROM ratelimit_counters").rowcount

    def clear(self, key: str) -> None:
        """Forget ``key``'s counter."""
        with self._write() as connection:
            connection.execute("DELETE FROM ratelimit_counters WHERE key = ?", (key,))
