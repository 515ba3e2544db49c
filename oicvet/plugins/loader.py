"""Finding, loading and registering sector plugins.

Plugins come from two places: packages in the plugin folder, and installed
distributions that declare the ``oicvet.plugins`` entry-point group. The
configuration (``OICVET_PLUGINS``) chooses which load, and in what order.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from flask import Blueprint, Flask
from flask_babel import LazyString
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from werkzeug.routing import BuildError

from oicvet.i18n import CORE_DOMAIN
from oicvet.plugins import EVENT_KINDS, PluginError, SectorPlugin
from oicvet.plugins.registry import PluginRegistry

ENTRY_POINT_GROUP = "oicvet.plugins"
#: A plugin's key is its package (or entry point), its address (``/<lang>/<key>/``), its blueprint,
#: its template folder and its translation domain: a Python name in lowercase.
PLUGIN_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


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


def offered_migrations(folder: Path) -> list[Path]:
    """The migration revisions of every plugin on offer, loaded or not, found without importing it:
    a plugin left out keeps its revision in the database, which Alembic must know to upgrade anything."""
    found = []
    for key, candidates in discover(folder).items():
        for candidate in candidates:
            if candidate.module == f"plugins.{key}":
                root: Path | None = folder / key
            else:
                spec = importlib.util.find_spec(candidate.module)  # imports its parent packages only
                root = Path(spec.origin).parent if spec is not None and spec.origin else None
            if root is not None and (root / "migrations" / "versions").is_dir():
                found.append(root / "migrations" / "versions")
    return found


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
    _check_unique_event_keys(plugins)
    _check_rosters(plugins)
    return plugins


def _load_one(candidate: Candidate) -> SectorPlugin:
    key = candidate.key
    if not PLUGIN_KEY.match(key):
        raise PluginError(f"Plugin {key!r} ({candidate.origin}): a plugin's key is 2 to 40 lowercase letters, digits "
                          f"and '_', starting with a letter (it names its package, its address, its templates and "
                          f"its catalog); rename it")
    try:
        plugin = candidate.load()
    except Exception as exc:
        raise PluginError(f"Plugin {key!r} ({candidate.origin}) failed to load: {exc!r}") from exc
    if not isinstance(plugin, SectorPlugin):
        raise PluginError(f"Plugin {key!r} ({candidate.origin}) does not expose a SectorPlugin")
    if plugin.key != key:
        raise PluginError(f"Plugin {key!r} ({candidate.origin}) declares the key {plugin.key!r}")
    _check_texts(plugin)
    for event in plugin.events:
        if plugin.programme(event.programme) is None or event.kind not in EVENT_KINDS:
            raise PluginError(f"Plugin {key!r}: event {event.key!r} names an unknown "
                              f"programme or kind")
    # The package that declares the plugin holds its templates and catalogs.
    plugin.root = Path(sys.modules[candidate.module].__file__).resolve().parent
    return plugin


def _check_texts(plugin: SectorPlugin) -> None:
    """Every text a plugin declares is a lazy string of its catalog: a plain one would never be translated."""
    texts: list[tuple[str, object]] = [("title", plugin.title), ("description", plugin.description)]
    for programme in plugin.programmes:
        texts += [(f"programme {programme.slug!r}: {name}", getattr(programme, name))
                  for name in ("title", "summary", "body")]
    texts += [(f"menu link to {link.endpoint!r}: label", link.label) for link in plugin.links]
    for roster in plugin.rosters:
        texts += [(f"roster {roster.key!r}: title", roster.title), (f"roster {roster.key!r}: description", roster.description)]
        texts += [(f"roster {roster.key!r}: field {name!r}", label) for name, label in roster.fields.items()]
    for where, text in texts:
        if not isinstance(text, LazyString):  # ours (LazyText), or Flask-Babel's
            raise PluginError(f"Plugin {plugin.key!r}: {where} is a {type(text).__name__}, which is never translated; "
                              f"write it as _l(\"…\") (lazy_gettext, from oicvet.plugins)")
    for event in plugin.events:
        for name in ("title", "city", "summary", "body"):
            text = getattr(event, name)
            if (text is None and name != "title") or isinstance(text, LazyString):
                continue
            if not (isinstance(text, Mapping) and isinstance(text.get("en"), str)):
                raise PluginError(f"Plugin {plugin.key!r}: event {event.key!r}: {name} is a {type(text).__name__}; "
                                  f"write it as _l(\"…\"), or as {{language: text}} with English")


def _check_unique_event_keys(plugins: list[SectorPlugin]) -> None:
    # The seed stores each event under its key: one key, one event, whichever plugin ships it.
    seen: dict[str, str] = {}
    for plugin in plugins:
        for event in plugin.events:
            if event.key in seen:
                owner = "itself" if seen[event.key] == plugin.key else f"plugin {seen[event.key]!r}"
                raise PluginError(f"Plugin {plugin.key!r}: the seed event key {event.key!r} is taken by {owner}; "
                                  f"give the event a key of its own (prefixing it with the plugin's key is a safe way)")
            seen[event.key] = plugin.key


#: A programme's slug is its address (``/<lang>/programmes/<slug>/``) and is stored with its events;
#: "oicvet" names OIC-VET's own events, which belong to no programme.
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_CORE_SLUGS = frozenset({"oicvet"})


def _check_unique_slugs(plugins: list[SectorPlugin]) -> None:
    seen: dict[str, str] = {}
    for plugin in plugins:
        for programme in plugin.programmes:
            if not _SLUG.match(programme.slug) or programme.slug in _CORE_SLUGS:
                raise PluginError(f"Plugin {plugin.key!r}: the programme slug {programme.slug!r} must be up to 80 "
                                  f"lowercase letters, digits, hyphens and '_', and not 'oicvet' (OIC-VET's own events)")
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
    """Make the plugins' templates and static files part of the app (their pages come after the
    core's: see ``mount_plugin_pages``)."""
    registry = PluginRegistry(plugins)
    app.extensions["oicvet.plugins"] = registry
    app.extensions["oicvet.core_templates"] = app.jinja_loader
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
    return registry


