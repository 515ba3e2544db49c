"""Caching of anonymous pages: HTTP headers for a front proxy, and the site's own page cache.

A page is cacheable when the visitor has no session and the response sets no
cookie: then its HTML is the same for everyone who asks for that URL. Such a
response is marked public, with an ETag, and "no-cache": browsers and proxies
may keep it but ask again before each use, and get a 304 while it holds.

The site keeps such responses too, in each worker's memory (``PageCache``),
and serves them without running the view. They are never stale after an edit:
every commit that changes the database moves a *content version*, and an entry
made under another version is not served. The version is a small file in the
instance folder, which every process of one machine sees at the cost of a
``stat``; with ``REDIS_URL`` it is a Redis key, shared by every machine.
``content_changed()`` moves it by hand, for writes that bypass the ORM.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, Response, current_app, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import parse_cookie
from werkzeug.sansio.utils import host_is_trusted

#: Pages, the sitemap and robots.txt, calendars and feeds; static files carry their own long lifetime.
CACHEABLE_TYPES = {"text/html", "application/xml", "text/plain", "text/calendar", "application/atom+xml"}
#: Larger answers are not kept in memory.
MAX_BODY = 512 * 1024
LANGUAGE_COOKIE = "lang"


def init_app(app: Flask) -> None:
    # Flask runs after_request hooks last-registered first: put this one at the
    # front of the list so that it runs after every other, and sees every cookie
    # they set (the language cookie, Flask-Login's remember cookie).
    app.after_request_funcs.setdefault(None, []).insert(0, cache_anonymous_pages)
    # Even a process that serves no page from the cache (the command line, a worker with
    # PAGE_CACHE off) moves the version, so that the others see its changes; the tests
    # leave it alone unless they test the cache.
    if app.config.get("PAGE_CACHE") or not app.testing:
        app.extensions["oicvet.content_version"] = content_version_for(app)
    if app.config.get("PAGE_CACHE"):
        app.wsgi_app = PageCache(app.wsgi_app, app)  # type: ignore[method-assign]


def cache_anonymous_pages(response: Response) -> Response:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.direct_passthrough or response.mimetype not in CACHEABLE_TYPES:
        return response
    if session or session.modified or "Set-Cookie" in response.headers:
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    # Any cache may keep the page, but must ask again before each use ("no-cache"): an edit
    # shows on the next request, and an unchanged page costs a 304 from the page cache.
    response.headers["Cache-Control"] = "public, no-cache"
    # After login the same URL shows the account's header: never serve the visitor's copy then.
    response.vary.add("Cookie")
    response.add_etag()
    return response.make_conditional(request)


# The content version -------------------------------------------------------------------


class ContentVersion(Protocol):
    def current(self) -> object: ...

    def move(self) -> None: ...


class FileVersion:
    """The version is the identity of a small file that each change replaces (one machine)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def current(self) -> object:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def move(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        partial.write_text(secrets.token_hex(8))
        partial.replace(self.path)  # a new file, so a new inode: no two versions look alike


class RedisVersion:
    """The version is a Redis counter, shared by every machine."""

    KEY = "oicvet:content-version"

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def current(self) -> object:
        return self.client.get(self.KEY)

    def move(self) -> None:
        # A random value, not a counter: a Redis restarted empty would count 1, 2… again, and
        # a page kept under an old 2 would pass for current.
        self.client.set(self.KEY, secrets.token_hex(8))


def content_version_for(app: Flask) -> ContentVersion:
    if app.config.get("REDIS_URL"):
        return RedisVersion(app.config["REDIS_URL"])
    path = app.config.get("PAGE_CACHE_VERSION_FILE") or Path(app.instance_path) / "content-version"
    return FileVersion(Path(path))


def content_changed(app: Flask | None = None) -> None:
    """Tell every worker that pages may have changed (done by itself after each ORM commit)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    version = app.extensions.get("oicvet.content_version")
    if version is not None:
        version.move()


# Any commit that wrote something moves the version: no feature has to remember to.
_CHANGED = "oicvet.content_changed"


@event.listens_for(Session, "after_flush")
def _note_change(db_session: Session, flush_context: Any) -> None:
    db_session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _announce_change(db_session: Session) -> None:
    if not db_session.info.pop(_CHANGED, False) or not current_app:
        return
    version = current_app.extensions.get("oicvet.content_version")
    if version is None:
        return
    try:
        version.move()
    except Exception:
        # The change is committed; what fails here is only the news of it (Redis down, say).
        # Entries expire after PAGE_CACHE_MAX_AGE all the same.
        current_app.logger.exception("Could not tell the page caches that the content changed")


@event.listens_for(Session, "after_soft_rollback")
def _forget_change(db_session: Session, previous_transaction: Any) -> None:
    db_session.info.pop(_CHANGED, None)


# The page cache ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    version: object
    stored: float
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None


class PageCache:
    """WSGI middleware that answers anonymous GETs from memory while the content version holds.

    What is stored is only what the site itself marked public (see
    ``cache_anonymous_pages``); a visitor with a session or remember cookie always
    goes to the site, and so does one whose language cookie the page would set.
    """

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.version = app.extensions["oicvet.content_version"]
        self.private_cookies = {app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME",
                                                                                  "remember_token")}
        self.trusted_hosts = app.config.get("TRUSTED_HOSTS")
        self.languages = set(app.config.get("LANGUAGES") or ())
        self.max_age = float(app.config.get("PAGE_CACHE_MAX_AGE", 300))
        self.size = int(app.config.get("PAGE_CACHE_ENTRIES", 2000))
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.logger = app.logger
        self.warned_at = -3600.0

    def _key(self, environ: dict[str, Any]) -> str | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        host = environ.get("HTTP_HOST", "")
        if not host_is_trusted(host, self.trusted_hosts):
            return None  # the site answers it: a 400
        cookies = parse_cookie(environ.get("HTTP_COOKIE", "")) if environ.get("HTTP_COOKIE") else {}
        if not self.private_cookies.isdisjoint(cookies):
            return None
        path = environ.get("PATH_INFO", "")
        language = path.split("/", 2)[1] if path.count("/") >= 2 else ""
        if language in self.languages and cookies.get(LANGUAGE_COOKIE) != language:
            return None  # the site will remember the language in a cookie: its answer is the visitor's own
        query = environ.get("QUERY_STRING", "")
        return f"{environ.get('wsgi.url_scheme')}://{host}{environ.get('SCRIPT_NAME', '')}{path}?{query}"

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        try:
            version = self.version.current()
        except Exception:
            # Redis is down: no entry can be known to be current, so none is served or kept;
            # every page is made by the site until Redis answers again.
            self._warn_unavailable()
            return self.wsgi_app(environ, start_response)
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
        if entry is not None and entry.version == version and time.monotonic() - entry.stored < self.max_age:
            return self._replay(entry, environ, start_response)
        return self._store(key, version, environ, start_response)

    def _warn_unavailable(self) -> None:
        now = time.monotonic()
        if now - self.warned_at > 60:  # once a minute, not once a request
            self.warned_at = now
            self.logger.warning("The page cache cannot read the content version; pages are made uncached",
                                exc_info=True)

    def _replay(self, entry: Entry, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if entry.etag and entry.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            headers = [(name, value) for name, value in entry.headers
                       if name.lower() not in ("content-length", "content-type")]
            start_response("304 NOT MODIFIED", headers)
            return []
        start_response(entry.status, entry.headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def _store(self, key: str, version: object, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            captured.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        status, headers = captured.get("status", ""), captured.get("headers", [])
        names = {name.lower(): value for name, value in headers}
        keep = (
            environ["REQUEST_METHOD"] == "GET"
            and status.startswith("200")
            and names.get("cache-control", "").startswith("public")
            and "set-cookie" not in names
        )
        if not keep:
            return result
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        if len(body) <= MAX_BODY:
            entry = Entry(version, time.monotonic(), status, list(headers), body, names.get("etag"))
            with self.lock:
                self.entries[key] = entry
                self.entries.move_to_end(key)
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
        return [body]
