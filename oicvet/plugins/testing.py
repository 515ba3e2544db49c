"""Contract checks for a sector plugin, run on a built app.

Each check takes the app and a plugin's key and returns the problems it finds, one sentence
each, naming the plugin; an empty list means the plugin keeps that part of the contract. The
site's own suite runs them for every plugin it loads; a plugin's tests run them on an app that
loads it::

    from oicvet.plugins.testing import check_plugin

    def test_maritime_keeps_the_plugin_contract(app):
        problems = check_plugin(app, "maritime")
        assert not problems, "\\n".join(problems)

or one part at a time: ``check_pages``, ``check_catalogs``, ``check_templates``,
``check_imports``, ``check_takeover``. ``check_pages`` reads the pages through the app's test
client, so the app needs its database; the plugin's events are the published ones the database
holds (a database without them checks the sector, programme and blueprint pages only).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter, Rule
from werkzeug.routing.converters import AnyConverter, IntegerConverter, NumberConverter, UUIDConverter

from oicvet.i18n import DEFAULT_LANGUAGE, LanguageConverter, babel_locale
from oicvet.plugins import HOOK_TEMPLATES, SectorPlugin
from oicvet.plugins.loader import core_names

__all__ = [
    "HOOK_TEMPLATES",
    "check_catalogs",
    "check_imports",
    "check_pages",
    "check_plugin",
    "check_takeover",
    "check_templates",
    "declared_msgids",
    "plugin_pages",
    "source_msgids",
]

#: Pages checked per plugin at most: a database full of demo events would otherwise take minutes.
MAX_EVENTS = 50

# As the project's babel.cfg and `flask translate update` extract a plugin's strings.
_METHODS = [
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
_JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "silent": "false"}
_KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
# Named placeholders, and the bare positional ones; "100 %" in French prose is no placeholder.
#: The OIC's official languages besides English. Their catalogs translate every text, the programmes'
#: texts and the events included. A catalog of another language (Turkish, say) may leave those to
#: English: the pages then show them in English, marked as English (see content_msgids).
FULL_CATALOG_LANGUAGES = frozenset({"ar", "fr"})

_NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")
_POSITIONAL = re.compile(r"(?<!%)%[sd]")
_HTML_TAG = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)


def _plugin(app: Flask, key: str) -> SectorPlugin | None:
    return app.extensions["oicvet.plugins"].sector(key)


def _not_loaded(key: str) -> list[str]:
    return [f"Plugin {key!r} is not loaded in this app (check OICVET_PLUGINS and the plugin folder)"]


def check_plugin(app: Flask, key: str) -> list[str]:
    """Every contract check for the plugin ``key`` of ``app``: the problems found, or an empty list."""
    if _plugin(app, key) is None:
        return _not_loaded(key)
    return [
        *check_takeover(app, key),
        *check_imports(app, key),
        *check_templates(app, key),
        *check_catalogs(app, key),
        *check_pages(app, key),
    ]


# --- Pages -------------------------------------------------------------------------------------------


def plugin_pages(app: Flask, key: str, max_events: int = MAX_EVENTS) -> list[tuple[str, dict[str, Any]]]:
    """The pages the plugin brings, as (endpoint, values without the language): its sector page, its
    programmes' pages, the pages of its published events in the database (``max_events`` at most), and
    each GET view of its blueprint that needs nothing but the language."""
    plugin = _plugin(app, key)
    if plugin is None:
        return []
    pages: list[tuple[str, dict[str, Any]]] = [("programmes.sector", {"key": key})]
    pages += [("programmes.programme", {"slug": programme.slug}) for programme in plugin.programmes]
    pages += [("programmes.event", {"event_id": event_id}) for event_id in _event_ids(app, plugin, max_events)]
    views = [rule.endpoint for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith(f"{key}.") and "GET" in (rule.methods or ()) and _needs_only_language(rule)]
    # An endpoint may have several such rules: one page each.
    pages += [(endpoint, {}) for endpoint in dict.fromkeys(views)]
    return pages


def _event_ids(app: Flask, plugin: SectorPlugin, limit: int) -> list[int]:
    from oicvet.extensions import db
    from oicvet.models import Event

    slugs = [programme.slug for programme in plugin.programmes]
    with app.app_context():
        return list(db.session.scalars(
            db.select(Event.id).where(Event.programme.in_(slugs), Event.published).order_by(Event.id).limit(limit)
        ))


def _needs_only_language(rule: Rule) -> bool:
    return set(rule.arguments) - set(rule.defaults or {}) <= {"lang"}


def check_pages(app: Flask, key: str, max_events: int = MAX_EVENTS) -> list[str]:
    """Each page of ``plugin_pages`` answers 200 in every language of the app, and an HTML page says
    its language and direction in ``<html lang dir>`` (the direction as Babel gives it)."""
    if _plugin(app, key) is None:
        return _not_loaded(key)
    adapter = app.url_map.bind("localhost")
    client = app.test_client()
    pages = plugin_pages(app, key, max_events)
    problems = []
    for lang in app.config["LANGUAGES"]:
        direction = babel_locale(lang).text_direction
        for endpoint, values in pages:
            path = adapter.build(endpoint, {"lang": lang, **values})
            try:
                response = client.get(path)
            except Exception as error:  # an error the app lets through (PROPAGATE_EXCEPTIONS)
                problems.append(f"Plugin {key!r}: {path} fails: {error!r}")
                continue
            if response.status_code != 200:
                problems.append(f"Plugin {key!r}: {path} answers {response.status_code}, not 200")
            elif response.mimetype == "text/html":
                problems += _language_problems(key, path, response.get_data(as_text=True), lang, direction)
    return problems


def _language_problems(key: str, path: str, html: str, lang: str, direction: str) -> list[str]:
    tag = _HTML_TAG.search(html)
    attributes = dict(re.findall(r'\b(lang|dir)="([^"]*)"', tag.group(1))) if tag else {}
    wanted = {"lang": lang, "dir": direction}
    if attributes != wanted:
        found = f"<html{tag.group(1)}>" if tag else "no <html> tag"
        return [f"Plugin {key!r}: {path} has {found}, not <html lang=\"{lang}\" dir=\"{direction}\"> "
                f"(extend the core's base.html)"]
    return []


# --- Catalogs -----------------------------------------------------------------------------------------


def declared_msgids(plugin: SectorPlugin) -> set[str]:
    """The msgids of the lazy strings the plugin declares: its title and description, its programmes,
    menu links, rosters and seed events (a seed text given as ``{language: text}`` has none)."""
    texts: list[object] = [plugin.title, plugin.description]
    for programme in plugin.programmes:
        texts += [programme.title, programme.summary, programme.body]
    texts += [link.label for link in plugin.links]
    for roster in plugin.rosters:
        texts += [roster.title, roster.description, *roster.fields.values()]
    for event in plugin.events:
        texts += [event.title, event.city, event.summary, event.body]
    found = set()
    for text in texts:
        # Ours keep the msgid; Flask-Babel's lazy strings keep it as their first argument.
        msgid = getattr(text, "msgid", None) or next(iter(getattr(text, "_args", ())), None)
        if isinstance(msgid, str) and msgid:
            found.add(msgid)
    return found


def content_msgids(plugin: SectorPlugin) -> set[str]:
    """The msgids of what reads as content rather than interface: the programmes' texts and the seed
    events' titles, cities, summaries and texts. A language outside FULL_CATALOG_LANGUAGES may leave
    them untranslated; titles and summaries of programmes, and every interface string, it may not."""
    texts: list[object] = [programme.body for programme in plugin.programmes]
    for event in plugin.events:
        texts += [event.title, event.city, event.summary, event.body]
    return {msgid for text in texts if isinstance(msgid := getattr(text, "msgid", None), str) and msgid}


def source_msgids(plugin: SectorPlugin) -> tuple[set[str | tuple[str, ...]], list[str]]:
    """The msgids ``flask translate update`` extracts from the plugin's package (its Python files and
    templates), and the files that could not be read."""
    found: set[str | tuple[str, ...]] = set()
    errors: list[str] = []
    if plugin.root is None:
        return found, errors
    options = {pattern: _JINJA_OPTIONS for pattern, method in _METHODS if method != "python"}
    try:
        for _filename, _line, message, _comments, _context in extract_from_dir(
            plugin.root, _METHODS, options, keywords=_KEYWORDS
        ):
            if message and (message if isinstance(message, str) else message[0]):
                found.add(message)
    except Exception as error:  # a template or module that does not parse
        errors.append(f"Plugin {plugin.key!r}: its strings cannot be extracted: {error!r}")
    return found, errors


def check_catalogs(app: Flask, key: str) -> list[str]:
    """For each language of the app but English, the plugin's ``.po`` has every msgid of its declaration
    and of its source, and no entry in it is untranslated, fuzzy, or has placeholders the msgid lacks
    (or, outside plural forms, lacks one of the msgid's). Outside FULL_CATALOG_LANGUAGES, the
    programmes' texts and the seed events may be left untranslated (content_msgids)."""
    plugin = _plugin(app, key)
    if plugin is None:
        return _not_loaded(key)
    extracted, problems = source_msgids(plugin)
    wanted = {msgid if isinstance(msgid, str) else msgid[0] for msgid in extracted} | declared_msgids(plugin)
    for lang in app.config["LANGUAGES"]:
        if lang == DEFAULT_LANGUAGE:
            continue
        directory = plugin.translations_dir
        path = directory / lang / "LC_MESSAGES" / f"{key}.po" if directory else None
        if path is None or not path.is_file():
            if wanted:
                problems.append(f"Plugin {key!r} has no {lang!r} catalog (translations/{lang}/LC_MESSAGES/{key}.po); "
                                f"`flask translate update` makes it")
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle)
        where = f"Plugin {key!r}, {lang}/LC_MESSAGES/{key}.po"
        if catalog.fuzzy:
            problems.append(f"{where}: the header is marked fuzzy")
        problems += [f"{where}: no entry for {msgid!r}" for msgid in sorted(wanted) if msgid not in catalog]
        may_fall_back = set() if lang in FULL_CATALOG_LANGUAGES else content_msgids(plugin)
        for message in catalog:
            if message.id and not (message.id in may_fall_back and not message.string):
                problems += [f"{where}: {problem}" for problem in _message_problems(message)]
    return problems


