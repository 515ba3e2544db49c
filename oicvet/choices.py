"""Choice lists that forms of several features share, built once per language (see ``translated_choices``)."""

from __future__ import annotations

from oicvet.countries import OIC_MEMBER_STATES, all_countries
from oicvet.forms import Choices, translated_choices
from oicvet.i18n import country_name
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
