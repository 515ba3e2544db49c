"""Finding the site's pages the way an anonymous visitor does: by following links.

Every quality gate reads its pages from here, so a page added later is checked
without anyone listing it. The crawl starts at the home page in each language
the app serves and follows same-origin links (``<a href>``, ``<link
rel=alternate>``) and GET forms submitted as they stand; it never submits a
POST form.

Which URLs are visited:

* every distinct path that a link reaches, always;
* URLs with a query string (an archive filter, a page of the archive, a
  programme's year) only up to ``QUERY_VARIANTS`` per view and language. A
  query string changes which rows a page shows, not which template shows
  them, so a few variants cover what a visitor can reach, while thousands of
  filter combinations would only repeat the same checks.

Stylesheets, scripts, icons and images are fetched once each and kept as
assets, so the gates can weigh them and check that they load.

The staff panel is crawled the same way by a logged-in administrator
(``crawl_panel``): it starts at ``/<lang>/admin/``, follows only links that
stay under it (never the logout, which is a POST form anyway), and visits at
most ``PANEL_PAGES_PER_VIEW`` pages of a view per language, since one event's
or one account's page shows the same template as the next.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from config import get_config

#: The languages the test app serves (its LANGUAGES setting), for tests that
#: are parametrized before any app exists; a crawl reads its app's own setting.
LANGUAGES = get_config("testing").LANGUAGES
#: Every language the code ships a core catalog for, the default ones first: the quality
#: gates crawl the site with all of them enabled, a language enabled on request included.
SHIPPED_LANGUAGES = LANGUAGES + tuple(sorted(
    path.parts[-3] for path in (Path(__file__).resolve().parent.parent / "translations").glob("*/LC_MESSAGES/messages.po")
    if path.parts[-3] not in LANGUAGES
))
#: Query-string variants visited per view and language (see the module's docstring).
QUERY_VARIANTS = 3
#: A site that keeps producing new paths past this has a crawler trap: the crawl fails.
MAX_URLS = 3000
REDIRECTS = (301, 302, 303, 307, 308)
#: The test client's host: links to it are same-origin.
LOCAL_HOSTS = ("", "localhost")
#: Pages of one staff-panel view (one per event, account, message...) visited per language.
PANEL_PAGES_PER_VIEW = 3


class PageParser(HTMLParser):
    """What the gates need from a page's HTML, read in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.get_forms: list[str] = []
        self.post_forms: list[str] = []
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.images: list[str] = []
        self.icons: list[str] = []
        self.inline_scripts = 0
        self.style_elements = 0
        self.event_handlers: list[str] = []
        self.style_attributes = 0
        self.description: str | None = None
        self.title_count = 0
        self.title = ""
        self.h1_count = 0
        self._in_title = False
        #: The page's robots meta ("noindex" keeps it out of the sitemap).
        self.robots = ""
        self._form: tuple[str, str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        for name in a:
            if name.startswith("on"):
                self.event_handlers.append(f"<{tag} {name}>")
        if "style" in a:
            self.style_attributes += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "meta" and a.get("name", "").lower() == "robots":
            self.robots = a.get("content", "").lower()
        elif tag == "link":
            rel = a.get("rel", "").lower().split()
            if "stylesheet" in rel:
                self.stylesheets.append(a.get("href", ""))
            elif "icon" in rel:
                self.icons.append(a.get("href", ""))
            elif "alternate" in rel and a.get("href"):
                self.links.append(a["href"])
        elif tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            elif a.get("type", "").lower() not in ("application/json", "application/ld+json"):
                self.inline_scripts += 1
        elif tag == "style":
            self.style_elements += 1
        elif tag in ("img", "source", "video", "audio", "iframe", "embed") and a.get("src"):
            self.images.append(a["src"])
        elif tag == "meta" and a.get("name", "").lower() == "description":
            self.description = a.get("content", "")
        elif tag == "title":
            self.title_count += 1
            self._in_title = True
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "form":
            self._form = (a.get("method", "get").lower(), a.get("action", ""), [])
        elif self._form and tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "reset", "image", "file"):
                self._form[2].append((a["name"], a.get("value", "")))
        elif self._form and tag == "select" and a.get("name"):
            self._select, self._select_value, self._select_first = a["name"], None, None
        elif self._select and tag == "option":
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif self._form and tag == "textarea" and a.get("name"):
            self._form[2].append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "select" and self._select and self._form:
            chosen = self._select_value if self._select_value is not None else self._select_first
            self._form[2].append((self._select, chosen or ""))
            self._select = None
        elif tag == "form" and self._form:
            method, action, fields = self._form
            if method == "get":
                self.get_forms.append(f"{action}?{urlencode(fields)}" if fields else action)
            else:
                self.post_forms.append(action)
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class Page:
    """One URL as the crawl found it: a path with its query string, never a host."""

    url: str
    status: int
    content_type: str
    body: bytes
    endpoint: str | None = None
    lang: str | None = None
    referrer: str | None = None
    _parsed: PageParser | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def html(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def parsed(self) -> PageParser:
        if self._parsed is None:
            self._parsed = PageParser()
            self._parsed.feed(self.html)
            self._parsed.close()
        return self._parsed

    def resolve(self, href: str) -> str | None:
        """``href`` as a same-origin path and query, or None for another site."""
        parts = urlsplit(urljoin(f"http://localhost{self.url}", href))
        if parts.scheme not in ("http", "https") or parts.netloc not in LOCAL_HOSTS:
            return None
        return parts._replace(scheme="", netloc="", fragment="").geturl()

    def asset_urls(self) -> list[str]:
        """Same-origin stylesheets, scripts, icons and images, in page order."""
        parsed = self.parsed
        hrefs = parsed.stylesheets + parsed.scripts + parsed.icons + parsed.images
        return [url for url in map(self.resolve, hrefs) if url]

    def foreign_assets(self) -> list[str]:
        """Stylesheets, scripts, icons and images from another host."""
        parsed = self.parsed
        hrefs = parsed.stylesheets + parsed.scripts + parsed.icons + parsed.images
        return [href for href in hrefs if self.resolve(href) is None and not href.startswith("data:")]


@dataclass
class Site:
    """The result of a crawl."""

    pages: list[Page]
    assets: dict[str, Page]
    broken: dict[str, tuple[int, str | None]]
    redirects: dict[str, str]
    #: The languages the crawled app serves.
    languages: tuple[str, ...] = LANGUAGES

    def in_language(self, lang: str) -> list[Page]:
        return [page for page in self.pages if page.lang == lang]

    def find(self, url: str) -> Page | None:
        return next((page for page in self.pages if page.url == url), None)

    def first(self, endpoint: str, lang: str, with_query: bool = False) -> Page | None:
        """The first page of a view in a language (by default one without a query string)."""
        for page in self.pages:
            if page.endpoint == endpoint and page.lang == lang and (with_query or "?" not in page.url):
                return page
        return None


def _endpoint(app: Flask, path: str) -> tuple[str | None, str | None]:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(path, method="GET")
    except HTTPException:
        return None, None
    lang = args.get("lang")
    if lang is None:
        first = path.strip("/").split("/", 1)[0]
        lang = first if first in app.config["LANGUAGES"] else None
    return endpoint, lang


def start_paths(app: Flask) -> tuple[str, ...]:
    """The home page in each language the app serves."""
    return tuple(f"/{lang}/" for lang in app.config["LANGUAGES"])


def crawl(app: Flask, starts: tuple[str, ...] | None = None, max_urls: int = MAX_URLS,
          client: FlaskClient | None = None, within: Callable[[str], bool] | None = None,
          per_view: int | None = None) -> Site:
    """Follow every same-origin link from ``starts`` (default: every home page), as an anonymous visitor.

    ``client`` crawls as someone else (a logged-in test client); ``within`` keeps the
    crawl to the paths it accepts (assets are fetched wherever they are); ``per_view``
    caps the distinct URLs visited per view and language.
    """
    starts = starts or start_paths(app)
    client = client or app.test_client()
    pages: list[Page] = []
    assets: dict[str, Page] = {}
    broken: dict[str, tuple[int, str | None]] = {}
    redirects: dict[str, str] = {}
    seen: set[str] = set()
    variants: dict[tuple[str | None, str | None], int] = {}
    per_view_seen: dict[tuple[str | None, str | None], int] = {}
    queue: deque[tuple[str, str | None, bool]] = deque((start, None, False) for start in starts)

    def enqueue(url: str | None, referrer: str, asset: bool = False) -> None:
        if url is None or url in seen:
            return
        if within is not None and not asset and not within(urlsplit(url).path):
            return
        seen.add(url)
        queue.append((url, referrer, asset))

    seen.update(starts)
    while queue:
        if len(pages) + len(assets) + len(redirects) + len(broken) >= max_urls:
            raise RuntimeError(f"the crawl passed {max_urls} URLs: a link keeps making new ones")
        url, referrer, asset = queue.popleft()
        parts = urlsplit(url)
        endpoint, lang = _endpoint(app, parts.path)
        if parts.query and not asset:  # an asset's query string is its version
            key = (endpoint or parts.path, lang)
            if variants.get(key, 0) >= QUERY_VARIANTS:
                continue
            variants[key] = variants.get(key, 0) + 1
        if per_view is not None and not asset:
            key = (endpoint or parts.path, lang)
            if per_view_seen.get(key, 0) >= per_view:
                continue
            per_view_seen[key] = per_view_seen.get(key, 0) + 1
        response = client.get(url)
        if response.status_code in REDIRECTS:
            target = Page(url, response.status_code, "", b"").resolve(response.headers["Location"])
            redirects[url] = target or response.headers["Location"]
            enqueue(target, url)
            continue
        page = Page(url, response.status_code, response.content_type or "", response.get_data(),
                    endpoint, lang, referrer)
        if response.status_code >= 400:
            broken[url] = (response.status_code, referrer)
            continue
        if not page.is_html:
            assets[url] = page
            continue
        pages.append(page)
        for href in page.parsed.links:
            enqueue(page.resolve(href), url)
        for action in page.parsed.get_forms:
            enqueue(page.resolve(action), url)
        for asset_url in page.asset_urls():
            enqueue(asset_url, url, asset=True)
    return Site(pages, assets, broken, redirects, tuple(app.config["LANGUAGES"]))


def panel_paths(app: Flask) -> tuple[str, ...]:
    """The staff panel's home in each language the app serves."""
    return tuple(f"/{lang}/admin/" for lang in app.config["LANGUAGES"])


def in_panel(path: str) -> bool:
    """A path of the staff panel (``/<lang>/admin/...``), never one that logs out."""
    parts = path.split("/", 3)  # "", lang, "admin", rest
    return len(parts) >= 3 and parts[2] == "admin" and "logout" not in path


def crawl_panel(app: Flask, client: FlaskClient, first: tuple[str, ...] = (), max_urls: int = MAX_URLS) -> Site:
    """The staff panel's pages, as the logged-in ``client`` reaches them by links from its home.

    ``first``: panel pages to visit before any other (a record seeded for the gates),
    so that the cap per view cannot leave them out.
    """
    return crawl(app, (*first, *panel_paths(app)), max_urls, client=client, within=in_panel,
                 per_view=PANEL_PAGES_PER_VIEW)


def in_management_panel(path: str) -> bool:
    """A path of TROP's Management Panel (``/<lang>/trop/manage/...``)."""
    parts = path.split("/", 4)  # "", lang, "trop", "manage", rest
    return len(parts) >= 4 and parts[2] == "trop" and parts[3] == "manage"


def crawl_management_panel(app: Flask, client: FlaskClient, max_urls: int = MAX_URLS) -> Site:
    """TROP's Management Panel, as the logged-in member ``client`` reaches it by links from its home."""
    starts = tuple(f"/{lang}/trop/manage/" for lang in app.config["LANGUAGES"])
    return crawl(app, starts, max_urls, client=client, within=in_management_panel, per_view=PANEL_PAGES_PER_VIEW)
