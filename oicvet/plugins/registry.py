"""The loaded plugins, and what the core derives from them once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from oicvet.plugins import Programme, Roster, SectorPlugin


@dataclass(frozen=True)
class ProgrammeEntry:
    """A programme with the sector it belongs to."""

    sector: SectorPlugin
    programme: Programme

    @property
    def slug(self) -> str:
        return self.programme.slug


@dataclass(frozen=True)
class RosterEntry:
    """A roster with the sector that keeps it."""

    sector: SectorPlugin
    roster: Roster

    @property
    def key(self) -> str:
        return self.roster.key

    def field_keys(self) -> tuple[str, ...]:
        """Its fields' full keys, as stored: ``<roster>.<field>``."""
        return tuple(f"{self.roster.key}.{key}" for key in self.roster.fields)


class PluginRegistry:
    """Lookups by key and slug, built once; never changed while the app runs."""

    def __init__(self, plugins: list[SectorPlugin]) -> None:
        self.sectors: tuple[SectorPlugin, ...] = tuple(plugins)
        self._sectors = {p.key: p for p in plugins}
        self._programmes = {
            prog.slug: ProgrammeEntry(plugin, prog) for plugin in plugins for prog in plugin.programmes
        }
        self.programme_slugs: tuple[str, ...] = tuple(self._programmes)
        self.rosters: tuple[RosterEntry, ...] = tuple(
            RosterEntry(plugin, roster) for plugin in plugins for roster in plugin.rosters
        )
        self._rosters = {entry.key: entry for entry in self.rosters}
        #: Every field of expertise of the loaded rosters: full key → (roster entry, label).
        self.expertise: dict[str, tuple[RosterEntry, object]] = {
            f"{entry.key}.{key}": (entry, label) for entry in self.rosters for key, label in entry.roster.fields.items()
        }

    def sector(self, key: str) -> SectorPlugin | None:
        return self._sectors.get(key)

    def roster(self, key: str | None) -> RosterEntry | None:
        return self._rosters.get(key) if key else None

    def programme(self, slug: str | None) -> ProgrammeEntry | None:
        return self._programmes.get(slug) if slug else None

    @property
    def programmes(self) -> tuple[ProgrammeEntry, ...]:
        return tuple(self._programmes.values())

    def __iter__(self):
        return iter(self.sectors)

    def __len__(self) -> int:
        return len(self.sectors)


def get_registry() -> PluginRegistry:
    return current_app.extensions["oicvet.plugins"]
