"""The closed lists of the Roster of Experts, and the choices the loaded plugins' rosters make
(built once per language)."""

from __future__ import annotations

from flask import current_app

from oicvet.forms import Choices, translated_choices
from oicvet.i18n import current_language, current_translations
from oicvet.i18n import lazy_gettext as _l
from oicvet.plugins.registry import get_registry

DEGREES = {
    "vocational": _l("Vocational or technical diploma"),
    "bachelor": _l("Bachelor's degree"),
    "master": _l("Master's degree"),
    "doctorate": _l("Doctorate"),
}

#: How well an expert works in a language.
LEVELS = {
    "native": _l("Native language"),
    "fluent": _l("Fluent"),
    "working": _l("Working knowledge"),
    "basic": _l("Basic"),
}

#: The most years of experience a form takes (a career, with room to spare).
MAX_YEARS = 70


def degree_choices() -> Choices:
    return translated_choices("experts: degrees", DEGREES.items)


def level_choices() -> Choices:
    return translated_choices("experts: levels", LEVELS.items)


def roster_choices() -> Choices:
    """The loaded plugins' rosters, in menu order."""
    return translated_choices("experts: rosters", lambda: [(entry.key, entry.roster.title)
                                                           for entry in get_registry().rosters])


def expertise_choices() -> Choices:
    """Every field of expertise of the loaded rosters, by its full key (``<roster>.<field>``)."""
    return translated_choices("experts: fields", lambda: [(key, label)
                                                          for key, (_entry, label) in get_registry().expertise.items()])


Groups = tuple[tuple[str, str, Choices], ...]


def expertise_groups() -> Groups:
    """The fields of expertise by roster, ``(roster key, roster title, fields)``, for grouped lists
    (made once per language, as choices are)."""
    cache: dict[tuple[str, object], Groups] = current_app.extensions.setdefault("oicvet.expertise_groups", {})
    key = (current_language(), current_translations())
    if key not in cache:
        labels = dict(expertise_choices())
        titles = dict(roster_choices())
        cache[key] = tuple(
            (entry.key, titles[entry.key], tuple((name, labels[name]) for name in entry.field_keys()))
            for entry in get_registry().rosters
        )
    return cache[key]
