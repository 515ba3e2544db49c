"""Error pages: translated, in the site's layout, never a traceback."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, g, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from oicvet.extensions import db
from oicvet.i18n import languages, preferred_language
from oicvet.i18n import lazy_gettext as _l

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check the address or the form and try again.")),
    403: (_l("Forbidden"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Request too large"), _l("What you sent is larger than the site accepts.")),
    429: (_l("Too many requests"), _l("You have sent too many requests in a short time. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred on our side. It has been logged; please try again later.")),
    503: (_l("Service unavailable"), _l("The site is temporarily unavailable. Please try again in a few minutes.")),
}


def _language_for_error() -> None:
    # A 404 from an unknown prefix never set the language: take it from the path.
    if not g.get("lang"):
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in languages() else preferred_language()


def render_error(code: int):
    from oicvet.operations.logs import request_id

    _language_for_error()
    title, message = MESSAGES[code]
    # The id leads from a visitor's report to the log line, and the traceback, of the request.
    return render_template("errors/error.html", code=code, title=title, message=message,
                           request_id=request_id()), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            # Rare codes get the page of their class, with their own status.
            page = 400 if code < 500 else 500
            return render_error(page)[0], code
        body, status = render_error(code)
        # Keep what the error says about itself: Allow on 405, Retry-After on 429.
        headers = [h for h in error.get_headers() if h[0].lower() != "content-type"]
        return body, status, headers

    # Only lost or refused connections mean "down"; other database errors are bugs (500).
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_down(error: Exception):
        # The pool is pre-pinged: once the database is back, the next request works.
        app.logger.error("Database unavailable: %s", error)
        with suppress(Exception):  # the connection is gone; the pool replaces it
            db.session.rollback()
        body, code = render_error(503)
        return body, code, {"Retry-After": "30"}

    # HTTP errors never reach this one: Flask picks the handler of the closest class.
    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.error("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(500)

