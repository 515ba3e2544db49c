"""Languages: catalogs, the language in the URL, and formatting in the page's language.

The site serves the languages of the ``LANGUAGES`` setting, English first. At
start-up each is checked (Babel must know it, and a core catalog must exist
for it), and what depends on them is built once: the ``<lang:...>``
converter, the names for the switcher, the merged catalogs.

The core's catalog and each plugin's catalog (its own domain, in its own
folder) are read from their ``.po`` files once at start-up and merged per
language, core first, then the folders of ``TRANSLATION_FOLDERS``. A catalog
that gives a msgid of the core, or of another plugin, a different translation
stops start-up: no plugin can clobber another's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, request, url_for
from flask.globals import _cv_app
from flask_babel import (
    Babel,
    Domain,
    _get_current_context,
    force_locale,
    get_locale,
    get_translations,
    gettext,
)
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from oicvet.countries import NAME_OVERRIDES

DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lang"
#: The core's translation domain; each plugin's is its key.
CORE_DOMAIN = "messages"
#: Formats per language where the language's own Babel locale is not the one
#: wanted: OIC-VET writes British English, so dates read "5 July 2011".
FORMAT_LOCALES = {"en": "en_GB"}
# Two letters: the code is a URL prefix and is stored in two-letter columns.
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")


class LazyText(LazyString):
    """A translation looked up when shown, and escaped like any other text.

    Flask-Babel's lazy strings declare themselves safe HTML; titles and
    descriptions are text, and "&" or a quote in them must not leak as markup.
    """

    def __init__(self, func: Callable[..., str], string: str, **variables) -> None:
        super().__init__(func, string, **variables)
        # Kept so that the seed can ask which catalogs translate it.
        self.msgid = string

    def __str__(self) -> str:
        # As Flask-Babel's gettext, without its lookups of the domain and locale at each call:
        # a page shows hundreds of these (menu, labels, choices).
        text = current_translations().ugettext(self.msgid)
        return text % self._kwargs if self._kwargs else text

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables) -> LazyText:
    """Mark ``string`` for translation, translated in the language of each page."""
    return LazyText(gettext, string, **variables)


class LazyPlural(LazyText):
    """A translation with plural forms, whose form for ``num`` is chosen in the language of each page."""

    def __init__(self, singular: str, plural: str, num: int, **variables) -> None:
        variables.setdefault("num", num)
        super().__init__(gettext, singular, **variables)
        self.plural = plural
        self.num = num

    def __str__(self) -> str:
        return current_translations().ungettext(self.msgid, self.plural, self.num) % self._kwargs


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyPlural:
    """Mark a text with a number for translation: Arabic, for one, has six forms of the noun counted
    ("2 حرفان", "11 حرفًا", "100 حرف"), so a limit set in the code needs a plural entry, even if fixed."""
    return LazyPlural(singular, plural, num, **variables)


class CatalogClash(RuntimeError):
    """Two catalogs translate the same msgid differently."""


class LanguageSettingError(RuntimeError):
    """A language of the ``LANGUAGES`` setting cannot be served."""


@dataclass(frozen=True)
class CatalogSource:
    """One translation domain: its owner (``core`` or a plugin key) and folder."""

    owner: str
    directory: Path
    domain: str


@dataclass(frozen=True)
class SiteLanguages:
    """The served languages, English first, with what pages need of each."""

    codes: tuple[str, ...]
    #: Each language's name in itself, for the switcher.
    names: Mapping[str, str]


@dataclass(frozen=True)
class Catalog:
    """One language's merged catalogs, and the msgids they translate."""

    translations: Translations
    msgids: frozenset[str | tuple[str, ...]]


def _po_path(source: CatalogSource, language: str) -> Path:
    return source.directory / language / "LC_MESSAGES" / f"{source.domain}.po"


def _load_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parts[-3])


def babel_locale(code: str) -> Locale:
    """The Babel locale of a two-letter language code, or a LanguageSettingError."""
    if not _LANGUAGE_CODE.fullmatch(code):
        raise LanguageSettingError(f"{code!r} is not a two-letter language code (ISO 639-1), such as 'fa' or 'ur'")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise LanguageSettingError(f"Babel does not know the language {code!r}; check the code") from None


@lru_cache(maxsize=64)
def _display_name(code: str) -> str:
    name = babel_locale(code).get_display_name(code) or code
    # CLDR writes names as within a sentence ("français"); a menu starts them with a capital.
    return name[:1].upper() + name[1:]


