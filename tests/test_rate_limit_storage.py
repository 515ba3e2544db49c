"""Rate limits that hold however many worker processes serve the site.

The storage's own behaviour first (counts, fixed windows, clearing, several
instances and processes on one file), then the site itself under gunicorn with
two workers and the default storage: each limit lets exactly its number through.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, storage_from_string

from oicvet import configure, ratelimits
from oicvet.ratelimits import SQLiteStorage, storage_uri
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    """Stands in for the ``time`` module inside the storage, so windows end on cue."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(ratelimits, "time", SimpleNamespace(time=clock.time, monotonic=time.monotonic,
                                                            sleep=time.sleep))
    return clock


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "ratelimits.db"


@pytest.fixture
def storage(path) -> SQLiteStorage:
    return storage_from_string(storage_uri(path))


def _rows(path: Path) -> list[tuple[str, int, float]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT key, count, expires_at FROM ratelimit_counters ORDER BY key").fetchall()


# --- the storage -------------------------------------------------------------------------------------


def test_the_sqlite_scheme_is_registered_with_limits(storage, path):
    assert isinstance(storage, SQLiteStorage)
    assert storage.path == path
    assert storage.check()


@pytest.mark.parametrize("uri", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite://host/x.db"])
def test_a_uri_without_a_file_is_refused(uri):
    with pytest.raises(ConfigurationError):
        SQLiteStorage(uri)


def test_increments_add_up_per_key(storage):
    assert storage.get("a") == 0
    assert storage.incr("a", 60) == 1
    assert storage.incr("a", 60) == 2
    assert storage.incr("a", 60, amount=3) == 5
    assert storage.incr("b", 60) == 1
    assert (storage.get("a"), storage.get("b"), storage.get("c")) == (5, 1, 0)


def test_a_window_is_fixed_from_its_first_hit_and_ends_on_time(storage, clock):
    start = clock.now
    storage.incr("k", 60)
    assert storage.get_expiry("k") == start + 60
    clock.now = start + 59.9
    assert storage.incr("k", 60) == 2
    assert storage.get_expiry("k") == start + 60  # later hits do not stretch the window
    clock.now = start + 60  # the memory storage's rule: a window has ended when its expiry <= now
    assert storage.get("k") == 0
    assert storage.get_expiry("k") == clock.now
    assert storage.incr("k", 60) == 1  # a new window, from this hit
    assert storage.get_expiry("k") == start + 120


def test_the_same_hits_count_as_in_the_memory_storage(storage, clock, monkeypatch):
    import limits.storage.memory as memory_module

    monkeypatch.setattr(memory_module, "time", SimpleNamespace(time=clock.time))
    memory = MemoryStorage()
    try:
        for step, amount in [(0, 1), (10, 2), (29.5, 1), (30, 1), (45, 4), (59, 1), (90, 1)]:
            clock.now = 1_000_000.0 + step
            assert storage.incr("k", 30, amount) == memory.incr("k", 30, amount), step
            assert storage.get("k") == memory.get("k"), step
            assert storage.get_expiry("k") == memory.get_expiry("k"), step
    finally:
        memory.timer.cancel()


def test_clear_forgets_one_key_and_reset_forgets_all(storage):
    for key in ("a", "b", "c"):
        storage.incr(key, 60)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 2
    assert (storage.get("b"), storage.get("c")) == (0, 0)
    assert storage.incr("b", 60) == 1


def test_windows_that_have_ended_are_pruned(storage, path, clock):
    storage.incr("old", 10)
    clock.now += ratelimits.PRUNE_INTERVAL + 1
    storage.incr("new", 10)
    assert [row[0] for row in _rows(path)] == ["new"]


def test_two_storages_on_one_file_share_their_counts(path):
    # What two worker processes do: each opens the file for itself.
    first, second = SQLiteStorage(storage_uri(path)), SQLiteStorage(storage_uri(path))
    assert first.incr("k", 60) == 1
    assert second.incr("k", 60) == 2
    assert first.get("k") == second.get("k") == 2
    assert first.get_expiry("k") == second.get_expiry("k")
    second.clear("k")
    assert first.get("k") == 0
    first.incr("k", 60)
    second.reset()
    assert first.get("k") == 0


def test_threads_never_lose_or_repeat_a_hit(storage):
    results: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        counts = [storage.incr("k", 60) for _ in range(50)]
        with lock:
            results.extend(counts)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == list(range(1, 401))


def _hit_from_a_child(storage: SQLiteStorage, times: int, queue) -> None:
    queue.put([storage.incr("k", 60) for _ in range(times)])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_forked_processes_reopen_the_file_and_count_atomically(storage):
    # The parent's connection is open before the fork, as in a server that forks its workers.
    assert storage.incr("k", 60) == 1
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=_hit_from_a_child, args=(storage, 50, queue)) for _ in range(4)]
    for child in children:
        child.start()
    try:
        counts = [count for _ in children for count in queue.get(timeout=30)]
    finally:
        for child in children:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
    assert sorted(counts) == list(range(2, 202))
    assert storage.incr("k", 60) == 202  # and the parent's own connection still works