def _placeholders(text: str) -> tuple[set[str], int]:
    return set(_NAMED.findall(text)), len(_POSITIONAL.findall(text))


def _message_problems(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    if message.fuzzy:
        return [f"{ids[0]!r} is fuzzy"]
    if not all(strings):
        return [f"{ids[0]!r} is untranslated"]
    problems = []
    given = [_placeholders(msgid) for msgid in ids]
    named = set().union(*(names for names, _count in given))
    for string in strings:
        names, count = _placeholders(string)
        if names - named:
            problems.append(f"{ids[0]!r}: the translation has placeholders the msgid lacks: "
                            f"{', '.join(f'%({name})' for name in sorted(names - named))}")
        # A plural form may leave the number out ("one programme"); a plain message keeps them all.
        elif len(ids) == 1 and (names, count) != given[0]:
            missing = sorted(given[0][0] - names)
            if missing:
                problems.append(f"{ids[0]!r}: the translation leaves out "
                                f"{', '.join(f'%({name})' for name in missing)}")
            else:
                problems.append(f"{ids[0]!r}: the translation has {count} placeholders %s or %d, "
                                f"the msgid {given[0][1]}")
    return problems


# --- Templates ----------------------------------------------------------------------------------------


def _core_templates(app: Flask) -> set[str]:
    plugin_keys = {plugin.key for plugin in app.extensions["oicvet.plugins"]}
    loaders = [app.extensions["oicvet.core_templates"]]
    loaders += [blueprint.jinja_loader for blueprint in app.iter_blueprints() if blueprint.name not in plugin_keys]
    return {name for loader in loaders if loader is not None for name in loader.list_templates()}


def _source_file(app: Flask, name: str) -> Path | None:
    try:
        _source, filename, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, name)
    except Exception:  # TemplateNotFound, mostly
        return None
    return Path(filename).resolve() if filename else None