class LanguageNames(Mapping[str, str]):
    """Each served language's name in itself, looked up on first use.

    Naming a language loads its whole CLDR data (some 25 ms a language): done at
    start-up, it would slow every worker's start for a switcher not yet shown.
    """

    def __init__(self, codes: tuple[str, ...]) -> None:
        self._codes = codes

    def __getitem__(self, code: str) -> str:
        if code not in self._codes:
            raise KeyError(code)
        return _display_name(code)

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


def site_languages(setting: str | Iterable[str], sources: list[CatalogSource]) -> SiteLanguages:
    """Check the ``LANGUAGES`` setting against Babel and the catalogs of ``sources``."""
    given = setting.split(",") if isinstance(setting, str) else list(setting)
    codes = tuple(dict.fromkeys(code.strip().lower() for code in given if code.strip()))
    if not codes or codes[0] != DEFAULT_LANGUAGE:
        raise LanguageSettingError(
            f"LANGUAGES (OICVET_LANGUAGES) must begin with {DEFAULT_LANGUAGE!r}, the default language "
            f"and the fallback of every text; it is {','.join(codes) or 'empty'!r}"
        )
    core = [source for source in sources if source.domain == CORE_DOMAIN]
    for code in codes:
        try:
            babel_locale(code)
        except LanguageSettingError as error:
            raise LanguageSettingError(f"LANGUAGES (OICVET_LANGUAGES): {error}") from None
        if code != DEFAULT_LANGUAGE and not any(_po_path(source, code).is_file() for source in core):
            raise LanguageSettingError(
                f"The language {code!r} has no core catalog: create translations/{code}/LC_MESSAGES/"
                f"messages.po (`flask translate update --add {code}`, while LANGUAGES does not list it yet), "
                f"or name a folder that has {code}/LC_MESSAGES/messages.po in TRANSLATION_FOLDERS "
                f"(OICVET_TRANSLATION_FOLDERS)"
            )
    return SiteLanguages(codes, LanguageNames(codes))


def layered_sources(sources: list[CatalogSource], folders: Iterable[str | Path]) -> list[CatalogSource]:
    """``sources``, then each folder's catalogs of the same domains."""
    layered = list(sources)
    for folder in folders:
        directory = Path(folder)
        layered += [
            CatalogSource(f"{source.owner} (in {directory})", directory, source.domain) for source in sources
        ]
    return layered


def build_translations(sources: list[CatalogSource], languages: Iterable[str]) -> dict[str, Catalog]:
    """Merge the catalogs of ``sources`` per language, refusing clashes."""
    merged: dict[str, Catalog] = {}
    for language in languages:
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
                if not message.id or not message.string or message.fuzzy:
                    continue  # a fuzzy entry is never shown, so it cannot clash
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
            merged[language] = Catalog(combined, frozenset(owners))
    return merged


class MergedDomain(Domain):
    """A Flask-Babel domain whose translations were built at start-up."""

    def __init__(self, catalogs: dict[str, Catalog]) -> None:
        super().__init__(domain="messages")
        self._merged = catalogs
        self._english = NullTranslations()

    def get_translations(self):
        context = _babel_context()
        if context is None:
            return self._english
        # Flask-Babel resets this slot whenever the locale changes (force_locale, refresh).
        cached = getattr(context, "babel_translations", None)
        if cached is not None:
            return cached
        locale = get_locale()
        catalog = self._merged.get(locale.language) if locale is not None else None
        translations = catalog.translations if catalog else self._english
        context.babel_translations = translations
        return translations

    def translates(self, language: str, msgid: str) -> bool:
        """Whether ``language``'s catalogs have a translation of ``msgid``."""
        catalog = self._merged.get(language)
        return catalog is not None and msgid in catalog.msgids


def _globals() -> dict[str, Any] | None:
    """The attributes of ``g``, read through the context variable: a page asks for the language
    and its translations some hundred times, and each ``g`` through its proxy costs five times more."""
    context = _cv_app.get(None)
    return None if context is None else context.g.__dict__


def _babel_context():
    """Flask-Babel's per-context state (locale, translations), or None outside an app context."""
    values = _globals()
    state = values.get("_flask_babel") if values is not None else None
    # Not made yet in this context: Flask-Babel makes it (or says there is no context).
    return state if state is not None else _get_current_context()


def current_translations() -> NullTranslations:
    """The translations of the current locale, looked up once per context and locale."""
    context = _babel_context()
    if context is not None:
        cached = getattr(context, "babel_translations", None)
        if cached is not None:
            return cached
    return get_translations()