def mount_plugin_pages(app: Flask, plugins: list[SectorPlugin]) -> None:
    """The plugins' blueprints, once the core has its own; then the links their menus name.

    A plugin's key must be none of the names the core uses (its blueprints, the
    first part of its addresses, its template folders, its catalog): computed
    here from what the core registered, so a new feature reserves its names by itself.
    """
    taken = core_names(app)
    for plugin in plugins:
        if plugin.key in taken:
            raise PluginError(f"Plugin {plugin.key!r}: the core uses {plugin.key!r} already, as {taken[plugin.key]}; "
                              f"the plugin would take it over, so give the plugin another key")
    for plugin in plugins:
        if plugin.blueprint is not None:
            app.register_blueprint(plugin.blueprint, name=plugin.key, url_prefix=f"/<lang:lang>/{plugin.key}")
    _check_links(app, plugins)
    for plugin in plugins:
        if plugin.init_app is not None:
            try:
                plugin.init_app(app)
            except Exception as exc:
                raise PluginError(f"Plugin {plugin.key!r}: its init_app failed: {exc!r}") from exc


def core_names(app: Flask) -> dict[str, str]:
    """The names a plugin key must not be, each with what the core uses it for."""
    # Told apart by the object: a plugin keyed as a core blueprint must not hide that blueprint.
    plugin_blueprints = [plugin.blueprint for plugin in app.extensions["oicvet.plugins"] if plugin.blueprint]
    core_blueprints = [blueprint for blueprint in app.iter_blueprints()
                       if not any(blueprint is theirs for theirs in plugin_blueprints)
                       and not blueprint.name.startswith("plugin_static_")]
    taken: dict[str, str] = {CORE_DOMAIN: "its translation domain"}
    core_loader = app.extensions["oicvet.core_templates"]
    loaders = [core_loader] if core_loader is not None else []
    loaders += [blueprint.jinja_loader for blueprint in core_blueprints if blueprint.jinja_loader is not None]
    for loader in loaders:
        for name in loader.list_templates():
            first, nested = name.split("/", 1)[0], "/" in name
            taken.setdefault(first, f"a folder of its templates ({first}/…)" if nested else f"a template ({first})")
    plugin_keys = {plugin.key for plugin in app.extensions["oicvet.plugins"]}
    for rule in app.url_map.iter_rules():
        owner = rule.endpoint.split(".", 1)[0]
        if (owner in plugin_keys and "." in rule.endpoint) or owner.startswith("plugin_static_"):
            continue  # a plugin's own page, once mounted
        parts = [part for part in rule.rule.split("/") if part]
        under_language = bool(parts) and parts[0] == "<lang:lang>"
        parts = parts[1:] if under_language else parts
        if parts and not parts[0].startswith("<"):
            where = f"/<lang>/{parts[0]}/…" if under_language else f"/{parts[0]}"
            taken.setdefault(parts[0], f"an address of its own ({where})")
    for blueprint in core_blueprints:
        taken.setdefault(blueprint.name, f"the name of one of its blueprints ({blueprint.name})")
    return taken


def _check_links(app: Flask, plugins: list[SectorPlugin]) -> None:
    """Each ``MenuLink`` names a page of its plugin's blueprint that needs no argument but the language:
    a wrong one would break every page, since every page shows the menu."""
    adapter = app.url_map.bind("localhost")
    language = app.config["LANGUAGES"][0]
    for plugin in plugins:
        for link in plugin.links:
            endpoint = f"{plugin.key}.{link.endpoint}"
            if plugin.blueprint is None:
                raise PluginError(f"Plugin {plugin.key!r} has no blueprint, but a MenuLink names the view "
                                  f"{link.endpoint!r}; give the plugin a blueprint with that view, or drop the link")
            if endpoint not in app.view_functions:
                views = sorted(name.split(".", 1)[1] for name in app.view_functions
                               if name.startswith(f"{plugin.key}."))
                raise PluginError(f"Plugin {plugin.key!r}: a MenuLink names the view {link.endpoint!r}, which its "
                                  f"blueprint does not have (its views: {', '.join(views) or 'none'})")
            try:
                adapter.build(endpoint, {"lang": language})
            except BuildError:
                raise PluginError(f"Plugin {plugin.key!r}: the MenuLink to {link.endpoint!r} names a page that needs "
                                  f"more than the language in its address; a menu link needs a page without "
                                  f"arguments") from None
