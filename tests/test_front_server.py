"""The shipped nginx configuration in front of gunicorn: security headers, static files, no stale page.

Gunicorn answers an over-long request line or header itself (414, 431), before
the site sees it, so those answers have none of the site's headers; nginx
refuses such requests first, and adds the headers to any answer that lacks
them, never twice to one that has them. nginx serves the site's static files
itself, and keeps no page, so that an edit shows on the next request. Its access
log writes no token and no query string, and shares each request's id with the site.
Runs Debian's nginx on a free port, with a throwaway certificate, in front of
gunicorn (with the shipped gunicorn.conf.py) on another.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.servers import site_config

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "oicvet" / "static"
HOST = "oicvet.example.org"
Headers = http.client.HTTPMessage
HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
           "Strict-Transport-Security")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped at start-up:\n{log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nothing listens on {port}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def front_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("front")


@pytest.fixture(scope="module")
def front_server(front_folder, database_url, mail_folder) -> Iterator[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: install Debian's nginx (scripts/test does)")
    folder = front_folder
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    factory = (
        f"oicvet:create_app('testing', SQLALCHEMY_DATABASE_URI={database_url!r}, "
        f"MAIL_FOLDER={str(mail_folder)!r}, PUBLIC_URL='https://{HOST}', PROXY_COUNT=1)"
    )
    # A request line of 2,000 bytes passes nginx but not this gunicorn: its bare 414 must get the headers too.
    app_log = folder / "gunicorn.log"
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--workers", "1",
         "--bind", f"127.0.0.1:{app_port}", "--limit-request-line", "1500", factory],
        cwd=ROOT, stdout=app_log.open("w"), stderr=subprocess.STDOUT,
    )
    (folder / "site.conf").write_text(
        site_config([app_port], https_port, http_port, certificate, key, STATIC, folder / "access.log", host=HOST)
    )
    # Workers run as this user (as root, nginx would pick nobody), so they can write the access log here.
    (folder / "nginx.conf").write_text(
        f"daemon off;\nuser {pwd.getpwuid(os.getuid()).pw_name};\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {folder}/body;\n proxy_temp_path {folder}/proxy;\n"
        " types { text/html html; text/css css; text/javascript js; image/svg+xml svg; }\n"
        f" include {folder}/site.conf;\n}}\n"
    )
    nginx_log = folder / "nginx.log"
    front = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                             stdout=nginx_log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_for(app_port, app, app_log)
        _wait_for(https_port, front, nginx_log)
        yield f"https://127.0.0.1:{https_port}"
    finally:
        for process in (front, app):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _get(base: str, path: str, host: str = HOST, **headers: str) -> tuple[int, Headers]:
    status, response_headers, _body = _fetch(base, path, host, **headers)
    return status, response_headers


def _fetch(base: str, path: str, host: str = HOST, **headers: str) -> tuple[int, Headers, bytes]:
    """GET over TLS with ``host`` as the server name and Host header, as a browser would send them."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    port = int(base.rsplit(":", 1)[1])
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.headers, response.read()


def _assert_headers_once(headers) -> None:
    for name in HEADERS:
        assert len(headers.get_all(name) or []) == 1, (name, headers.get_all(name))


def test_the_site_s_own_pages_carry_each_header_once(front_server):
    status, headers = _get(front_server, "/en/")
    assert status == 200
    _assert_headers_once(headers)
    assert "script-src 'self'" in headers["Content-Security-Policy"]  # the site's policy, not nginx's


@pytest.mark.parametrize(("path", "extra", "status"), [
    ("/en/?q=" + "x" * 6000, {}, 414),  # refused by nginx itself
    ("/en/?q=" + "x" * 2000, {}, 414),  # passed by nginx, refused by gunicorn before the site
    ("/en/", {"X-Padding": "y" * 6000}, 400),  # a header larger than nginx's buffers
])
def test_answers_the_site_never_saw_carry_the_headers_too(front_server, path, extra, status):
    got, headers = _get(front_server, path, **extra)
    assert got == status
    _assert_headers_once(headers)
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_an_unknown_host_gets_no_answer(front_server):
    with pytest.raises(ssl.SSLError):
        _get(front_server, "/en/", host="evil.example")


# Pages: nginx keeps none, and passes the site's validators on.

ANONYMOUS = {"Cookie": "lang=en"}  # the first visit sets this cookie


