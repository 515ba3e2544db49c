"""How an expert's keys read on a page: rosters, fields of expertise, degree, languages with their level.

Labels come from the choices, made once per language; a key whose roster left the
site with its plugin reads as nothing (templates leave it out).
"""

from __future__ import annotations

from flask import Flask

from oicvet.choices import language_name
from oicvet.experts.choices import (
    degree_choices,
    expertise_choices,
    expertise_groups,
    level_choices,
    roster_choices,
)
from oicvet.experts.models import LEVEL_SEPARATOR
from oicvet.i18n import current_language
from oicvet.profiles.status import STATUS_LABELS


def roster_title(key: str) -> str:
    return dict(roster_choices()).get(key, "")


def expertise_label(key: str) -> str:
    return dict(expertise_choices()).get(key, "")


def degree_label(key: str) -> str:
    return dict(degree_choices()).get(key, key)


def language_with_level(pair: str) -> tuple[str, str]:
    """``"ar:native"`` → (the language's name, its level), in the page's language."""
    language, _sep, level = pair.partition(LEVEL_SEPARATOR)
    return language_name(language), dict(level_choices()).get(level, level)


def file_size(size: int) -> str:
    """A file's size in the page's language: "340 kB", "1.2 MB"."""
    from babel.units import format_unit

    language = current_language()
    if size < 1024 * 1024:
        return format_unit(max(1, round(size / 1024)), "digital-kilobyte", length="short", locale=language)
    return format_unit(size / (1024 * 1024), "digital-megabyte", length="short", locale=language, format="#,##0.#")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        roster_title=roster_title,
        expertise_label=expertise_label,
        degree_label=degree_label,
        language_with_level=language_with_level,
        file_size=file_size,
        expertise_groups=expertise_groups,
        expert_status=lambda status: STATUS_LABELS.get(status, status),
    )