@pass_eval_context
def _template_gettext(eval_context: EvalContext, string: str, /, **variables: Any) -> str:
    text = current_translations().ugettext(string)
    if eval_context.autoescape:
        text = Markup(text)
    # Always a format string, as Jinja's newstyle gettext has it ("%%" is "%"); most have no "%".
    return text % variables if variables or "%" in text else text


def markup_gettext(string: str, /, **variables: Any) -> Markup:
    """``_()`` as the templates have it, for Python that makes HTML: the translation as markup,
    the variables escaped into it. Import it as ``_`` so that the extraction finds the strings."""
    text = Markup(current_translations().ugettext(string))
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = current_translations().ungettext(singular, plural, num)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


class PortalBabel(Babel):
    """Flask-Babel with the start-up catalogs as its default domain."""

    @property
    def domain_instance(self) -> Domain:
        return current_app.extensions["oicvet.domain"]


class LanguageConverter(BaseConverter):
    """``<lang:lang>`` matches only the served languages; anything else is a 404."""

    regex = "(?!)"  # matches nothing; each app gets a subclass for its languages

    @classmethod
    def serving(cls, codes: Iterable[str]) -> type[LanguageConverter]:
        pattern = "(?:" + "|".join(re.escape(code) for code in codes) + ")"
        return type(cls.__name__, (cls,), {"regex": pattern})


def languages() -> tuple[str, ...]:
    """The languages the site serves, English first (the ``LANGUAGES`` setting)."""
    return current_app.extensions["oicvet.languages"].codes


def language_names() -> Mapping[str, str]:
    """Each served language's name in itself."""
    return current_app.extensions["oicvet.languages"].names


def preferred_language() -> str:
    """The visitor's language: cookie, then ``Accept-Language``, then English."""
    served = languages()
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in served:
        return cookie
    return request.accept_languages.best_match(served) or DEFAULT_LANGUAGE


def current_language() -> str:
    values = _globals()
    return (values.get("lang") if values is not None else None) or DEFAULT_LANGUAGE


def select_locale() -> str:
    # Only served codes, checked against Babel at start-up, ever reach Babel.
    return g.get("lang") or preferred_language()


def in_every_language(text: LazyText | str) -> dict[str, str]:
    """A lazy string in English and in each served language whose catalogs translate it.

    A language without a translation is left out, so that readers of it get the
    English text marked as English rather than English posing as their language.
    """
    domain: MergedDomain = current_app.extensions["oicvet.domain"]
    msgid = getattr(text, "msgid", None)
    values = {}
    for language in languages():
        if language == DEFAULT_LANGUAGE or (msgid is not None and domain.translates(language, msgid)):
            with force_locale(language):
                values[language] = str(text)
    return values


def init_app(app: Flask, sources: list[CatalogSource]) -> None:
    """Check the served languages, bind Babel with merged catalogs, put the language into every URL."""
    sources = layered_sources(sources, app.config.get("TRANSLATION_FOLDERS") or ())
    site = site_languages(app.config["LANGUAGES"], sources)
    app.config["LANGUAGES"] = site.codes
    app.extensions["oicvet.languages"] = site
    app.extensions["oicvet.domain"] = MergedDomain(build_translations(sources, site.codes))
    PortalBabel().init_app(app, locale_selector=select_locale)
    # The same as Flask-Babel's template callables, with the translations looked up once per page.
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, n: current_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: current_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: current_translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    # `_()` and `ngettext()` are the most frequent calls of every page: one call each instead of
    # Jinja's three (alias, wrapper, callable), with the same "newstyle" behaviour.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    app.url_map.converters["lang"] = LanguageConverter.serving(site.codes)

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
        LANGUAGES=site.codes,
        LANGUAGE_NAMES=site.names,
        language_urls=language_urls,
        text_direction=text_direction,
        country_name=country_name,
        date_range=date_range,
        long_date=long_date,
        number=number,
        current_language=current_language,
        list_separator=list_separator,
    )
    app.jinja_env.filters["join_list"] = join_list


def text_direction() -> str:
    locale = get_locale()
    return locale.text_direction if locale else "ltr"


#: Pages whose paths in each language are kept (each entry is a few short strings).
_LANGUAGE_URLS_KEPT = 4096


