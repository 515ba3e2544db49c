"""The quality gates that need no browser: valid HTML, structure, descriptions, weight, sitemap.

Each gate is a function that returns a list of problems, one readable line
each, naming the page. The tests on the real site assert that the list is
empty; the tests on a broken page assert that it names what is wrong.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.crawler import LANGUAGES, Page, Site

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: HTML, CSS and JavaScript of one page together, uncompressed (100 KB, counted as 100,000 bytes).
WEIGHT_LIMIT = 100_000
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


# Valid HTML ---------------------------------------------------------------------------------------

def html_problems(pages: Sequence[Page], stylesheets: Sequence[Page] = ()) -> list[str]:
    """Errors of the Nu Html Checker, in one run of Java over every page (and stylesheet)."""
    java = shutil.which("java")
    if java is None:
        return ["java is missing: install a Java runtime (scripts/test does) to run the Nu Html Checker"]
    if not VNU_JAR.is_file():
        return [f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci` (scripts/test does)"]
    with tempfile.TemporaryDirectory() as folder:
        names: dict[str, str] = {}
        for number, item in enumerate([*pages, *stylesheets]):
            suffix = ".html" if item.is_html else ".css"
            path = Path(folder) / f"{number:05d}{suffix}"
            path.write_bytes(item.body)
            names[path.name] = item.url
        command = [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        if stylesheets:
            command.append("--also-check-css")
        result = subprocess.run([*command, folder], capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        return [f"the Nu Html Checker failed: {result.stderr.strip() or result.stdout.strip()}"]
    problems = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = names.get(Path(urlsplit(message.get("url", "")).path).name, message.get("url", "?"))
        line = message.get("lastLine", "?")
        problems.append(f"{url} line {line}: {message.get('message', '').strip()}")
    return problems


# Structure and descriptions: title, heading, meta description ------------------------------------

def structure_problems(page: Page) -> list[str]:
    """One non-empty <title> and exactly one <h1>."""
    parsed = page.parsed
    problems = []
    if parsed.title_count != 1 or not parsed.title.strip():
        problems.append(f"{page.url}: needs exactly one non-empty <title> (found {parsed.title_count})")
    if parsed.h1_count != 1:
        problems.append(f"{page.url}: needs exactly one <h1> (found {parsed.h1_count})")
    return problems


def _in_language(url: str, lang: str, languages: tuple[str, ...] = LANGUAGES) -> str | None:
    parts = url.split("/", 2)  # "", "en", "rest"
    if len(parts) < 3 or parts[1] not in languages:
        return None
    return f"/{lang}/{parts[2]}"


def description_problems(site: Site) -> list[str]:
    """Every page has a meta description, in its own language: not the same as another language's."""
    problems = []
    for page in site.pages:
        description = (page.parsed.description or "").strip()
        if not description:
            problems.append(f"{page.url}: has no meta description")
            continue
        for other in site.languages:
            if page.lang is None or other <= page.lang:
                continue  # compare each pair of languages once
            twin = site.find(_in_language(page.url, other, site.languages) or "")
            if twin and (twin.parsed.description or "").strip() == description:
                problems.append(f"{page.url} and {twin.url}: the same meta description: {description[:80]!r}")
    return problems


# A clean page: what the served HTML shows --------------------------------------------------------

def markup_problems(page: Page) -> list[str]:
    """No inline script, event-handler attribute or inline style, and no asset from another host.

    The Content-Security-Policy would block each of them; they are caught here
    in the HTML as well as in the browser, which reports what it blocked.
    """
    parsed = page.parsed
    problems = []
    if parsed.inline_scripts:
        problems.append(f"{page.url}: {parsed.inline_scripts} inline <script> element(s)")
    if parsed.event_handlers:
        problems.append(f"{page.url}: event-handler attributes {', '.join(parsed.event_handlers[:5])}")
    if parsed.style_elements or parsed.style_attributes:
        problems.append(f"{page.url}: inline styles ({parsed.style_elements} <style>, "
                        f"{parsed.style_attributes} style attributes)")
    for href in page.foreign_assets():
        problems.append(f"{page.url}: an asset from another host: {href}")
    return problems


# Weight -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Weight:
    """A page's HTML, CSS and JavaScript in bytes, uncompressed."""

    url: str
    html: int
    css: int
    js: int

    @property
    def total(self) -> int:
        return self.html + self.css + self.js


def page_weight(page: Page, site: Site) -> Weight:
    """What a first visit to ``page`` downloads in HTML, CSS and JavaScript."""
    css = js = 0
    parsed = page.parsed
    for href in parsed.stylesheets:
        url = page.resolve(href)
        css += len(site.assets[url].body) if url in site.assets else 0
    for href in parsed.scripts:
        url = page.resolve(href)
        js += len(site.assets[url].body) if url in site.assets else 0
    return Weight(page.url, len(page.body), css, js)