def check_templates(app: Flask, key: str) -> list[str]:
    """Every file of the plugin's ``templates/`` is reached as ``<key>/…`` and under no other name, none
    has the name of a core template (but the hooks of ``HOOK_TEMPLATES``), and its blueprint brings no
    template folder (whose templates would be reached outside ``<key>/``, beside the core's)."""
    plugin = _plugin(app, key)
    if plugin is None:
        return _not_loaded(key)
    problems = []
    core = _core_templates(app)
    folder = plugin.templates_dir
    for path in sorted(folder.rglob("*") if folder else ()):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        if _source_file(app, f"{key}/{name}") != path.resolve():
            problems.append(f"Plugin {key!r}: its template {name!r} is not reached as {key}/{name}")
        if _source_file(app, name) == path.resolve():
            problems.append(f"Plugin {key!r}: its template {name!r} is reached as {name!r}, outside {key}/")
        if name in core and name not in HOOK_TEMPLATES:
            problems.append(f"Plugin {key!r}: its template {name!r} has the name of a core template; it is "
                            f"reached only as {key}/{name} and changes nothing of the core's: give it a name "
                            f"of its own (only {', '.join(sorted(HOOK_TEMPLATES))} are hooks)")
    loader = plugin.blueprint.jinja_loader if plugin.blueprint is not None else None
    if loader is not None:
        for name in sorted(loader.list_templates()):
            if not name.startswith(f"{key}/"):
                clash = " (a core template's name)" if name in core else ""
                problems.append(f"Plugin {key!r}: its blueprint's template folder puts {name!r}{clash} among the "
                                f"core's templates, outside {key}/; drop template_folder from the blueprint and "
                                f"keep the templates in the plugin's templates/ folder")
    return problems