def language_urls() -> dict[str, str]:
    """This page in each language, query string kept (``hreflang`` and the switcher)."""
    if request.endpoint is None or request.url_rule is None:
        return {}
    if "lang" not in request.url_rule.arguments:
        return {}
    args = request.view_args or {}
    # Every page asks for these; the paths of a page depend on its endpoint and arguments only.
    cache: dict[tuple, dict[str, str]] = current_app.extensions.setdefault("oicvet.language_urls", {})
    key = (request.endpoint, request.script_root, *sorted(args.items()))
    paths = cache.get(key)
    if paths is None:
        if len(cache) >= _LANGUAGE_URLS_KEPT:
            cache.clear()
        paths = cache[key] = {lang: url_for(request.endpoint, lang=lang, **args) for lang in languages()}
    query = request.query_string.decode("latin-1")
    return {lang: f"{url}?{query}" for lang, url in paths.items()} if query else dict(paths)


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(language, language))


@lru_cache(maxsize=1024)
def _country_name(code: str, language: str) -> str:
    code = code.upper()
    override = NAME_OVERRIDES.get(code, {}).get(language)
    return override or _locale(language).territories.get(code, code)


def country_name(code: str | None, language: str | None = None) -> str:
    """A country's name from its ISO code, in the page's language (CLDR via Babel, or the OIC's own name)."""
    if not code:
        return ""
    return _country_name(code, language or current_language())


#: The spaces inside a date become no-break spaces: "9 novembre 2011" is never split across two lines.
_NO_BREAK = str.maketrans({" ": "\u00a0"})


def _day(moment: date, pattern: str, locale: Locale) -> str:
    return babel_format_date(moment, pattern, locale=locale).translate(_NO_BREAK)


@lru_cache(maxsize=4096)
def _date_range(start: date | None, end: date | None, language: str) -> str:
    locale = _locale(language)
    if not (start or end):
        return ""
    if not (start and end) or start == end:
        return _day(start or end, "long", locale)
    # A range may break at its dash, never inside one of its dates.
    last = _day(end, "long", locale)
    if locale.date_formats["long"].pattern != "d MMMM y":
        # Shortening a range below relies on that order; other locales get both dates whole.
        return f"{_day(start, 'long', locale)} – {last}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{_day(start, 'd', locale)}–{last}"
    if start.year == end.year:
        return f"{_day(start, 'd MMMM', locale)} – {last}"
    return f"{_day(start, 'long', locale)} – {last}"


def date_range(start: date | None, end: date | None, language: str | None = None) -> str:
    """``5–6 July 2011`` in the page's language, with no-break spaces inside each date; empty when neither
    date is known."""
    return _date_range(start, end, language or current_language())


def long_date(moment: date | None, language: str | None = None) -> str:
    """A day in the page's language, kept on one line (no-break spaces): ``5 July 2011``, ``5 juillet 2011``."""
    if moment is None:
        return ""
    day = moment.date() if isinstance(moment, datetime) else moment
    return _date_range(day, None, language or current_language())


@lru_cache(maxsize=4096)
def _number(value: int, language: str) -> str:
    return format_decimal(value, locale=_locale(language))


def number(value: int | None, language: str | None = None) -> str:
    """A whole number in the page's language (``1,234``, ``1 234``, ``١٬٢٣٤``)."""
    if value is None:
        return ""
    return _number(value, language or current_language())


#: The separator of a plain list (years, sectors, languages) where CLDR's will not do: CLDR's Arabic
#: lists join every item with "و" (and); an Arabic enumeration is written with the Arabic comma.
LIST_SEPARATORS = {"ar": "، "}


@lru_cache(maxsize=64)
def _list_separator(language: str) -> str:
    if language in LIST_SEPARATORS:
        return LIST_SEPARATORS[language]
    # CLDR's pattern between two items of a list ("{0}, {1}"; Persian has an Arabic comma and a
    # right-to-left mark), when it is punctuation only.
    pattern = _locale(language).list_patterns["standard"]["middle"]
    separator = pattern.replace("{0}", "").replace("{1}", "")
    return separator if separator.strip() and not any(char.isalpha() for char in separator) else ", "


def list_separator(language: str | None = None) -> str:
    """What separates the items of a list in the page's language: ``", "``, Arabic ``"، "``."""
    return _list_separator(language or current_language())


def join_list(items: Iterable[Any], language: str | None = None) -> str:
    """Items joined as an enumeration in the page's language (``2009, 2011``; ``2009، 2011``), with no
    "and" before the last: Babel's ``format_list`` puts one there, which a list of years does not want.

    As Jinja's ``join``: if an item is markup, the others are escaped and the result is markup.
    """
    items = list(items)
    separator = list_separator(language)
    if any(hasattr(item, "__html__") for item in items):
        return Markup(separator).join(escape(item) for item in items)
    return separator.join(str(item) for item in items)