def weight_problems(site: Site, limit: int = WEIGHT_LIMIT) -> list[str]:
    return [
        f"{w.url}: {w.total:,} bytes of HTML, CSS and JavaScript (HTML {w.html:,}, CSS {w.css:,}, "
        f"JS {w.js:,}); the limit is {limit:,}"
        for w in (page_weight(page, site) for page in site.pages)
        if w.total >= limit
    ]


# Sitemap and robots.txt ---------------------------------------------------------------------------

def read_sitemap(xml: bytes) -> dict[str, dict[str, str]]:
    """{page URL: {hreflang: alternate URL}} from a sitemap with xhtml:link alternates."""
    root = ET.fromstring(xml)
    entries = {}
    for url in root.findall("sm:url", SITEMAP_NS):
        loc = url.findtext("sm:loc", default="", namespaces=SITEMAP_NS).strip()
        entries[loc] = {
            link.get("hreflang", ""): link.get("href", "")
            for link in url.findall("xhtml:link", SITEMAP_NS)
            if link.get("rel") == "alternate"
        }
    return entries


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(scheme="", netloc="").geturl()


def sitemap_problems(site: Site, client: FlaskClient) -> list[str]:
    """The sitemap lists every crawled page, with its alternates; each URL it lists answers 200."""
    response = client.get("/sitemap.xml")
    if response.status_code != 200:
        return [f"/sitemap.xml answers {response.status_code}"]
    try:
        entries = read_sitemap(response.data)
    except ET.ParseError as error:
        return [f"/sitemap.xml is not well-formed XML: {error}"]
    listed = {_local(loc) for loc in entries}
    problems = []
    # Query strings only filter a page (see tests/crawler.py): the sitemap lists the page itself.
    # A page that asks search engines not to index it (an expert's, about a person) is left out.
    for path in sorted({page.path for page in site.pages if page.lang and "noindex" not in page.parsed.robots}):
        if path not in listed:
            problems.append(f"{path} is a public page but not in the sitemap (a view with arguments "
                            "lists its pages through oicvet.seo.add_provider)")
    for loc, alternates in entries.items():
        path = _local(loc)
        if not urlsplit(loc).scheme:
            problems.append(f"{loc}: sitemap URLs must be absolute")
        wanted = {lang: _in_language(path, lang, site.languages) for lang in site.languages}
        for lang, expected in wanted.items():
            if expected is None or _local(alternates.get(lang, "")) != expected:
                problems.append(f"{loc}: no hreflang={lang} alternate pointing to {expected}")
        if "x-default" not in alternates:
            problems.append(f"{loc}: no hreflang=x-default alternate")
        status = client.get(path).status_code
        if status != 200:
            problems.append(f"{loc} is in the sitemap but answers {status} (a page behind a login "
                            "or a redirect does not belong there)")
    return problems


def robots_problems(client: FlaskClient) -> list[str]:
    response = client.get("/robots.txt")
    if response.status_code != 200 or response.mimetype != "text/plain":
        return [f"/robots.txt answers {response.status_code} {response.mimetype}"]
    lines = [line.strip() for line in response.get_data(as_text=True).splitlines()]
    sitemaps = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("sitemap:")]
    if not sitemaps:
        return ["/robots.txt does not point to the sitemap"]
    if not all(urlsplit(url).scheme and urlsplit(url).path == "/sitemap.xml" for url in sitemaps):
        return [f"/robots.txt points to {sitemaps}, not to the absolute URL of /sitemap.xml"]
    return []


# No English word of the interface on a page in another language ------------------------------

#: Every catalog of the core and the plugins.
CATALOGS = sorted(ROOT.glob("translations/*/LC_MESSAGES/*.po")) + sorted(
    ROOT.glob("plugins/*/translations/*/LC_MESSAGES/*.po"))

