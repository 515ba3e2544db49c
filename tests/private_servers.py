"""A PostgreSQL and a Redis server of the test's own, which it may stop and start.

The machine's shared servers are never stopped: these listen on free ports of
127.0.0.1 and keep their data in a temporary folder, removed afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing(what: str) -> None:
    """Fail in CI, where every tool is installed by the test command; skip elsewhere."""
    message = f"{what} is not installed (scripts/test installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _as_server_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: as root, run them as the postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s")


@dataclass
class PrivatePostgres:
    bindir: str
    folder: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/oicvet"

    def _ctl(self, *args: str) -> None:
        subprocess.run(_as_server_user([f"{self.bindir}/pg_ctl", "-D", f"{self.folder}/data", "-w", "-s",
                                        "-l", f"{self.folder}/server.log", *args]),
                       check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        _wait_for(self.port)

    def stop(self) -> None:
        # "immediate": as a crash or a pulled cable would, open connections and all.
        self._ctl("-m", "immediate", "stop")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = _postgres_bin()
    if bindir is None or not shutil.which("runuser"):
        missing("PostgreSQL's server (Debian's postgresql)")
    folder = tempfile.mkdtemp(prefix="oicvet-pg-")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = PrivatePostgres(bindir, folder, free_port())
    try:
        subprocess.run(_as_server_user([f"{bindir}/initdb", "-D", f"{folder}/data", "-U", "postgres",
                                        "-A", "trust", "-E", "UTF8", "--locale", "C.UTF-8"]),
                       check=True, capture_output=True, timeout=120)
        server.start()
        subprocess.run([f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres",
                        "oicvet"], check=True, capture_output=True, timeout=60)
        yield server
    finally:
        with suppress(Exception):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class PrivateRedis:
    port: int
    folder: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server"):
        missing("Redis (Debian's redis-server)")
    folder = tempfile.mkdtemp(prefix="oicvet-redis-")
    server = PrivateRedis(free_port(), folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
