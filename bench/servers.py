"""The throw-away site, and the servers that serve it: gunicorn, and nginx in front of it.

Everything lives in one temporary folder: the SQLite database, mail, logs,
nginx's configuration, certificate and access log. Servers listen on free ports of
127.0.0.1 and are stopped when their ``with`` block ends.
"""

from __future__ import annotations

import http.client
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_CONF = ROOT / "deploy" / "nginx" / "oicvet.conf"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
STATIC = ROOT / "oicvet" / "static"
#: Every page is asked for with this cookie, as by a returning visitor: the first
#: visit sets the language cookie, which makes that one answer private.
COOKIE = "lang=en"
#: nginx's host name for the bench; wrk sends it as the TLS server name, and it resolves to loopback.
NGINX_HOST = "localhost"
WORKERS = 2


class HarnessError(Exception):
    """The harness cannot measure: a tool is missing, a server did not start, a page failed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require(*tools: str) -> None:
    missing = [tool for tool in tools if not shutil.which(tool) and not Path("/usr/sbin", tool).exists()]
    if missing:
        raise HarnessError(f"missing: {', '.join(missing)} (scripts/bench installs them)")


def tool(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(base: str, path: str, cookie: str | None = COOKIE) -> Response:
    """GET ``base + path`` (http or https, any certificate accepted)."""
    scheme, rest = base.split("://", 1)
    host, port = rest.rsplit(":", 1)
    if scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(host, int(port), timeout=30,
                                                                              context=context)
    else:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        answer = connection.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


class Site:
    """A temporary folder with the site's own database and configuration, in production mode."""

    def __init__(self, folder: Path, database_url: str | None = None) -> None:
        self.folder = folder
        self.database_url = database_url or f"sqlite:///{folder / 'oicvet.db'}"
        for name in ("mail", "outbox", "logs"):
            (folder / name).mkdir(exist_ok=True)
        self.secret_key = secrets.token_urlsafe(48)

    def environment(self, public_url: str = "http://127.0.0.1:5000", **extra: str) -> dict[str, str]:
        # The site's settings come from here alone, whatever the shell that started the bench has set.
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("OICVET_", "FLASK_", "PAGE_CACHE"))}
        for key in ("PROXY_COUNT", "REDIS_URL", "DATABASE_URL", "PUBLIC_URL", "ALLOWED_HOSTS"):
            env.pop(key, None)
        env.update(
            OICVET_CONFIG="production",
            SECRET_KEY=self.secret_key,
            PUBLIC_URL=public_url,
            DATABASE_URL=self.database_url,
            # Never the checkout's own mail folder or outbox: a bench server would send what waits there.
            MAIL_FOLDER=str(self.folder / "mail"),
            MAIL_OUTBOX=str(self.folder / "outbox"),
            # Its own content version, so that no other process of the checkout empties its page caches.
            PAGE_CACHE_VERSION_FILE=str(self.folder / "content-version"),
        )
        env.update(extra)
        return env

    def flask(self, *args: str, timeout: float = 1800) -> str:
        """Run ``flask --app wsgi ARGS`` against this site; its output, or a HarnessError."""
        command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
        try:
            done = subprocess.run(command, cwd=ROOT, env=self.environment(), capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"flask {' '.join(args)} took more than {timeout:.0f} s") from None
        if done.returncode != 0:
            raise HarnessError(f"flask {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}")
        return done.stdout

    def load(self, partners: int, events: int, institutions: int = 0, opportunities: int = 0,
             experts: int = 0) -> None:
        self.flask("setup")
        # The counts are always given: the command's own defaults would add TROP data or experts to a run
        # that asked none.
        self.flask("demo-data", "--partners", str(partners), "--events", str(events),
                   "--institutions", str(institutions), "--opportunities", str(opportunities),
                   "--experts", str(experts))


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HarnessError(f"{what} stopped at start-up:\n{_tail(log)}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise HarnessError(f"{what} did not listen on {port} within {seconds:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Gunicorn:
    process: subprocess.Popen
    base: str
    log: Path  # gunicorn's lines and the site's own

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def worker_pids(self) -> list[int]:
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                lines = status.read_text().splitlines()
            except OSError:  # a process that just ended
                continue
            parent = next((line.split()[1] for line in lines if line.startswith("PPid:")), "0")
            if int(parent) == self.process.pid:
                pids.append(int(status.parent.name))
        return sorted(pids)


@contextmanager
def gunicorn(site: Site, app: str = "wsgi:app", name: str = "site", public_url: str | None = None,
             workers: int = WORKERS, **env: str) -> Iterator[Gunicorn]:
    """``app`` under gunicorn with the shipped gunicorn.conf.py, ``workers`` sync workers on a free port.

    One difference from production: no worker is replaced after its share of requests
    (``max_requests``), so that a run measures serving, never a worker's start-up, and the
    memory part follows the same workers throughout.
    """
    port = free_port()
    log = site.folder / "logs" / f"gunicorn-{name}.log"
    environment = site.environment(public_url=public_url or f"http://127.0.0.1:{port}", **env)
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--max-requests", "0", "--error-logfile", str(log), app]
    # The site's own log lines (one per request, and errors with their request id) go to stderr,
    # as in production: into the same file as gunicorn's.
    with log.open("a") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log, f"gunicorn ({name})")
        server = Gunicorn(process, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + 30
        while len(server.worker_pids()) < workers:  # the port opens before the workers are forked
            if time.monotonic() > deadline:
                raise HarnessError(f"gunicorn ({name}) did not start its workers:\n{_tail(log)}")
            time.sleep(0.05)
        yield server
    finally:
        _stop(process)


def certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for NGINX_HOST."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    if not cert.exists():
        done = subprocess.run(
            [tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", f"/CN={NGINX_HOST}", "-keyout", str(key), "-out", str(cert)],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise HarnessError(f"openssl could not make a certificate:\n{done.stderr}")
    return cert, key


#: The shipped file's app processes, replaced by the harness's.
UPSTREAM_LINES = (
    "    server 127.0.0.1:8001;  # EDIT: one line per app process or machine\n"
    "    server 127.0.0.1:8002;\n"
)
#: The shipped file's access log, replaced by a file of the harness's folder (or none).
ACCESS_LOG_LINE = "access_log /var/log/nginx/oicvet.access.log oicvet;"


def site_config(app_ports: int | Sequence[int], https_port: int, http_port: int, cert: Path, key: Path,
                static: Path, access_log: Path | None = None, host: str = NGINX_HOST) -> str:
    """The shipped nginx site with its EDIT lines and ports set on loopback.

    ``app_ports``: the gunicorn processes nginx passes requests to, in turn. ``access_log``: where
    nginx writes its line per request (None: nowhere). The bench and the tests run it so: the file
    as shipped, but for these lines.
    """
    ports = [app_ports] if isinstance(app_ports, int) else list(app_ports)
    if not ports:
        raise HarnessError("nginx needs at least one app process")
    text = SITE_CONF.read_text()
    replacements = {
        UPSTREAM_LINES: "".join(f"    server 127.0.0.1:{port};\n" for port in ports),
        ACCESS_LOG_LINE: f"access_log {access_log} oicvet;" if access_log else "access_log off;",
        "server_name oicvet.example.org;": f"server_name {host};",
        "/etc/ssl/certs/oicvet.pem": str(cert),
        "/etc/ssl/private/oicvet.key": str(key),
        "alias /srv/oicvet/oicvet/static/;": f"alias {static}/;",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{https_port} ssl default_server;",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
    }
    for old, new in replacements.items():
        if old not in text:
            raise HarnessError(f"the shipped nginx configuration no longer has {old!r}")
        text = text.replace(old, new)
    return text


def static_folder(folder: Path) -> Path:
    """The site's static files (linked, not copied), beside which the bench puts its own."""
    static = folder / "static"
    static.mkdir(exist_ok=True)
    for entry in STATIC.iterdir():
        link = static / entry.name
        if not link.exists():
            link.symlink_to(entry)
    return static


@dataclass
class Nginx:
    base: str
    static: Path  # what nginx serves at /static/
    access_log: Path


@contextmanager
def nginx(folder: Path, app_ports: int | Sequence[int], https_port: int) -> Iterator[Nginx]:
    """The shipped site file under a wrapper config like Debian's, over HTTPS, in front of ``app_ports``.

    Its access log is ``nginx/access.log`` in ``folder``, as in production (one line per request).
    """
    front = folder / "nginx"
    front.mkdir(exist_ok=True)
    cert, key = certificate(front)
    http_port = free_port()
    static = static_folder(front)
    access_log = front / "access.log"
    (front / "site.conf").write_text(
        site_config(app_ports, https_port, http_port, cert, key, static, access_log)
    )
    # Close to Debian's nginx.conf: one worker per core, sendfile, its MIME types for
    # what the site serves. Workers run as this user (as root, nginx would choose nobody,
    # who cannot read this folder).
    (front / "nginx.conf").write_text(
        f"daemon off;\nuser {pwd.getpwuid(os.getuid()).pw_name};\nworker_processes auto;\n"
        f"pid {front}/nginx.pid;\nerror_log {front}/error.log;\n"
        "events { worker_connections 768; }\n"
        "http {\n access_log off;\n sendfile on;\n tcp_nopush on;\n"
        f" client_body_temp_path {front}/body;\n proxy_temp_path {front}/proxy;\n"
        f" fastcgi_temp_path {front}/fastcgi;\n uwsgi_temp_path {front}/uwsgi;\n scgi_temp_path {front}/scgi;\n"
        " types { text/html html; text/css css; text/javascript js; image/svg+xml svg; }\n"
        " default_type application/octet-stream;\n"
        f" include {front}/site.conf;\n}}\n"
    )
    log = front / "nginx.log"
    with log.open("w") as output:
        process = subprocess.Popen([tool("nginx"), "-p", str(front), "-c", str(front / "nginx.conf")],
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(https_port, process, log, "nginx")
        yield Nginx(f"https://{NGINX_HOST}:{https_port}", static, access_log)
    finally:
        _stop(process)
