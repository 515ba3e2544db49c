"""Scale-out: two app processes behind nginx, on one PostgreSQL and one Redis, behave as one site.

Two gunicorn masters (one worker each, the shipped gunicorn.conf.py, the production
configuration, started as the benchmark harness starts them) stand behind Debian's
nginx with the shipped site file, both listed in its upstream. They share one
PostgreSQL database of this test's own and one Redis database (``REDIS_DB``),
emptied first, which holds the rate limits and the page caches' content version.

Each proof talks to each process directly, so that which one answered is known,
and through nginx, whose access log names the process that answered each request:
a login rate limit counts the failures sent to both; a logout on one process ends
the session on the other; a disabled account is logged out on both; an edit made
through one process shows at once on a page that the other serves from its cache.

PostgreSQL and Redis are needed whatever database the suite runs on. In CI
(``CI`` set) their absence fails the test; elsewhere it is skipped, with the reason.

Last, the files that set the same stack up on a Debian machine: gunicorn.conf.py,
the systemd units, and deploy/install-debian.sh, run with --dry-run (it changes
nothing; a real run needs a machine of its own).
"""

from __future__ import annotations

import http.client
import os
import re
import runpy
import shutil
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from bench.servers import Site, free_port, gunicorn, nginx
from config import database_url as normalise_url
from oicvet import create_app
from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import hash_password
from oicvet.countries import OIC_MEMBER_STATES
from oicvet.extensions import db
from oicvet.models import FocalPoint, utcnow
from tests.conftest import PASSWORD, csrf_token, fresh_database, sibling_database

#: This test's own Redis database (others: 14 and 15 in the page cache's and the accounts' tests).
REDIS_DB = 12
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
#: The PostgreSQL server beside which this test makes its database when the suite runs on SQLite.
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
HOST = "localhost"  # PUBLIC_URL's host, and the name nginx answers to
#: Failed logins per (address, visitor) before a 429: low, so that the proof is short.
FAILURES_ALLOWED = 3


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: the scale-out test needs it in CI")
    pytest.skip(reason)


def _postgres_url() -> str:
    given = normalise_url(os.environ.get("TEST_DATABASE_URL")) or ""
    base = given if given.startswith("postgresql") else normalise_url(DEFAULT_POSTGRES)
    try:
        return sibling_database(base, "scaleout")
    except Exception as error:  # the server is down, or refuses this user
        _unavailable(f"PostgreSQL does not answer at {base}: {error.__class__.__name__}")
        raise


def _empty_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).flushdb()
    except redis.RedisError as error:
        _unavailable(f"Redis does not answer at {REDIS_URL}: {error.__class__.__name__}")


