"""One log line per request, with a request id that errors and the error page share.

The line has the method, the path, the status, the duration and the request id,
and nothing a visitor sent beyond them: no query string (searches are the
visitor's own; a ``next`` can carry anything), no header, no cookie, no form
field. Path parts that are secrets (a view argument named ``token`` or ending in
``_token``: password reset, e-mail confirmation, login links) are replaced by
``[redacted]``. ``LOG_FORMAT=json`` writes JSON lines; the default is text.

The id comes from nginx's ``X-Request-ID`` when the site trusts its proxy
(``PROXY_COUNT`` > 0) and the value looks like one; otherwise it is made here.
It is sent back in the ``X-Request-ID`` header and shown on error pages, so a
visitor's report leads to the log line and its traceback.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request

REQUEST_ID = "oicvet.request_id"
LOG_PATH = "oicvet.log_path"
REDACTED = "[redacted]"
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Loggers whose lines take this format: the site's own, and the request lines.
SITE_LOGGER = "oicvet"
requests_log = logging.getLogger("oicvet.requests")


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    if has_request_context():
        return request.environ.get(REQUEST_ID)
    return None


def is_secret_argument(name: str) -> bool:
    return name == "token" or name.endswith("_token")


def _note_secret_path() -> None:
    """Set the path to log when the URL carries a secret (done once the URL is matched)."""
    secrets_in_path = [str(value) for name, value in (request.view_args or {}).items()
                       if is_secret_argument(name) and value]
    if secrets_in_path:
        path = request.path
        for secret in secrets_in_path:
            path = path.replace(secret, REDACTED)
        request.environ[LOG_PATH] = path


class RequestLog:
    """WSGI middleware, outermost: times the whole answer, the page cache's included."""

    def __init__(self, wsgi_app: Callable, trust_given_id: bool) -> None:
        self.wsgi_app = wsgi_app
        self.trust_given_id = trust_given_id

    def _id(self, environ: dict[str, Any]) -> str:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        if self.trust_given_id and _GIVEN_ID.fullmatch(given):
            return given
        return uuid.uuid4().hex

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        environ[REQUEST_ID] = ident = self._id(environ)
        seen: dict[str, int] = {}

        def respond(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            seen["status"] = int(status.split(" ", 1)[0])
            headers = [h for h in headers if h[0].lower() != "x-request-id"] + [("X-Request-ID", ident)]
            return start_response(status, headers, exc_info)

        try:
            result = self.wsgi_app(environ, respond)
        except BaseException:
            self._log(environ, 500, started)
            raise
        return _Logged(result, lambda: self._log(environ, seen.get("status", 500), started))

    @staticmethod
    def _log(environ: dict[str, Any], status: int, started: float) -> None:
        duration = (time.perf_counter() - started) * 1000
        path = environ.get(LOG_PATH) or (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        # A path is the visitor's to choose: "%0a" in it must not start a forged line of the log.
        path = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", path)
        requests_log.info(
            "%s %s %s %.1fms", environ.get("REQUEST_METHOD", "-"), path, status, duration,
            extra={"request_id": environ.get(REQUEST_ID), "method": environ.get("REQUEST_METHOD"),
                   "path": path, "status": status, "duration_ms": round(duration, 1)},
        )


class _Logged:
    """The answer's body, which logs the request once it has been sent (or closed, if not read to the end)."""

    def __init__(self, result: Iterable[bytes], done: Callable[[], None]) -> None:
        self.result = result
        self.done = done
        self.logged = False

    def _log_once(self) -> None:
        if not self.logged:
            self.logged = True
            self.done()

    def __iter__(self) -> Iterator[bytes]:
        yield from self.result
        self._log_once()

    def close(self) -> None:
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self._log_once()


class RequestIdFilter(logging.Filter):
    """Adds the request id to every record made while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in self.FIELDS if getattr(record, name, None) is not None})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (gunicorn and systemd collect it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def make_handler(log_format: str) -> logging.Handler:
    handler = _CurrentStderr()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    handler.oicvet_format = log_format  # type: ignore[attr-defined]
    return handler


class _NoDevServerRequestLines(logging.Filter):
    """The development server's own request lines write whole URLs, tokens included; ours replace them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not re.search(r' - - \[[^\]]*\] "', record.getMessage())


def configure_logging(log_format: str, level: str) -> None:
    """One handler on the site's logger per process, whatever number of apps it builds."""
    from flask.logging import default_handler

    logger = logging.getLogger(SITE_LOGGER)
    for old in [h for h in logger.handlers if hasattr(h, "oicvet_format") or h is default_handler]:
        logger.removeHandler(old)
    logger.addHandler(make_handler(log_format))
    logger.setLevel(level)
    # The records stop here: a root handler (gunicorn's, a test runner's) would print them twice.
    logger.propagate = False
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, _NoDevServerRequestLines) for f in werkzeug.filters):
        werkzeug.addFilter(_NoDevServerRequestLines())


def init_app(app: Flask) -> None:
    log_format = app.config.get("LOG_FORMAT", "text")
    if log_format not in ("text", "json"):
        raise RuntimeError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    if app.config.get("LOG_HANDLER", True):
        configure_logging(log_format, app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(_note_secret_path)
    app.wsgi_app = RequestLog(app.wsgi_app, trust_given_id=app.config.get("PROXY_COUNT", 0) > 0)  # type: ignore[method-assign]
