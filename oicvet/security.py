"""Security headers on every response, and a hard limit on request bodies (see the design guide)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, abort, request

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
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = BodyLimit(app.wsgi_app, app)  # type: ignore[method-assign]

    @app.before_request
    def refuse_oversized_body() -> None:
        if request.environ.get(TOO_LARGE):
            abort(413)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
