"""Choice lists that forms of several features share, built once per language (see ``translated_choices``)."""

from __future__ import annotations

from functools import cache

from babel import Locale

from oicvet.countries import OIC_MEMBER_STATES, all_countries
from oicvet.forms import Choices, translated_choices
from oicvet.i18n import country_name, current_language
from oicvet.plugins.registry import get_registry
from oicvet.search.folding import fold


def member_state_choices() -> Choices:
    """The 57 member states, named and sorted in the page's language (Arabic and French folded)."""
    return translated_choices("member states", _member_states_by_name)


def _member_states_by_name() -> list[tuple[str, str]]:
    named = [(code, country_name(code)) for code in OIC_MEMBER_STATES]
    return sorted(named, key=lambda item: fold(item[1]))


def country_choices() -> Choices:
    """Every country (ISO 3166-1 alpha-2), named and sorted in the page's language (Arabic and French folded)."""
    return translated_choices("countries", _countries_by_name)


def _countries_by_name() -> list[tuple[str, str]]:
    named = [(code, country_name(code)) for code in all_countries()]
    return sorted(named, key=lambda item: fold(item[1]))


def sector_choices() -> Choices:
    """The loaded sector plugins, in menu order, by their titles."""
    return translated_choices("sectors", lambda: [(plugin.key, plugin.title) for plugin in get_registry()])


#: Working languages (ISO 639-1), named by Babel in the page's language: those of the member
#: countries and the usual languages of international training and expert work.
WORKING_LANGUAGES = (
    "ar", "en", "fr", "tr", "fa", "ur", "ms", "id", "bn", "ru", "az", "kk", "ky", "uz", "tg", "tk",
    "sq", "ps", "ha", "so", "sw", "pt", "es", "de",
)


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def language_name(code: str, language: str | None = None) -> str:
    """A working language, named in the page's language (or in ``language``)."""
    name = _locale(language or current_language()).languages.get(code, code)
    return name[:1].upper() + name[1:]


def language_choices() -> Choices:
    """The working languages, named and sorted in the page's language."""
    return translated_choices("working languages", lambda: sorted(
        ((code, language_name(code)) for code in WORKING_LANGUAGES), key=lambda pair: fold(pair[1])))
