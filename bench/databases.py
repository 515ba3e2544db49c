"""Partner Search's server time on SQLite and PostgreSQL, through bench/search.py.

bench/search.py belongs to the search work: given a database URL that holds
the demo data, it times Partner Search for each of its terms. The harness
loads the data and calls it in a fresh process, so that the site it builds
sees only that URL.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.servers import ROOT, HarnessError, Site

SEARCH_MODULE = Path(__file__).resolve().parent / "search.py"
#: The bench's own database; the suite's ("test") is never touched.
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/oicvet_bench"
FORBIDDEN_DATABASES = {"test", "postgres", "template0", "template1"}
#: What the loaded data depends on: a database loaded by other code or with other sizes is loaded again.
DATA_SOURCES = ("oicvet/demo.py", "oicvet/migrations/versions", "plugins")


@dataclass(frozen=True)
class Timing:
    term: str
    p50_ms: float
    p95_ms: float


# The contract with bench/search.py: measure(database_url) returns (term, p50 ms, p95 ms)
# for each term it times (it may print them as well).
_CALL = """
import json, sys
from bench.search import measure
rows = [[str(term), float(p50), float(p95)] for term, p50, p95 in measure(sys.argv[1])]
print("BENCH-SEARCH " + json.dumps(rows, ensure_ascii=False))
"""


def search_available() -> bool:
    return SEARCH_MODULE.exists()


def partner_search_times(site: Site, log: Path) -> list[Timing]:
    """bench.search.measure(site's database URL) in a fresh process: p50/p95 per term."""
    try:
        done = subprocess.run([sys.executable, "-c", _CALL, site.database_url], cwd=ROOT,
                              env=site.environment(), capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        raise HarnessError("bench.search.measure took more than 30 minutes") from None
    log.write_text(done.stdout + done.stderr)
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH-SEARCH ")), None)
    if done.returncode != 0 or line is None:
        raise HarnessError(f"bench.search.measure failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return [Timing(term, p50, p95) for term, p50, p95 in json.loads(line.split(" ", 1)[1])]


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _on_database(url: str, name: str) -> str:
    """``url`` for the database ``name`` of the same server, in psycopg's form."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    return urlunsplit(parts._replace(path=f"/{name}"))


def _data_stamp(partners: int, events: int, institutions: int, opportunities: int, experts: int) -> str:
    digest = hashlib.sha256(f"{partners} {events} {institutions} {opportunities} {experts}".encode())
    for name in DATA_SOURCES:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if file.exists() and "__pycache__" not in file.parts:
                digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def prepare_postgres(url: str, folder: Path, partners: int, events: int, institutions: int = 0,
                     opportunities: int = 0, experts: int = 0) -> Site | None:
    """A site on the bench's PostgreSQL database, holding the demo data; None when no server answers.

    The database is created when missing, and loaded again only when the sizes or
    the code that makes the data changed since it was last loaded.
    """
    import psycopg
    from psycopg import sql

    name = _database_name(url)
    if not name or name in FORBIDDEN_DATABASES:
        raise HarnessError(f"the bench will not use the database {name!r}: name one of its own")
    try:
        admin = psycopg.connect(_on_database(url, "postgres"), connect_timeout=3, autocommit=True)
    except psycopg.OperationalError:
        return None
    with admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    site = Site(folder, database_url=url)
    stamp = _data_stamp(partners, events, institutions, opportunities, experts)
    with psycopg.connect(_on_database(url, name), autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS bench_data (stamp text NOT NULL)")
        loaded = connection.execute("SELECT stamp FROM bench_data").fetchone()
        if loaded and loaded[0] == stamp:
            return site
        # Start from nothing: the demo data is made for an empty database.
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    site.load(partners, events, institutions, opportunities, experts)
    with psycopg.connect(_on_database(url, name), autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS bench_data (stamp text NOT NULL)")
        connection.execute("DELETE FROM bench_data")
        connection.execute("INSERT INTO bench_data (stamp) VALUES (%s)", (stamp,))
    return site
