"""Languages: catalogs, the language in the URL, and formatting in the page's language.

The core's catalog and each plugin's catalog (its own domain, in its own
folder) are read from their ``.po`` files once at start-up and merged per
language, core first. A plugin catalog that gives a msgid of the core, or of
another plugin, a different translation stops start-up: no plugin can
clobber another's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, request, url_for
from flask_babel import Babel, Domain, get_locale, gettext
from flask_babel.speaklater import LazyString
from markupsafe import escape
from werkzeug.routing import BaseConverter

LANGUAGES = ("en", "ar", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lang"
#: Names of the languages in themselves, for the switcher.
LANGUAGE_NAMES = {"en": "English", "ar": "العربية", "fr": "Français"}


class LazyText(LazyString):
    """A translation looked up when shown, and escaped like any other text.

    Flask-Babel's lazy strings declare themselves safe HTML; titles and
    descriptions are text, and "&" or a quote in them must not leak as markup.
    """

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables) -> LazyText:
    """Mark ``string`` for translation, translated in the language of each page."""
    return LazyText(gettext, string, **variables)


class CatalogClash(RuntimeError):
    """Two catalogs translate the same msgid differently."""


@dataclass(frozen=True)
class CatalogSource:
    """One translation domain: its owner (``core`` or a plugin key) and folder."""

    owner: str
    directory: Path
    domain: str


def _po_path(source: CatalogSource, language: str) -> Path:
    return source.directory / language / "LC_MESSAGES" / f"{source.domain}.po"


def _load_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parts[-3])


def build_translations(sources: list[CatalogSource]) -> dict[str, Translations]:
    """Merge the catalogs of ``sources`` per language, refusing clashes."""
    merged: dict[str, Translations] = {}
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        owners: dict[object, tuple[str, object]] = {}
        combined = None
        first_rule = None
        for source in sources:
            path = _po_path(source, language)
            if not path.is_file():
                continue
            catalog = _load_catalog(path)
            if combined is not None and catalog.plural_forms != first_rule:
                # Merged catalogs share one plural rule: the first one's.
                raise CatalogClash(
                    f"Plugin {source.owner!r}: its {language!r} catalog has the plural rule "
                    f"{catalog.plural_forms!r}, not {first_rule!r}"
                )
            first_rule = first_rule or catalog.plural_forms
            for message in catalog:
                if not message.id or not message.string:
                    continue
                previous = owners.get(message.id)
                if previous and previous[1] != message.string:
                    raise CatalogClash(
                        f"Plugin {source.owner!r} translates {message.id!r} in "
                        f"{language!r} differently from {previous[0]!r}"
                    )
                owners.setdefault(message.id, (source.owner, message.string))
            buffer = BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations = Translations(buffer, domain=source.domain)
            if combined is None:
                combined = translations
            else:
                combined.merge(translations)
        if combined is not None:
            merged[language] = combined
    return merged


class MergedDomain(Domain):
    """A Flask-Babel domain whose translations were built at start-up."""

    def __init__(self, translations: dict[str, Translations]) -> None:
        super().__init__(domain="messages")
        self._merged = translations

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return NullTranslations()
        return self._merged.get(locale.language) or NullTranslations()


class PortalBabel(Babel):
    """Flask-Babel with the start-up catalogs as its default domain."""

    @property
    def domain_instance(self) -> Domain:
        return current_app.extensions["oicvet.domain"]


class LanguageConverter(BaseConverter):
    """``<lang:lang>`` matches only the site's languages; anything else is a 404."""

    regex = "(?:" + "|".join(LANGUAGES) + ")"


def preferred_language() -> str:
    """The visitor's language: cookie, then ``Accept-Language``, then English."""
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    return g.get("lang") or DEFAULT_LANGUAGE


def select_locale() -> str:
    # Only the three known codes ever reach Babel.
    return g.get("lang") or preferred_language()


def init_app(app: Flask, sources: list[CatalogSource]) -> None:
    """Bind Babel with merged catalogs and put the language into every URL."""
    from oicvet.extensions import babel

    app.extensions["oicvet.domain"] = MergedDomain(build_translations(sources))
    babel.init_app(app, locale_selector=select_locale)
    app.url_map.converters["lang"] = LanguageConverter

    @app.url_value_preprocessor
    def pull_language(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def push_language(endpoint, values):
        if "lang" in values or not g.get("lang"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang

    @app.after_request
    def remember_language(response):
        # Remember the language the visitor reads in, for the next visit to "/".
        lang = g.get("lang")
        if lang and request.cookies.get(LANGUAGE_COOKIE) != lang and response.status_code == 200:
            response.set_cookie(
                LANGUAGE_COOKIE,
                lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response

    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        language_urls=language_urls,
        text_direction=text_direction,
        country_name=country_name,
        date_range=date_range,
        long_date=long_date,
        number=number,
        current_language=current_language,
    )


def text_direction() -> str:
    locale = get_locale()
    return locale.text_direction if locale else "ltr"


def language_urls() -> dict[str, str]:
    """This page in each language, query string kept (``hreflang`` and the switcher)."""
    if request.endpoint is None or request.url_rule is None:
        return {}
    if "lang" not in request.url_rule.arguments:
        return {}
    args = dict(request.view_args or {})
    query = request.query_string.decode("latin-1")
    urls = {}
    for lang in LANGUAGES:
        url = url_for(request.endpoint, lang=lang, **args)
        urls[lang] = f"{url}?{query}" if query else url
    return urls


#: Formats per language: OIC-VET writes British English, so dates read "5 July 2011".
FORMAT_LOCALES = {"en": "en_GB", "ar": "ar", "fr": "fr"}


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(language, "en_GB"))


@lru_cache(maxsize=1024)
def _country_name(code: str, language: str) -> str:
    return _locale(language).territories.get(code.upper(), code.upper())


def country_name(code: str | None, language: str | None = None) -> str:
    """A country's name from its ISO code, in the page's language (CLDR via Babel)."""
    if not code:
        return ""
    return _country_name(code, language or current_language())


@lru_cache(maxsize=4096)
def _date_range(start: date | None, end: date | None, language: str) -> str:
    # The three locales all write "d MMMM y", so a range shares its month and year.
    locale = _locale(language)
    if not (start or end):
        return ""
    if not (start and end) or start == end:
        return babel_format_date(start or end, format="long", locale=locale)
    last = babel_format_date(end, format="long", locale=locale)
    if (start.year, start.month) == (end.year, end.month):
        return f"{babel_format_date(start, 'd', locale=locale)}–{last}"
    if start.year == end.year:
        return f"{babel_format_date(start, 'd MMMM', locale=locale)} – {last}"
    return f"{babel_format_date(start, format='long', locale=locale)} – {last}"


def date_range(start: date | None, end: date | None, language: str | None = None) -> str:
    """``5–6 July 2011`` in the page's language; empty when neither date is known."""
    return _date_range(start, end, language or current_language())


def long_date(moment: date | None, language: str | None = None) -> str:
    """A day in the page's language: ``5 July 2011``, ``5 juillet 2011``."""
    if moment is None:
        return ""
    day = moment.date() if isinstance(moment, datetime) else moment
    return _date_range(day, None, language or current_language())


def number(value: int | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(language or current_language()))