# A visitor ---------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Visitor:
    """One browser: its cookies, sent to whichever server it asks, by address (direct or through nginx)."""

    cookies: dict[str, str] = field(default_factory=lambda: {"lang": "en"})

    def request(self, base: str, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        scheme, rest = base.split("://", 1)
        port = int(rest.rsplit(":", 1)[1])
        headers = {"Host": HOST, "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if scheme == "https":
                # Over HTTPS, Flask-WTF checks that a form comes from the site's own pages.
                headers["Referer"] = f"https://{HOST}{path}"
        if scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            # Named as nginx knows it (the name goes in the TLS handshake too); "localhost" is loopback.
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(HOST, port, timeout=30,
                                                                                  context=context)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return answer

    def get(self, base: str, path: str) -> Answer:
        return self.request(base, "GET", path)

    def submit(self, base: str, page: str, data: dict[str, str], action: str | None = None) -> Answer:
        """Open ``page`` on ``base``, then post ``data`` with the page's CSRF token to ``action`` on ``base``."""
        opened = self.get(base, page)
        assert opened.status == 200, (page, opened.status)
        return self.request(base, "POST", action or page, {"csrf_token": csrf_token(opened.text), **data})

    def log_in(self, base: str, email: str, password: str = PASSWORD) -> Answer:
        return self.submit(base, "/en/account/login", {"email": email, "password": password})


# The site: two processes, nginx, one PostgreSQL, one Redis ------------------------------------


@dataclass
class Stack:
    one: str  # each app process, directly
    two: str
    front: str  # nginx, in front of both
    ports: tuple[int, int]
    logs: dict[int, Path]  # each process's log (gunicorn's and the site's own lines), by port
    access_log: Path  # nginx's
    database_url: str

    @property
    def processes(self) -> tuple[str, str]:
        return self.one, self.two


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        _unavailable("nginx is missing (scripts/test installs Debian's nginx)")
    url = _postgres_url()
    _empty_redis()
    fresh_database(url)
    folder = tmp_path_factory.mktemp("scale-out")
    site = Site(folder, database_url=url)
    https_port = free_port()
    settings = {
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE": "true",
        "PROXY_COUNT": "1",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "LOGIN_FAILURES_PER_SOURCE": f"{FAILURES_ALLOWED} per hour",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_FAILURES_BEFORE_LINK": "1000 per hour",
        # The accounts below are hashed at the suite's low cost: the same cost here, so no login rehashes.
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": str(8 * 1024),
        "ARGON2_PARALLELISM": "1",
    }
    public_url = f"https://{HOST}:{https_port}"
    with gunicorn(site, name="one", public_url=public_url, workers=1, **settings) as one, \
            gunicorn(site, name="two", public_url=public_url, workers=1, **settings) as two, \
            nginx(folder, [one.port, two.port], https_port) as front:
        yield Stack(one.base, two.base, front.base, (one.port, two.port), {one.port: one.log, two.port: two.log},
                    front.access_log, url)


@pytest.fixture(scope="module")
def staff_app(stack) -> Iterator[Flask]:
    """An app on the same database, for what staff would do outside the site (no Redis: it moves nothing)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=stack.database_url, OICVET_PLUGINS=None)
    yield app
    with app.app_context():
        db.engine.dispose()


def _account(app, *roles: Role) -> str:
    email = f"scale-{uuid.uuid4().hex[:10]}@example.org"
    with app.app_context():
        account = Account(email=email, name="Scale-out Test", password_hash=hash_password(PASSWORD),
                          language="en", email_confirmed_at=utcnow())
        for role in roles:
            account.grant(role)
        db.session.add(account)
        db.session.commit()
    return email


def _logged(log: Path, needle: str) -> list[str]:
    """The lines of ``log`` that hold ``needle``; a line is written just after its answer, so wait a little."""
    deadline = time.monotonic() + 5
    while True:
        found = [line for line in log.read_text(errors="replace").splitlines() if needle in line] \
            if log.exists() else []
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _served_by(stack: Stack, answer: Answer) -> int:
    """The port of the app process that answered a request sent through nginx, from nginx's access log."""
    ident = answer.headers["X-Request-ID"]
    lines = _logged(stack.access_log, f"request_id={ident}")
    assert len(lines) == 1, (ident, lines)
    match = re.search(r"upstream=127\.0\.0\.1:(\d+) ", lines[0])
    assert match, lines[0]
    return int(match.group(1))


def _signed_in(visitor: Visitor, base: str) -> bool:
    answer = visitor.get(base, "/en/account/")
    assert answer.status in (200, 302), answer.status
    if answer.status == 302:
        assert "/en/account/login" in answer.location
    return answer.status == 200


# The proofs ----------------------------------------------------------------------------------


def test_nginx_passes_requests_to_both_processes_and_shares_its_request_id_with_them(stack):
    visitor = Visitor()
    for base in stack.processes:
        assert visitor.get(base, "/readyz").status == 200
    answers = [visitor.get(stack.front, "/en/about/") for _ in range(4)]
    assert {answer.status for answer in answers} == {200}
    served = [_served_by(stack, answer) for answer in answers]
    assert set(served) == set(stack.ports), served  # taken in turn
    # The process that answered wrote the same id in its own line for the request.
    for answer, port in zip(answers, served, strict=True):
        ident = answer.headers["X-Request-ID"]
        [line] = _logged(stack.logs[port], ident)
        assert "GET /en/about/ 200" in line


def test_a_login_rate_limit_counts_failures_sent_to_either_process(stack):
    email = f"guess-{uuid.uuid4().hex[:10]}@example.org"
    visitor = Visitor()
    one, two = stack.processes
    alternate = [one, two] * FAILURES_ALLOWED
    for attempt in range(FAILURES_ALLOWED):
        answer = visitor.log_in(alternate[attempt], email, "not the password")
        assert answer.status == 200, (attempt, answer.status)  # the form again, with "wrong address or password"
    # Counted in each process alone, the next failure would pass: that process has seen fewer.
    assert visitor.log_in(alternate[FAILURES_ALLOWED], email, "not the password").status == 429
    assert visitor.log_in(alternate[FAILURES_ALLOWED + 1], email, "not the password").status == 429
    refused = visitor.log_in(stack.front, email, "not the password")
    assert refused.status == 429
    assert _served_by(stack, refused) in stack.ports


def test_a_logout_on_one_process_ends_the_session_on_the_other(stack, staff_app):
    email = _account(staff_app, Role.PARTNER)
    visitor = Visitor()
    one, two = stack.processes
    assert visitor.log_in(one, email).status == 302
    copied = Visitor(dict(visitor.cookies))  # the session cookie as it was before the logout
    assert _signed_in(visitor, one) and _signed_in(visitor, two)
    assert _signed_in(visitor, stack.front)
    assert visitor.submit(two, "/en/account/", {}, action="/en/account/logout").status == 302
    assert not _signed_in(visitor, one)
    # The same cookie, kept from before the logout, is refused by both processes.
    assert not _signed_in(copied, one)
    assert not _signed_in(copied, two)
    assert not _signed_in(copied, stack.front)


def test_a_disabled_account_is_logged_out_on_both_processes(stack, staff_app):
    email = _account(staff_app, Role.PARTNER)
    visitor = Visitor()
    one, two = stack.processes
    assert visitor.log_in(stack.front, email).status == 302  # through nginx, over HTTPS
    assert _signed_in(visitor, one) and _signed_in(visitor, two)
    with staff_app.app_context():  # staff disable the account in the database
        account = db.session.scalar(db.select(Account).filter_by(email=email))
        account.disabled_at = utcnow()
        db.session.commit()
    assert not _signed_in(Visitor(dict(visitor.cookies)), one)
    assert not _signed_in(Visitor(dict(visitor.cookies)), two)


def _free_countries(app, count: int) -> list[str]:
    with app.app_context():
        taken = set(db.session.scalars(db.select(FocalPoint.country)))
    return [code for code in sorted(OIC_MEMBER_STATES) if code not in taken][:count]


def test_an_edit_through_one_process_shows_at_once_on_a_page_the_other_keeps(stack, staff_app):
    admin = Visitor()
    one, two = stack.processes
    assert admin.log_in(one, _account(staff_app, Role.ADMINISTRATOR)).status == 302
    page = "/en/focal-points/"
    anonymous = Visitor()
    first = anonymous.get(two, page)
    assert first.status == 200 and first.headers["Cache-Control"] == "public, no-cache"
    unseen_country, edited_country = _free_countries(staff_app, 2)
    unseen, edited = (f"Scale-out {word} Institute {uuid.uuid4().hex[:6]}" for word in ("Unseen", "Edited"))

    # A row written past the site (no commit of its moves the content version): the other
    # process keeps answering from its cache, so its page does not show it ...
    with staff_app.app_context():
        db.session.add(FocalPoint(country=unseen_country, institution={"en": unseen}))
        db.session.commit()
    kept = anonymous.get(two, page)
    assert kept.status == 200 and unseen not in kept.text
    assert kept.text == first.text

    # ... until an edit made through the first process, in the staff panel, moves the version in Redis.
    form = admin.get(one, "/en/admin/focal-points/new")
    assert form.status == 200
    fields = {name: "" for name in re.findall(r'name="(institution-[a-z]{2})"', form.text)}
    saved = admin.request(one, "POST", "/en/admin/focal-points/new", {
        **fields, "csrf_token": csrf_token(form.text), "country": edited_country, "institution-en": edited,
        "website": "",
    })
    assert saved.status == 302, saved.text[-2000:]
    shown = anonymous.get(two, page)
    assert shown.status == 200 and edited in shown.text and unseen in shown.text
    for _ in range(2):  # through nginx, from both processes in turn
        answer = anonymous.get(stack.front, page)
        assert answer.status == 200 and edited in answer.text


# The files that set the same stack up on a Debian machine ------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
INSTALL = ROOT / "deploy" / "install-debian.sh"
UNITS = ROOT / "deploy" / "systemd"


def _install(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


def _written(output: str, path: str) -> str:
    """The content a dry run shows for the file at ``path``."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(f"+ write {path} "))
    content = []
    for line in lines[start + 1:]:
        if not line.startswith("      |"):
            break
        content.append(line[len("      | "):])
    return "\n".join(content) + "\n"


@pytest.mark.database_free
def test_the_gunicorn_settings(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] == min(2 * (os.cpu_count() or 1) + 1, 8)
    assert (settings["worker_class"], settings["timeout"], settings["graceful_timeout"]) == ("sync", 30, 20)
    assert settings["max_requests"] == 5000 and settings["max_requests_jitter"] > 0
    assert settings["accesslog"] is None and settings["errorlog"] == "-"
    assert settings["forwarded_allow_ips"] == "127.0.0.1"
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8123")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (settings["workers"], settings["bind"]) == (3, ["127.0.0.1:8123"])


@pytest.mark.database_free
def test_the_bring_up_script_is_valid_bash_and_refuses_a_wrong_address():
    assert subprocess.run(["bash", "-n", str(INSTALL)], capture_output=True).returncode == 0
    refused = _install("--dry-run", "http://oicvet.example.org")
    assert refused.returncode == 1 and "PUBLIC_URL must look like https://" in refused.stderr


@pytest.mark.database_free
def test_a_dry_run_of_the_bring_up_script_shows_every_step_and_changes_nothing(tmp_path):
    prefix = tmp_path / "oicvet"
    before = {path: path.exists() for path in (Path("/etc/oicvet/oicvet.env"), Path("/usr/local/sbin/oicvet-flask"))}
    done = _install("--dry-run", "--prefix", str(prefix), "--ports", "8101,8102", "https://oicvet.example.org/")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "apt-get install -y -q --no-install-recommends nginx postgresql postgresql-client redis-server " \
           "python3-venv openssl" in out
    assert "useradd --system" in out
    assert "rsync -a --delete" in out and f"{ROOT}/ {prefix}/" in out
    assert f"{prefix}/.venv/bin/pip install" in out and f"-r {prefix}/requirements.txt" in out
    assert "runuser -u postgres -- createuser oicvet" in out
    assert "runuser -u postgres -- createdb --owner=oicvet --encoding=UTF8" in out
    assert "+ write /etc/oicvet/oicvet.env (mode 0640, owner root:oicvet)" in out
    assert "+ /usr/local/sbin/oicvet-flask setup" in out
    assert "server 127.0.0.1:8101;" in out and "server 127.0.0.1:8102;" in out
    assert "server_name oicvet.example.org;" in out and f"alias {prefix}/oicvet/static/;" in out
    assert "+ nginx -t" in out
    if Path("/run/systemd/system").is_dir():
        assert "+ systemctl enable oicvet@8101 oicvet@8102 oicvet-backup.timer" in out
        assert "+ systemctl restart oicvet@8101" in out
    else:
        assert "systemd is not running here" in out
        assert "--bind 127.0.0.1:8101 --daemon" in out and "--bind 127.0.0.1:8102 --daemon" in out
        background = _install("--dry-run", "--no-systemd", "--prefix", str(prefix), "https://oicvet.example.org")
        assert background.returncode == 0, background.stderr
        assert "+ runuser -u oicvet -- sh -c" in background.stdout  # started, not only printed
        assert "systemd is not running here" not in background.stdout
    assert not prefix.exists()
    assert before == {path: path.exists() for path in before}


@pytest.mark.database_free
def test_the_settings_file_reads_the_same_in_a_shell_as_in_systemd(tmp_path):
    out = _install("--dry-run", "https://oicvet.example.org").stdout
    settings = tmp_path / "oicvet.env"
    settings.write_text(_written(out, "/etc/oicvet/oicvet.env"))
    for line in settings.read_text().splitlines():
        # systemd's EnvironmentFile: KEY=value, comments on lines of their own.
        assert not line or line.startswith("#") or re.fullmatch(r'[A-Z_0-9]+=("[^"]*"|[^"#\s]*)', line), line
    shell = subprocess.run(["sh", "-c", f'set -a; . "{settings}"; set +a; env'], capture_output=True, text=True,
                           env={"PATH": os.environ["PATH"]}, check=True)
    values = dict(line.split("=", 1) for line in shell.stdout.splitlines() if "=" in line)
    assert values["OICVET_CONFIG"] == "production"
    assert values["PUBLIC_URL"] == "https://oicvet.example.org"
    assert values["PROXY_COUNT"] == "1"
    assert values["DATABASE_URL"] == "postgresql://oicvet@/oicvet?host=/var/run/postgresql"
    assert values["REDIS_URL"].startswith("redis://127.0.0.1:6379/")
    assert values["MAIL_SENDER"] == "OIC-VET <no-reply@oicvet.example.org>"
    assert values["MAIL_SERVER"] == ""


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


@pytest.mark.database_free
def test_the_units_run_what_the_script_and_nginx_expect():
    app = _unit("oicvet@.service")
    assert app["ExecStart"] == ["/srv/oicvet/.venv/bin/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:%i wsgi:app"]
    assert app["User"] == ["oicvet"] and app["WorkingDirectory"] == ["/srv/oicvet"]
    assert app["EnvironmentFile"] == ["/etc/oicvet/oicvet.env"]
    assert app["Restart"] == ["on-failure"]
    for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "ProtectHome=yes",
                      "ReadWritePaths=/srv/oicvet/instance"):
        key, value = hardening.split("=", 1)
        assert app[key] == [value]
    backup = _unit("oicvet-backup.service")
    assert backup["ExecStart"] == [
        "/srv/oicvet/.venv/bin/flask --app wsgi backup create --output /var/backups/oicvet"]
    assert backup["ReadWritePaths"] == ["/var/backups/oicvet"]
    assert _unit("oicvet-backup.timer")["Persistent"] == ["true"]
    # The ports of the shipped nginx site are the script's default instances.
    site = (ROOT / "deploy" / "nginx" / "oicvet.conf").read_text()
    assert re.findall(r"server 127\.0\.0\.1:(\d+);", site) == ["8001", "8002"]
    assert 'PORTS="8001,8002"' in INSTALL.read_text()
