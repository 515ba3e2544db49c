"""Security headers on every response, a hard limit on request bodies (see the design guide), signed sessions."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, abort, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

#: Set in the WSGI environ when a body without a length went past MAX_CONTENT_LENGTH.
TOO_LARGE = "oicvet.body_too_large"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: Added to every response that does not set them itself.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


class BodyLimit:
    """Refuse a body sent without a length (chunked) once it passes ``MAX_CONTENT_LENGTH``.

    Werkzeug only limits such a body by cutting it, so a form would be read
    truncated. Here it is read up to the limit first: past it, the request gets
    the site's 413 page; within it, the view sees it with its length, as usual.
    """

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        # In HTTP/1.1 a body without a length is a chunked one (whose Content-Length, if any, is ignored).
        if limit is not None and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            # Lives as long as the request; in memory up to 256 KiB, then on disk.
            body = tempfile.SpooledTemporaryFile(max_size=256 * 1024)  # noqa: SIM115
            stream = environ["wsgi.input"]
            size = 0
            while size <= limit and (chunk := stream.read(min(65536, limit + 1 - size))):
                body.write(chunk)
                size += len(chunk)
            if size > limit:
                environ[TOO_LARGE] = True
                body.truncate(0)
                size = 0
            body.seek(0)
            environ.update({"wsgi.input": body, "CONTENT_LENGTH": str(size)})
            environ.pop("HTTP_TRANSFER_ENCODING")  # the body is now one of known length
            environ.pop("wsgi.input_terminated", None)
        response = self.wsgi_app(environ, start_response)
        _drain(environ)
        return response


#: The largest body read only to be dropped: above the largest the front server lets through
#: (11 MB, to the staff panel's upload forms; 1 MB elsewhere).
DRAIN_LIMIT = 16 * 1024 * 1024


def _drain(environ: dict[str, Any]) -> None:
    """Read what the view left of a body (an upload answered by a redirect to the login page, say).

    A server that closes the connection with part of the body unread resets it, and
    the front server then answers 502 instead of the site's answer. Only where the
    server ends the stream at the body's end (gunicorn): elsewhere a read would wait.
    """
    if not environ.get("wsgi.input_terminated"):
        return
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length <= 0 or length > DRAIN_LIMIT:
        return
    stream = environ["wsgi.input"]
    while stream.read(65536):
        pass


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per set of keys.

    Flask makes it anew for every request, a tenth of a small page's time; it
    depends only on SECRET_KEY and SECRET_KEY_FALLBACKS, which are compared each time.
    """

    _signer: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._signer is None or self._signer[0] != keys:
            self._signer = (keys, super().get_signing_serializer(app))
        return self._signer[1]


def init_app(app: Flask) -> None:
    app.wsgi_app = BodyLimit(app.wsgi_app, app)  # type: ignore[method-assign]
    app.session_interface = SessionInterface()

    @app.before_request
    def refuse_oversized_body() -> None:
        if request.environ.get(TOO_LARGE):
            abort(413)

    every = SECURITY_HEADERS + (HSTS,) if app.config.get("HSTS") else SECURITY_HEADERS

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        # Those a view set itself are kept. One pass over the response's headers: asking
        # Werkzeug for each missing one raises (and catches) an exception per header.
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        for name, value in every:
            if name.lower() not in present:
                headers.add(name, value)
        return response