#: Words that are the same in every language of the site: names of organisations, programmes and
#: formats. (Language names are in the switcher, each marked with its own lang, and skipped so.)
SHARED_WORDS = frozenset({
    "oic", "vet", "sesric", "comcec", "trop", "icesco", "iccia", "icyf", "ismek", "isip", "oshnet", "sdye",
    "cab", "ssi", "pes", "teps", "egovwg", "egovshare", "ibnsina", "pdf", "jpeg", "png", "webp", "ics",
    "atom", "rss", "url", "www", "http", "https", "org", "com", "int", "mac", "html", "icalendar",
})
# Whole words of letters, then only those in plain ASCII: "Åland" or "Côte" are no English words.
_WORD = re.compile(r"[^\W\d_][^\W\d_’']+")
# <title> is left to the h1, which says the same and can be marked as English where it is content.
_SKIPPED_ELEMENTS = {"script", "style", "template", "code", "pre", "kbd", "samp", "title"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _ShownText(HTMLParser):
    """The text a reader of ``lang`` sees (and hears: labels and alternatives), without what the page
    marks as being in another language (an English fallback, the language switcher's names)."""

    ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.chunks: list[str] = []

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # Marked as another language (an English fallback, a language's own name), or as text people
        # typed in a language the site does not know (dir="auto": names, descriptions, reasons).
        other = (values.get("lang") not in (None, "", self.lang) and tag != "html") or values.get("dir") == "auto"
        skip = self._skipping() or other or tag in _SKIPPED_ELEMENTS
        if not skip:
            self.chunks += [values[name] or "" for name in self.ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.chunks.append(values["value"] or "")
        if tag not in _VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.chunks.append(data)


def shown_words(page: Page) -> set[str]:
    parser = _ShownText(page.lang or "")
    parser.feed(page.html)
    parser.close()
    return _ascii_words(" ".join(parser.chunks))


_ADDRESS = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+")


def _ascii_words(text: str) -> set[str]:
    text = _ADDRESS.sub(" ", text)  # web and e-mail addresses are no words of any language
    return {word.lower().replace("’", "'") for word in _WORD.findall(text) if word.isascii()}


def _catalog_words(texts: Sequence[str]) -> set[str]:
    # Placeholders and markup are no words of the text.
    plain = re.sub(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{\w+\}", " ", " ".join(texts))
    return _ascii_words(plain)


def interface_vocabulary(catalog_paths: Sequence[Path]) -> tuple[set[str], dict[str, set[str]]]:
    """(the words of the interface's English, {language: the Latin words its own translations use})."""
    from babel.messages.pofile import read_po

    english: set[str] = set()
    own: dict[str, set[str]] = {}
    for path in catalog_paths:
        language = path.parts[-3]
        with path.open("rb") as handle:
            catalog = read_po(handle)
        ids, strings = [], []
        for message in catalog:
            if not message.id:
                continue
            ids += list(message.id) if isinstance(message.id, tuple) else [message.id]
            strings += [s for s in (message.string if isinstance(message.string, tuple) else (message.string,)) if s]
        english |= _catalog_words(ids)
        own.setdefault(language, set()).update(_catalog_words(strings))
    return english, own


def english_word_problems(site: Site, lang: str, english: set[str], own: set[str],
                          content: set[str]) -> list[str]:
    """Words of the interface's English shown on a page in ``lang``, outside what the page marks as
    English. ``own``: Latin words the language's translations use themselves (French shares
    "information" with English); ``content``: words of names and places that visitors and staff
    entered, which are never translated."""
    allowed = own | content | SHARED_WORDS
    problems = []
    for page in site.in_language(lang):
        if not page.is_html:
            continue
        leaked = sorted((shown_words(page) & english) - allowed)
        if leaked:
            problems.append(f"{page.url}: English words of the interface: {', '.join(leaked[:12])}")
    return problems


# Arabic punctuation on Arabic pages ------------------------------------------------------------

_ARABIC_OR_DIGIT = "\u0600-\u06ff\u0660-\u0669\u06f0-\u06f90-9"
# A Latin comma, semicolon or question mark with Arabic text on a side of it, or a comma and a space
# between two numbers ("2009, 2011": a list); "1,600" inside a number is no punctuation.
_LATIN_IN_ARABIC = re.compile(
    rf"[\u0600-\u06ff][ \u00a0]*[,;?]|[,;?][ \u00a0]*[\u0600-\u06ff]|[{_ARABIC_OR_DIGIT}][,;][ \u00a0]+[{_ARABIC_OR_DIGIT}]"
)


def arabic_punctuation_problems(site: Site) -> list[str]:
    """No Latin , ; ? in the Arabic text of Arabic pages (the Arabic ، ؛ ؟ instead), wherever the
    text comes from: a catalog, a template, or a list joined in the code."""
    problems = []
    for page in site.in_language("ar"):
        if not page.is_html:
            continue
        parser = _ShownText("ar")
        parser.feed(page.html)
        parser.close()
        found = sorted({match.group(0) for chunk in parser.chunks for match in _LATIN_IN_ARABIC.finditer(chunk)})
        if found:
            problems.append(f"{page.url}: Latin punctuation in Arabic text: {' | '.join(found[:6])}")
    return problems
