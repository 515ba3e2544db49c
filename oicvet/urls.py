"""What the site takes from a request's URL and Host, and how it builds links that leave it.

The Host header is the visitor's to choose, so it is never trusted: requests
for a host that is not allowed get a 400, and every link that leaves the
request (an e-mail, the sitemap, robots.txt, canonical and alternate links)
is built from the one configured ``PUBLIC_URL``.

Numbers in URLs are ASCII digits within the database's integer range, so an
id like ``99999999999999999999`` or ``٣`` is a 404, never a 500.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from flask.globals import request_ctx
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.routing import IntegerConverter, MapAdapter

#: The largest value of a 32-bit signed integer column (PostgreSQL's ``integer``).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits only, no leading zero, 1 to ``MAX_ID``."""

    # Werkzeug's default is \d+, which also matches Arabic-Indic and other digits.
    regex = r"[1-9][0-9]{0,9}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def number_arg(name: str = "page", default: int = 1) -> int:
    """A positive whole number from the query string (a page, a year), or a 404 when it is not one."""
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or not 1 <= int(value) <= MAX_ID:
        abort(404)
    return int(value)


@lru_cache(maxsize=16)
def public_parts(url: str) -> tuple[str, str, str]:
    """``(scheme, host[:port], path)`` of a public URL; ValueError when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"PUBLIC_URL must look like https://www.example.org, not {url!r}")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


def public_origin() -> str:
    """``scheme://host[:port]`` of ``PUBLIC_URL``, to put before a path made by ``url_for``."""
    scheme, netloc, _path = public_parts(current_app.config["PUBLIC_URL"])
    return f"{scheme}://{netloc}"


def public_adapter(app: Flask) -> MapAdapter:
    # Bound once per public URL: the Host of the request never takes part.
    public = app.config["PUBLIC_URL"]
    cached = app.extensions.get("oicvet.public_adapter")
    if cached is None or cached[0] != public:
        scheme, netloc, path = public_parts(public)
        adapter = app.url_map.bind(netloc, script_name=path or "/", url_scheme=scheme)
        cached = (public, adapter)
        app.extensions["oicvet.public_adapter"] = cached
    return cached[1]


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` under ``PUBLIC_URL``, for links that leave the request."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.inject_url_defaults(endpoint, values)  # the page's language, as url_for would add it
    return public_adapter(app).build(endpoint, values, force_external=True)


def allowed_hosts(config: dict[str, Any]) -> list[str]:
    """The public URL's host, and those of ``ALLOWED_HOSTS`` (e.g. ``localhost`` for a health check)."""
    hosts = [urlsplit(config["PUBLIC_URL"]).hostname or ""]
    hosts += [host for host in config.get("ALLOWED_HOSTS", ()) if host]
    return list(dict.fromkeys(hosts))


def init_app(app: Flask) -> None:
    """Refuse unknown hosts (a 400 page), and bound every ``<int:…>`` of the URL map."""
    public_parts(app.config["PUBLIC_URL"])  # a malformed setting stops start-up
    app.config["TRUSTED_HOSTS"] = allowed_hosts(app.config)
    app.url_map.converters["int"] = IdConverter
    app.jinja_env.globals.update(external_url=external_url, public_origin=public_origin)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> Any:
        # A refused Host leaves the request without a URL adapter; the error page's
        # links are then made for the public URL, as every link that leaves is.
        request_ctx.url_adapter = public_adapter(app)
        return app.handle_http_exception(BadRequest())
