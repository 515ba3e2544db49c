"""Finding, loading and registering sector plugins.

Plugins come from two places: packages in the plugin folder, and installed
distributions that declare the ``oicvet.plugins`` entry-point group. The
configuration (``OICVET_PLUGINS``) chooses which load, and in what order.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from flask import Blueprint, Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from oicvet.plugins import EVENT_KINDS, PluginError, SectorPlugin
from oicvet.plugins.registry import PluginRegistry

ENTRY_POINT_GROUP = "oicvet.plugins"
#: Template folders of the core that a plugin key would shadow.
RESERVED_KEYS = {"errors", "macros", "pages", "programmes", "contact", "static", "core"}


@dataclass(frozen=True)
class Candidate:
    key: str
    origin: str
    module: str
    load: Callable[[], object]


def _folder_candidates(folder: Path) -> list[Candidate]:
    if not folder.is_dir():
        return []
    found = []
    for package in sorted(folder.iterdir()):
        if (package / "__init__.py").is_file() and not package.name.startswith(("_", ".")):
            found.append(
                Candidate(
                    key=package.name,
                    origin=f"folder {package}",
                    module=f"plugins.{package.name}",
                    load=lambda package=package: _import_folder_plugin(package),
                )
            )
    return found


def _import_folder_plugin(package: Path) -> object:
    name = f"plugins.{package.name}"
    loaded = sys.modules.get(name)
    if loaded is not None and Path(loaded.__file__).resolve().parent == package.resolve():
        return loaded.plugin
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module.plugin


def _entry_point_candidates() -> list[Candidate]:
    return [
        Candidate(key=ep.name, origin=f"entry point {ep.value}", module=ep.module, load=ep.load)
        for ep in entry_points(group=ENTRY_POINT_GROUP)
    ]


def discover(folder: Path) -> dict[str, list[Candidate]]:
    """Every plugin on offer, by key; a key with two candidates is a duplicate."""
    offered: dict[str, list[Candidate]] = {}
    for candidate in _folder_candidates(folder) + _entry_point_candidates():
        offered.setdefault(candidate.key, []).append(candidate)
    return offered


def load_plugins(folder: Path, enabled: list[str] | None) -> list[SectorPlugin]:
    """Load the enabled plugins (default: all found), checked, in order."""
    offered = discover(folder)
    if enabled is None:
        # No explicit list: the plugins' own menu order decides.
        keys = list(offered)
    else:
        keys = list(enabled)
        repeated = {key for key in keys if keys.count(key) > 1}
        if repeated:
            raise PluginError(f"Plugin {sorted(repeated)[0]!r} is listed twice in OICVET_PLUGINS")
    plugins = []
    for key in keys:
        candidates = offered.get(key)
        if not candidates:
            raise PluginError(f"Plugin {key!r} is enabled but was not found in {folder} "
                              f"or the {ENTRY_POINT_GROUP!r} entry points")
        if len(candidates) > 1:
            origins = " and ".join(c.origin for c in candidates)
            raise PluginError(f"Plugin {key!r} is provided twice: by {origins}")
        plugins.append(_load_one(candidates[0]))
    if enabled is None:
        plugins.sort(key=lambda p: (p.order, p.key))
    _check_unique_slugs(plugins)
    _check_rosters(plugins)
    return plugins


def _load_one(candidate: Candidate) -> SectorPlugin:
    key = candidate.key
    try:
        plugin = candidate.load()
    except Exception as exc:
        raise PluginError(f"Plugin {key!r} ({candidate.origin}) failed to load: {exc!r}") from exc
    if not isinstance(plugin, SectorPlugin):
        raise PluginError(f"Plugin {key!r} ({candidate.origin}) does not expose a SectorPlugin")
    if plugin.key != key:
        raise PluginError(f"Plugin {key!r} ({candidate.origin}) declares the key {plugin.key!r}")
    if key in RESERVED_KEYS:
        raise PluginError(f"Plugin {key!r} uses a key reserved by the core")
    for event in plugin.events:
        if plugin.programme(event.programme) is None or event.kind not in EVENT_KINDS:
            raise PluginError(f"Plugin {key!r}: event {event.key!r} names an unknown "
                              f"programme or kind")
    # The package that declares the plugin holds its templates and catalogs.
    plugin.root = Path(sys.modules[candidate.module].__file__).resolve().parent
    return plugin


def _check_unique_slugs(plugins: list[SectorPlugin]) -> None:
    seen: dict[str, str] = {}
    for plugin in plugins:
        for programme in plugin.programmes:
            if programme.slug in seen:
                raise PluginError(f"Plugin {plugin.key!r} redeclares programme "
                                  f"{programme.slug!r} of plugin {seen[programme.slug]!r}")
            seen[programme.slug] = plugin.key


#: A roster's key and its fields' keys are stored with each expert, and a field's full key is "<roster>.<field>".
_ROSTER_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}$")
_FIELD_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,38}$")


def _check_rosters(plugins: list[SectorPlugin]) -> None:
    seen: dict[str, str] = {}
    for plugin in plugins:
        for roster in plugin.rosters:
            if not _ROSTER_KEY.match(roster.key):
                raise PluginError(f"Plugin {plugin.key!r}: roster key {roster.key!r} must be lowercase letters, "
                                  f"digits and hyphens, up to 39 characters")
            if roster.key in seen:
                raise PluginError(f"Plugin {plugin.key!r} redeclares roster {roster.key!r} of plugin "
                                  f"{seen[roster.key]!r}")
            bad = [key for key in roster.fields if not _FIELD_KEY.match(key)]
            if not roster.fields or bad:
                raise PluginError(f"Plugin {plugin.key!r}: roster {roster.key!r} needs fields of expertise keyed "
                                  f"by lowercase letters, digits, '_' and '-' (not {bad!r})")
            seen[roster.key] = plugin.key


def register_plugins(app: Flask, plugins: list[SectorPlugin]) -> PluginRegistry:
    """Make the plugins' templates, static files and blueprints part of the app."""
    registry = PluginRegistry(plugins)
    app.extensions["oicvet.plugins"] = registry
    prefixed = {p.key: FileSystemLoader(str(p.templates_dir)) for p in plugins if p.templates_dir}
    # "<key>/page.html" is always the plugin's own: namespaced by the loader.
    app.jinja_loader = ChoiceLoader([PrefixLoader(prefixed), app.jinja_loader])
    for plugin in plugins:
        if plugin.static_dir:
            app.register_blueprint(
                Blueprint(
                    f"plugin_static_{plugin.key}",
                    __name__,
                    static_folder=str(plugin.static_dir),
                    static_url_path=f"/static/plugins/{plugin.key}",
                )
            )
        if plugin.blueprint is not None:
            app.register_blueprint(
                plugin.blueprint, name=plugin.key, url_prefix=f"/<lang:lang>/{plugin.key}"
            )
    return registry
