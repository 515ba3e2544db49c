"""What a sector plugin declares, and how the core finds and loads plugins.

A plugin is a package that exposes one object, ``plugin``, an instance of
:class:`SectorPlugin`. Everything it offers is data; the core builds menus,
pages, filters and seed content from it once, at start-up.

Plugins import from here, ``lazy_gettext`` included (as ``_l``: the
extraction keyword); nothing in the core imports a plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint

from oicvet.i18n import lazy_gettext

__all__ = [
    "EVENT_KINDS",
    "lazy_gettext",
    "MenuLink",
    "PluginError",
    "Programme",
    "Roster",
    "SectorPlugin",
    "SeedEvent",
]

#: Kinds of activity an event can be; keys are stored, labels live in the core.
EVENT_KINDS = (
    "training_course",
    "training_workshop",
    "workshop",
    "study_visit",
    "tot_course",
    "expert_mission",
    "meeting",
    "committee_meeting",
    "conference",
    "webinar",
    "launch",
    "internship",
)


class PluginError(RuntimeError):
    """A plugin is missing, duplicated or broken; start-up stops."""


@dataclass(frozen=True)
class Programme:
    """A capacity-building programme.

    ``title``, ``summary`` and ``body`` are lazy strings from the plugin's own
    translation domain; ``body`` separates paragraphs with a blank line.
    """

    slug: str
    title: Any
    summary: Any
    body: Any


@dataclass(frozen=True)
class SeedEvent:
    """A real event that ships with the plugin and is loaded by ``flask seed``.

    Text fields are lazy strings from the plugin's catalog: the seed stores
    each in English and in every served language whose catalog translates it
    (the others show the English text). A ``{language: text}`` mapping, with
    English, is taken as it is. Leave a date, the city or the country as
    ``None`` where it is not known.
    """

    key: str
    programme: str
    kind: str
    title: Any
    year: int
    start: date | None = None
    end: date | None = None
    city: Any = None
    country: str | None = None
    virtual: bool = False
    summary: Any = None
    body: Any = None
    participants: int | None = None
    countries: int | None = None


@dataclass(frozen=True)
class Roster:
    """A roster of experts the sector keeps: experts of its field register in it, and its
    editors review them.

    ``key`` is unique on the site and stored with each expert (letters, digits and
    hyphens); ``fields`` are its fields of expertise, key → lazy label, keys stored too.
    Leaving the plugin out hides the roster; its experts' records stay.
    """

    key: str
    title: Any
    description: Any
    fields: dict[str, Any]


@dataclass(frozen=True)
class MenuLink:
    """An extra page of the plugin's blueprint, listed under its sector."""

    label: Any
    endpoint: str


@dataclass
class SectorPlugin:
    """A sector group and everything it brings to the site."""

    key: str
    title: Any
    description: Any
    order: int
    programmes: list[Programme]
    events: list[SeedEvent] = field(default_factory=list)
    blueprint: Blueprint | None = None
    links: list[MenuLink] = field(default_factory=list)
    rosters: list[Roster] = field(default_factory=list)
    #: Set by the loader: the folder of the plugin's package.
    root: Path | None = None

    @property
    def templates_dir(self) -> Path | None:
        return self._subdir("templates")

    @property
    def translations_dir(self) -> Path | None:
        return self._subdir("translations")

    @property
    def static_dir(self) -> Path | None:
        return self._subdir("static")

    def _subdir(self, name: str) -> Path | None:
        if self.root is None:
            return None
        path = self.root / name
        return path if path.is_dir() else None

    def programme(self, slug: str) -> Programme | None:
        return next((p for p in self.programmes if p.slug == slug), None)