def _first_hits_on_a_new_file(uri: str, barrier, queue) -> None:
    storage = SQLiteStorage(uri)
    barrier.wait(timeout=30)
    try:
        queue.put([storage.incr("k", 60) for _ in range(25)])
    except Exception as error:  # reported to the parent, which fails the test with it
        queue.put(repr(error))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_processes_that_open_a_new_file_at_once_all_count(path):
    # As workers that boot together and take their first requests at the same moment.
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(8), context.Queue()
    children = [context.Process(target=_first_hits_on_a_new_file, args=(storage_uri(path), barrier, queue))
                for _ in range(8)]
    for child in children:
        child.start()
    try:
        results = [queue.get(timeout=30) for _ in children]
    finally:
        for child in children:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
    assert all(isinstance(result, list) for result in results), results
    assert sorted(count for result in results for count in result) == list(range(1, 201))


# --- the default, as the app factory sets it -----------------------------------------------------------


def test_the_default_is_a_file_in_the_instance_folder(tmp_path):
    app = Flask("oicvet", instance_path=str(tmp_path / "instance"))
    configure(app, "development", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": None})
    uri = app.config["RATELIMIT_STORAGE_URI"]
    assert uri == storage_uri(tmp_path / "instance" / "ratelimits.db")
    assert isinstance(storage_from_string(uri), SQLiteStorage)


def test_redis_url_still_chooses_redis_and_tests_keep_the_memory_storage(tmp_path):
    def chosen(env: dict[str, str]) -> str:
        return subprocess.run(
            [sys.executable, "-c", "from config import Config; print(Config.RATELIMIT_STORAGE_URI)"],
            env={"PATH": "", **env}, cwd=ROOT, capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()

    assert chosen({"REDIS_URL": "redis://127.0.0.1:6379/15"}) == "redis://127.0.0.1:6379/15"
    assert chosen({}) == "None"  # the app factory fills in the SQLite file
    app = Flask("oicvet", instance_path=str(tmp_path / "instance"))
    configure(app, "testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


# --- the site under gunicorn, two workers --------------------------------------------------------------

WORKERS = 2
CONTACT_LIMIT = 5
LOGIN_LIMIT = 4
STARTUP_TIMEOUT = 30.0

# The site as wsgi.py builds it, with its instance folder (and so the default
# rate-limit file) in the test's temporary folder.
SITE_MODULE = """\
import flask

flask.Flask.auto_find_instance_path = lambda self: {instance!r}

from wsgi import app  # noqa: E402,F401
"""


class Site(SimpleNamespace):
    url: str
    access_log: Path
    instance: Path


def _environment(tmp_path: Path) -> dict[str, str]:
    # Only what the site reads, so that nothing from the caller's environment (REDIS_URL
    # above all) changes the storage chosen.
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "OICVET_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.db'}",
        "MAIL_FOLDER": str(tmp_path / "mail"),
        "CONTACT_RATE_LIMIT": f"{CONTACT_LIMIT} per minute",
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        # The other login limits stay out of the way of the one under test.
        "LOGIN_FAILURES_PER_SOURCE": "1000 per minute",
        "LOGIN_FAILURES_BEFORE_LINK": "1000 per minute",
        # Cheap password hashing: a wrong password costs a full verification.
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "8192",
        "ARGON2_PARALLELISM": "1",
    }


def _wait_for(condition, timeout: float, what: str, process: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"gunicorn stopped while waiting for {what}:\n{log.read_text() if log else ''}")
        if result := condition():
            return result
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}" + (f":\n{log.read_text()}" if log and log.exists() else ""))


@pytest.fixture
def site(tmp_path) -> Iterator[Site]:
    instance = tmp_path / "instance"
    (tmp_path / "site_under_test.py").write_text(SITE_MODULE.format(instance=str(instance)))
    env = _environment(tmp_path)
    setup = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "site_under_test", "setup"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
         "--bind", "127.0.0.1:0", "--graceful-timeout", "5",
         "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(m)s %(U)s",
         "--error-logfile", str(error_log), "site_under_test:app"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        address = _wait_for(
            lambda: error_log.exists() and re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", error_log.read_text()),
            STARTUP_TIMEOUT, "gunicorn to listen", server, error_log,
        ).group(1)
        site = Site(url=address, access_log=access_log, instance=instance)
        _wait_for_every_worker(site, server, error_log)
        yield site
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at the redirect itself


class Visitor:
    """One browser: a cookie jar, no proxy, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(CookieJar()), _KeepRedirects()
        )

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode(errors="replace")


def _log(site: Site) -> list[tuple[str, int, str, str]]:
    """(worker pid, status, method, path) of each request served so far."""
    if not site.access_log.exists():
        return []
    entries = []
    for line in site.access_log.read_text().splitlines():
        pid, status, method, path = line.split()
        entries.append((pid, int(status), method, path))
    return entries


def _wait_for_every_worker(site: Site, server: subprocess.Popen, error_log: Path) -> None:
    # Requests at once until each worker has answered one, so that both are up before the test.
    visitor = Visitor(site.url)

    def both_answered() -> bool:
        with ThreadPoolExecutor(WORKERS * 2) as pool:
            list(pool.map(lambda _: visitor.request("/en/"), range(WORKERS * 2)))
        return len({pid for pid, status, *_ in _log(site) if status == 200}) == WORKERS

    _wait_for(both_answered, STARTUP_TIMEOUT, "both workers to answer", server, error_log)


def _burst(visitor: Visitor, path: str, form: dict[str, str], times: int) -> list[int]:
    """Post ``form`` ``times`` times at once: both workers take some, and they race."""
    with ThreadPoolExecutor(times) as pool:
        return list(pool.map(lambda _: visitor.request(path, form)[0], range(times)))


def _until_every_worker_refuses(site: Site, visitor: Visitor, path: str, form: dict[str, str]) -> None:
    """Post again until every worker has taken a post of ``path``: each one refuses it, since the limit
    is spent for all. (Under load one worker may take a whole burst; the other then shows its hand here.)"""
    for _attempt in range(60):
        if len(_served_by(site, "POST", path)) == WORKERS:
            return
        assert visitor.request(path, form)[0] == 429
    raise AssertionError(f"one worker took every post of {path}")


def _served_by(site: Site, method: str, path: str) -> Counter[str]:
    return Counter(pid for pid, _, logged_method, logged_path in _log(site)
                   if logged_method == method and logged_path == path)


def test_contact_us_accepts_exactly_its_limit_across_two_workers(site):
    visitor = Visitor(site.url)
    status, page = visitor.request("/en/contact/")
    assert status == 200
    form = {"csrf_token": csrf_token(page), "name": "Rate Test", "email": "rate@example.org",
            "subject": "Limits", "message": "Checking that the limit holds for every worker."}
    statuses = _burst(visitor, "/en/contact/", form, CONTACT_LIMIT + 7)
    assert Counter(statuses) == {302: CONTACT_LIMIT, 429: 7}
    _until_every_worker_refuses(site, visitor, "/en/contact/", form)
    assert (site.instance / "ratelimits.db").exists()  # the default storage, in the instance folder


def test_login_attempts_are_limited_across_two_workers(site):
    visitor = Visitor(site.url)
    status, page = visitor.request("/en/account/login")
    assert status == 200
    form = {"csrf_token": csrf_token(page), "email": "nobody@example.org", "password": "not the password"}
    statuses = _burst(visitor, "/en/account/login", form, LOGIN_LIMIT + 6)
    assert Counter(statuses) == {200: LOGIN_LIMIT, 429: 6}
    _until_every_worker_refuses(site, visitor, "/en/account/login", form)
