"""Health checks and request logs: what nginx, a load balancer and an administrator rely on."""

from __future__ import annotations

import json
import logging
import re
import socket

import pytest

from oicvet.accounts import tokens
from oicvet.accounts.models import Account
from oicvet.extensions import db
from tests.conftest import PASSWORD, csrf_token, log_in

pytestmark = pytest.mark.usefixtures("restore_site_logger")


@pytest.fixture
def restore_site_logger():
    logger = logging.getLogger("oicvet")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Health -----------------------------------------------------------------------------------------

def test_healthz_answers_without_the_database_or_a_session(make_app):
    # The database URL points nowhere: the process still answers.
    app = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none")
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers


def test_readyz_reports_the_database(app):
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "checks": {"database": "ok"}}
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers


def test_readyz_is_503_when_the_database_does_not_answer(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
    assert "127.0.0.1" not in answer.get_data(as_text=True)  # the why goes to the log, not to the prober


def test_readyz_checks_redis_when_configured(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"] == {"database": "ok", "redis": "unavailable"}


def test_health_checks_are_never_kept_by_the_page_cache(make_app, tmp_path):
    app = make_app(PAGE_CACHE=True, PAGE_CACHE_VERSION_FILE=str(tmp_path / "version"))
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    app.config["SQLALCHEMY_DATABASE_URI"] = "unused"  # the engine is bound; break the check instead:
    with app.app_context():
        db.engine.dispose()
    broken = make_app(PAGE_CACHE=True, PAGE_CACHE_VERSION_FILE=str(tmp_path / "version"),
                      SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none")
    assert broken.test_client().get("/readyz").status_code == 503


# Request logs -----------------------------------------------------------------------------------

def logged_app(make_app, log_format: str = "json", **config):
    """An app whose site logger writes to stderr in ``log_format``, as in production."""
    return make_app(LOG_HANDLER=True, LOG_FORMAT=log_format, **config)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_one_json_line_per_request_with_its_id(make_app, capsys):
    app = logged_app(make_app)
    answer = app.test_client().get("/fr/", headers={"Cookie": "lang=fr"})
    answer.get_data()  # a server sends the whole answer; the line is written once it has
    lines = [line for line in json_lines(capsys.readouterr().err) if line["logger"] == "oicvet.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET" and line["path"] == "/fr/" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])


def test_text_lines_by_default(make_app, capsys):
    app = logged_app(make_app, log_format="text")
    answer = app.test_client().get("/en/no-such-page")
    answer.get_data()
    err = capsys.readouterr().err
    assert f"[{answer.headers['X-Request-ID']}] GET /en/no-such-page 404 " in err


def test_a_bad_log_format_stops_start_up(make_app):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        logged_app(make_app, log_format="xml")


def test_no_password_token_query_or_cookie_in_any_line(make_app, make_account, capsys):
    app = logged_app(make_app, WTF_CSRF_ENABLED=True)
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, "a wrong but secret guess")
    log_in(client, account.email, PASSWORD)
    session_cookie = client.get_cookie("session")
    client.get("/en/partners/?q=private-search-words").get_data()
    with app.app_context():
        reset = tokens.make_token(db.session.get(Account, account.id), "reset")
    page = client.get(f"/en/account/reset/{reset}")
    client.post(f"/en/account/reset/{reset}", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                    "password": "an entirely new secret",
                                                    "confirm": "an entirely new secret"}).get_data()
    err = capsys.readouterr().err
    lines = json_lines(err)
    assert any(line.get("path") == "/en/account/reset/[redacted]" for line in lines)
    for secret in (PASSWORD, "a wrong but secret guess", "an entirely new secret", reset,
                   "private-search-words", account.email):
        assert secret not in err
    assert session_cookie is not None and session_cookie.value not in err


def test_an_error_logs_its_traceback_under_the_id_the_visitor_sees(make_app, capsys):
    app = logged_app(make_app)

    @app.get("/en/explode")
    def explode():
        raise ZeroDivisionError("planted for the test")

    answer = app.test_client().get("/en/explode")
    assert answer.status_code == 500
    ident = answer.headers["X-Request-ID"]
    page = answer.get_data(as_text=True)
    assert ident in page and "Traceback" not in page and "planted" not in page
    lines = json_lines(capsys.readouterr().err)
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["request_id"] == ident
    assert "ZeroDivisionError: planted for the test" in error["traceback"]
    request_line = next(line for line in lines if line["logger"] == "oicvet.requests")
    assert request_line["request_id"] == ident and request_line["status"] == 500


def test_the_error_page_shows_the_reference_in_the_page_language(make_app):
    app = make_app()
    answer = app.test_client().get("/ar/no-such-page")
    ident = answer.headers["X-Request-ID"]
    page = answer.get_data(as_text=True)
    assert ident in page
    assert "Reference for this error" not in page  # translated


@pytest.mark.parametrize(("proxies", "given", "kept"), [
    (1, "a1b2c3d4e5f6a7b8", True),
    (0, "a1b2c3d4e5f6a7b8", False),  # no proxy to trust: anyone could choose the id
    (1, "bad\r\nid injected", False),
    (1, "x" * 65, False),
])
def test_the_proxy_request_id_is_taken_only_from_a_trusted_proxy(make_app, proxies, given, kept):
    app = make_app(PROXY_COUNT=proxies)
    environ = {"HTTP_X_REQUEST_ID": given}
    answer = app.test_client().get("/healthz", environ_base=environ)
    assert (answer.headers["X-Request-ID"] == given) is kept


def test_a_path_cannot_forge_a_line_of_the_text_log(make_app, capsys):
    app = logged_app(make_app, log_format="text")
    app.test_client().get("/en/nothing%0a2026-01-01 INFO oicvet.requests [x] GET /forged 200").get_data()
    lines = [line for line in capsys.readouterr().err.splitlines() if "oicvet.requests" in line]
    assert len(lines) == 1
    assert "/en/nothing\\x0a2026-01-01" in lines[0]