# --- Imports ------------------------------------------------------------------------------------------


def _module_name(plugin: SectorPlugin) -> str | None:
    """The import name of the plugin's package (``plugins.<key>`` for the plugin folder)."""
    if plugin.root is None:
        return None
    init = plugin.root / "__init__.py"
    folder_module = f"plugins.{plugin.key}"
    # Resolving every loaded module's path takes half a second: only a package of that folder's name counts.
    candidates = [folder_module, *(name for name in sys.modules if name.rsplit(".", 1)[-1] == plugin.root.name)]
    for name in candidates:
        filename = getattr(sys.modules.get(name), "__file__", None)
        if filename and Path(filename).resolve() == init:
            return name
    return None


def _imported(tree: ast.AST, package: str) -> Iterator[tuple[int, list[str]]]:
    """(line, module names) of each import in a module of ``package``: the names one statement may import.
    ``from a import b`` gives ``a`` and ``a.b`` (``b`` may be a module); ``import a, b`` is two imports."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, [alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            yield node.lineno, [base, *(f"{base}.{alias.name}" for alias in node.names)]


def check_imports(app: Flask, key: str) -> list[str]:
    """No module of the plugin imports another plugin: neither ``plugins.<other>`` nor the package of
    another loaded plugin. (The core may be imported.)"""
    plugin = _plugin(app, key)
    if plugin is None:
        return _not_loaded(key)
    if plugin.root is None:
        return []
    own = _module_name(plugin) or f"plugins.{key}"
    others = {f"plugins.{other.key}": other.key for other in app.extensions["oicvet.plugins"] if other.key != key}
    for other in app.extensions["oicvet.plugins"]:
        name = _module_name(other) if other.key != key else None
        if name and name != own and not own.startswith(f"{name}."):
            others[name] = other.key
    problems = []
    for path in sorted(plugin.root.rglob("*.py")):
        relative = path.relative_to(plugin.root)
        if any(part.startswith((".", "__pycache__")) for part in relative.parts[:-1]):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as error:
            problems.append(f"Plugin {key!r}: {relative.as_posix()} does not parse: {error}")
            continue
        package = ".".join([own, *relative.parts[:-1]])
        for line, names in _imported(tree, package):
            owned = [(name, owner) for name in names if (owner := _owner(name, others, own)) is not None]
            # "from plugins.ict import x" is one import of plugin 'ict', whatever x is.
            for name, owner in owned[:1] if owned and owned[0][0] == names[0] else owned:
                problems.append(f"Plugin {key!r}: {relative.as_posix()}, line {line}, imports {name!r}, of "
                                f"{owner}; a plugin relies on the core only (move what they share into the core, "
                                f"or into a package of its own)")
    return problems


def _owner(name: str, others: dict[str, str], own: str) -> str | None:
    for module, other in others.items():
        if name == module or name.startswith(f"{module}."):
            return f"plugin {other!r}"
    parts = name.split(".")
    # Any package in the plugin folder but its own is another plugin, loaded here or not.
    if len(parts) >= 2 and parts[0] == "plugins" and f"plugins.{parts[1]}" != own:
        return f"plugin {parts[1]!r}"
    return None


# --- Core names and routes ----------------------------------------------------------------------------


def _plugin_endpoint(app: Flask, endpoint: str) -> bool:
    prefix = endpoint.split(".", 1)[0]
    keys = {plugin.key for plugin in app.extensions["oicvet.plugins"]}
    return prefix in keys or prefix.startswith("plugin_static_")


def _core_use(app: Flask, key: str) -> str | None:
    """What the core uses ``key`` for, if anything."""
    use = core_names(app).get(key)
    if use is not None and use.startswith("an address"):
        # Once mounted, a plugin's own pages start with its key: only a core page counts.
        core_rules = [rule for rule in app.url_map.iter_rules()
                      if not _plugin_endpoint(app, rule.endpoint) and _first_segment(rule) == key]
        return use if core_rules else None
    return use


def _first_segment(rule: Rule) -> str | None:
    parts = [part for part in rule.rule.split("/") if part]
    if parts and parts[0] == "<lang:lang>":
        parts = parts[1:]
    return parts[0] if parts else None


def _sample_path(app: Flask, rule: Rule) -> str | None:
    """An address ``rule`` answers, its arguments filled with plausible values; None if none can be made."""
    values: dict[str, Any] = dict(rule.defaults or {})
    for name, converter in rule._converters.items():
        if isinstance(converter, LanguageConverter):
            values[name] = app.config["LANGUAGES"][0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, NumberConverter):
            values[name] = 1.0
        elif isinstance(converter, UUIDConverter):
            values[name] = "00000000-0000-4000-8000-000000000000"
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "sample"
    try:
        built = rule.build(values, append_unknown=False)
    except Exception:  # a converter that refuses the sample
        return None
    return built[1] if built else None


def _answering(adapter: MapAdapter, path: str, method: str) -> str | None:
    try:
        endpoint, _values = adapter.match(path, method=method)
    except HTTPException:  # no page there, or a redirect (RequestRedirect is one)
        return None
    return endpoint


def _method(rule: Rule) -> str:
    methods = sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"})
    return methods[0] if methods else "GET"


def check_takeover(app: Flask, key: str) -> list[str]:
    """The plugin takes over nothing of the core's: its key is no name the core uses, and each of its
    blueprint's addresses lies under ``/<lang>/<key>/``, is no core address, and answers no URL of one."""
    plugin = _plugin(app, key)
    if plugin is None:
        return _not_loaded(key)
    problems = []
    use = _core_use(app, key)
    if use is not None:
        problems.append(f"Plugin {key!r}: the core uses {key!r} already, as {use}")
    rules = list(app.url_map.iter_rules())
    own = [rule for rule in rules if rule.endpoint.startswith(f"{key}.")]
    core = [rule for rule in rules if not _plugin_endpoint(app, rule.endpoint)]
    adapter = app.url_map.bind("localhost")
    for rule in own:
        if not rule.rule.startswith(f"/<lang:lang>/{key}/"):
            problems.append(f"Plugin {key!r}: its view {rule.endpoint!r} answers at {rule.rule}, "
                            f"outside its address /<lang>/{key}/")
        for other in core:
            if other.rule == rule.rule and (rule.methods or set()) & (other.methods or set()) - {"HEAD", "OPTIONS"}:
                problems.append(f"Plugin {key!r}: its view {rule.endpoint!r} has the address {rule.rule} "
                                f"of the core's {other.endpoint!r}")
        path = _sample_path(app, rule)
        answering = _answering(adapter, path, _method(rule)) if path else None
        if answering is not None and answering != rule.endpoint and not _plugin_endpoint(app, answering):
            problems.append(f"Plugin {key!r}: its view {rule.endpoint!r} is never reached at {path}: "
                            f"the core's {answering!r} answers there")
    for other in core:
        path = _sample_path(app, other)
        answering = _answering(adapter, path, _method(other)) if path else None
        if answering is not None and answering.startswith(f"{key}."):
            problems.append(f"Plugin {key!r}: its view {answering!r} answers {path}, an address of the "
                            f"core's {other.endpoint!r} ({other.rule})")
    return problems
