"""Choice lists that forms of several features share, built once per language (see ``translated_choices``)."""

from __future__ import annotations

from oicvet.countries import OIC_MEMBER_STATES
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


def sector_choices() -> Choices:
    """The loaded sector plugins, in menu order, by their titles."""
    return translated_choices("sectors", lambda: [(plugin.key, plugin.title) for plugin in get_registry()])
