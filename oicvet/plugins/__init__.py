"""What a sector plugin declares, and how the core finds and loads plugins.

A plugin is a package that exposes one object, ``plugin``, an instance of
:class:`SectorPlugin`. Everything it offers is data; the core builds menus,
pages, filters and seed content from it once, at start-up.

Plugins import from here, ``lazy_gettext`` included (as ``_l``: the
extraction keyword) and ``lazy_ngettext`` for a text with a number; nothing
in the core imports a plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import Blueprint, Flask

from oicvet.i18n import LazyText, lazy_gettext, lazy_ngettext

__all__ = [
    "EVENT_KINDS",
    "HOOK_TEMPLATES",
    "lazy_gettext",
    "lazy_ngettext",
    "MenuLink",
    "PluginError",
    "Programme",
    "Roster",
    "SectorPlugin",
    "SeedEvent",
    "Text",
]

#: Kinds of activity an event can be: the key a ``SeedEvent`` names and the database stores, and its
#: label, as visitors read it (in the core's catalog).
EVENT_KINDS: dict[str, LazyText] = {
    "training_course": lazy_gettext("Training course"),
    "training_workshop": lazy_gettext("Training workshop"),
    "workshop": lazy_gettext("Workshop"),
    "study_visit": lazy_gettext("Study visit"),
    "tot_course": lazy_gettext("Training-of-Trainers course"),
    "expert_mission": lazy_gettext("Expert mission"),
    "meeting": lazy_gettext("Meeting"),
    "committee_meeting": lazy_gettext("Committee meeting"),
    "conference": lazy_gettext("Conference"),
    "webinar": lazy_gettext("Webinar"),
    "launch": lazy_gettext("Launch"),
    "internship": lazy_gettext("Internship"),
}

#: The core's pages a plugin may extend with a template of the same name in its own folder
#: (``<key>/sector.html`` extends ``sector.html``): its sector, programme and event pages.
HOOK_TEMPLATES = frozenset({"sector.html", "programme.html", "event.html"})

#: Text a plugin declares: a lazy string of its catalog (``_l("…")``), translated when shown.
Text = LazyText
#: A seed event's text: a lazy string, or ``{language: text}`` with English.
SeedText = LazyText | Mapping[str, str]


class PluginError(RuntimeError):
    """A plugin is missing, duplicated or broken; start-up stops."""


@dataclass(frozen=True)
class Programme:
    """A capacity-building programme.

    ``title``, ``summary`` and ``body`` are lazy strings from the plugin's own
    translation domain; ``body`` separates paragraphs with a blank line.
    """

    slug: str
    title: Text
    summary: Text
    body: Text


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
    title: SeedText
    year: int
    start: date | None = None
    end: date | None = None
    city: SeedText | None = None
    country: str | None = None
    virtual: bool = False
    summary: SeedText | None = None
    body: SeedText | None = None
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
    title: Text
    description: Text
    fields: dict[str, Text]


@dataclass(frozen=True)
class MenuLink:
    """An extra page of the plugin's blueprint, listed under its sector."""

    label: Text
    endpoint: str


@dataclass
class SectorPlugin:
    """A sector group and everything it brings to the site."""

    key: str
    title: Text
    description: Text
    order: int
    programmes: list[Programme]
    events: list[SeedEvent] = field(default_factory=list)
    blueprint: Blueprint | None = None
    links: list[MenuLink] = field(default_factory=list)
    rosters: list[Roster] = field(default_factory=list)
    #: What data cannot say, done in code once the plugin's pages are mounted: ``init_app(app)`` may add
    #: a sitemap provider for a page with arguments (``oicvet.seo.add_provider``), template globals, ….
    init_app: Callable[[Flask], None] | None = None
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

    @property
    def migrations_dir(self) -> Path | None:
        """The revisions of the plugin's own migration branch (``migrations/versions/``, the branch labelled
        with its key), upgraded with the core's by ``flask setup``."""
        return self._subdir("migrations/versions")

    def _subdir(self, name: str) -> Path | None:
        if self.root is None:
            return None
        path = self.root / name
        return path if path.is_dir() else None

    def programme(self, slug: str) -> Programme | None:
        return next((p for p in self.programmes if p.slug == slug), None)