def test_an_edit_shows_through_nginx_on_the_next_request(front_server, app):
    from oicvet.extensions import db
    from oicvet.models import FocalPoint

    first_status, _headers, first = _fetch(front_server, "/en/focal-points/", **ANONYMOUS)
    assert first_status == 200 and b"Front Server Test Institute" not in first
    with app.app_context():
        point = FocalPoint(country="GM", institution={"en": "Front Server Test Institute"})
        db.session.add(point)
        db.session.commit()
        try:
            status, _headers, body = _fetch(front_server, "/en/focal-points/", **ANONYMOUS)
        finally:
            db.session.delete(point)
            db.session.commit()
    assert status == 200 and b"Front Server Test Institute" in body


def test_pages_are_revalidated_and_an_unchanged_one_costs_a_304(front_server):
    status, headers = _get(front_server, "/en/about/", **ANONYMOUS)
    assert status == 200
    assert headers["Cache-Control"] == "public, no-cache"
    status, again = _get(front_server, "/en/about/", **{**ANONYMOUS, "If-None-Match": headers["ETag"]})
    assert status == 304
    _assert_headers_once(again)


def test_static_files_are_served_by_nginx_for_a_year(front_server):
    status, headers, body = _fetch(front_server, "/static/css/site.css?v=1")
    assert status == 200
    assert body == (STATIC / "css" / "site.css").read_bytes()
    assert headers["Cache-Control"] == "max-age=31536000"
    _assert_headers_once(headers)


def _post_size(base: str, path: str, size: int) -> int:
    """The status of a POST with a body of ``size`` bytes (never read by anyone who refuses it)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    port = int(base.rsplit(":", 1)[1])
    head = (f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\nCookie: lang=en\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw, \
            context.wrap_socket(raw, server_hostname=HOST) as sock:
        sock.sendall(head.encode())
        with contextlib.suppress(OSError):  # refused before the whole body was sent
            sock.sendall(b"x" * size)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status


def test_only_the_panel_s_upload_forms_take_large_bodies(front_server):
    two_megabytes = 2 * 1024 * 1024
    # nginx refuses a large body anywhere else at once ...
    assert _post_size(front_server, "/en/contact/", two_megabytes) == 413
    # ... and passes it to the two upload forms, where the site answers (a visitor is sent to log in).
    for path in ("/en/admin/events/1/photos", "/en/admin/events/1/documents"):
        assert _post_size(front_server, path, two_megabytes) in (302, 303), path


# The access log, the request id, the health checks.


def _logged(folder: Path, needle: str) -> list[str]:
    """The access log's lines that contain ``needle`` (nginx writes a line once it has answered)."""
    log = folder / "access.log"
    deadline = time.monotonic() + 5
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        found = [line for line in lines if needle in line]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_the_access_log_writes_no_token_and_no_query_string(front_server, front_folder):
    secrets = [f"SeCrEt{n}x" for n in range(5)]
    paths = [
        f"/en/account/reset/{secrets[0]}?next=/{secrets[1]}",
        f"/ar/account/login/{secrets[2]}",
        f"/fr/account/%63onfirm/{secrets[3]}",  # "confirm", encoded: nginx decodes the path it logs
        f"/en/partners/?q={secrets[4]}",
    ]
    for path in paths:
        _get(front_server, path, **ANONYMOUS)
    # A last request of its own: once its line is written, so are those above it (one nginx worker).
    last = f"/en/about/last-{uuid.uuid4().hex}"
    _get(front_server, last, **ANONYMOUS)
    assert _logged(front_folder, f'"GET {last} ')
    log = (front_folder / "access.log").read_text()
    for secret in secrets:
        assert secret not in log
    assert '"GET /en/account/reset/[redacted] ' in log
    assert '"GET /ar/account/login/[redacted] ' in log
    assert '"GET /fr/account/confirm/[redacted] ' in log
    assert '"GET /en/partners/ ' in log


def test_nginx_and_the_site_log_a_request_under_one_id(front_server, front_folder):
    # A visitor's own X-Request-ID is not taken: nginx sends its own, which the site answers with.
    status, headers = _get(front_server, "/en/about/", **{**ANONYMOUS, "X-Request-ID": "chosen-by-the-visitor"})
    assert status == 200
    ident = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", ident), ident
    [line] = _logged(front_folder, f"request_id={ident}")
    assert '"GET /en/about/ HTTP/1.1" 200 ' in line


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_pass_through_and_are_kept_by_no_one(front_server, path):
    status, headers, body = _fetch(front_server, path)
    assert status == 200, body
    assert headers["Cache-Control"] == "no-store"
    _assert_headers_once(headers)
