"""The checks a plugin passes at start-up: each mistake a plugin author can make stops the site
with a PluginError that names the plugin and says what to change, rather than a broken page later."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Blueprint, Flask
from markupsafe import escape

from oicvet.i18n import LazyText
from oicvet.plugins import EVENT_KINDS, PluginError, SectorPlugin
from oicvet.plugins.loader import core_names, mount_plugin_pages
from tests.test_plugins import _write_plugin

# What these check happens at start-up or on the command line, whatever the database.
pytestmark = pytest.mark.database_free

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ar", "fr")

#: A plugin's module up to its ``plugin``: a blueprint with a page that needs only the language
#: ("about") and one that needs a slug too ("item").
HEADER = '''
from datetime import date

from flask import Blueprint

from oicvet.plugins import MenuLink, Programme, Roster, SectorPlugin, SeedEvent
from oicvet.plugins import lazy_gettext as _l

blueprint = Blueprint("sector_pages", __name__)


@blueprint.get("/")
def index():
    return "Sector home"


@blueprint.get("/about/")
def about():
    return "About the sector"


@blueprint.get("/items/<slug>/")
def item(slug):
    return slug


'''


def plugin_source(key: str, *, header: str = HEADER, **arguments: str) -> str:
    """The source of a plugin keyed ``key`` that passes every check; each keyword replaces one
    argument of its ``SectorPlugin`` (as Python source), so that a test breaks one thing only."""
    call = {
        "key": repr(key),
        "title": '_l("Maritime Affairs")',
        "description": '_l("A sector that exists only in the tests.")',
        "order": "1",
        "programmes": f'[Programme({key + "-ports"!r}, _l("Ports"), _l("Skills for ports."), _l("Port courses."))]',
        "events": "[]",
        "blueprint": "blueprint",
        "links": '[MenuLink(_l("About the sector"), "about")]',
        "rosters": "[]",
    }
    call.update(arguments)
    listed = "".join(f"    {name}={value},\n" for name, value in call.items())
    return f"{header}plugin = SectorPlugin(\n{listed})\n"


def seed_event(key: str, programme: str, title: str = '_l("Port workshop")') -> str:
    return f"SeedEvent(key={key!r}, programme={programme!r}, kind='workshop', title={title}, year=2012)"


@pytest.fixture
def plugin_dir(tmp_path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    return folder


def start_error(make_app, plugin_dir: Path, **overrides) -> str:
    """Start the site on ``plugin_dir``; the PluginError's message (any other error fails the test)."""
    with pytest.raises(PluginError) as raised:
        make_app(OICVET_PLUGIN_DIR=str(plugin_dir), **overrides)
    return str(raised.value)


# 1. Menu links


def test_a_menu_link_to_a_view_the_blueprint_lacks_stops_start_up(make_app, plugin_dir):
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime", links='[MenuLink(_l("About"), "abuot")]'))
    message = start_error(make_app, plugin_dir)
    # Names the plugin and the link, and lists the views it could name instead.
    assert "'maritime'" in message and "'abuot'" in message
    assert re.search(r"about, index, item", message), message


def test_the_same_plugin_with_a_right_link_serves_its_page_and_every_other(make_app, plugin_dir):
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime"))
    client = make_app(OICVET_PLUGIN_DIR=str(plugin_dir)).test_client()
    for lang in LANGUAGES:
        home = client.get(f"/{lang}/")
        assert home.status_code == 200, lang
        # Every page shows the menu, and the menu shows the link.
        assert f'href="/{lang}/maritime/about/"' in home.get_data(as_text=True)
        about = client.get(f"/{lang}/maritime/about/")
        assert about.status_code == 200 and about.get_data(as_text=True) == "About the sector"
        assert client.get(f"/{lang}/sectors/maritime/").status_code == 200


def test_a_menu_link_to_a_page_that_needs_an_argument_stops_start_up(make_app, plugin_dir):
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime", links='[MenuLink(_l("Item"), "item")]'))
    message = start_error(make_app, plugin_dir)
    assert "'maritime'" in message and "'item'" in message
    assert "without arguments" in message


def test_a_menu_link_on_a_plugin_without_a_blueprint_stops_start_up(make_app, plugin_dir):
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime", blueprint="None"))
    message = start_error(make_app, plugin_dir)
    assert "'maritime'" in message and "'about'" in message
    # The author must learn that the plugin has no blueprint at all, not that one lacks a view.
    assert re.search(r"no blueprint|without a blueprint|has no blueprint", message), message


# 2. Keys the core uses


@pytest.fixture(scope="module")
def core_app(make_app, tmp_path_factory) -> Flask:
    """The site with no plugin at all: only the core's names."""
    return make_app(OICVET_PLUGIN_DIR=str(tmp_path_factory.mktemp("no_plugins")))


@pytest.mark.parametrize(
    ("key", "use"),
    [
        ("mail", "a folder of its templates (mail/"),
        ("accounts", None),
        ("partners", None),
        ("seo", None),
        ("archive", "an address of its own (/<lang>/archive/"),
        ("experts", None),
        ("trop", None),
        ("admin", "an address of its own (/<lang>/admin/"),
        ("messages", "its translation domain"),
        # Names of core blueprints with no address or template folder of their own.
        ("partner_review", "the name of one of its blueprints (partner_review)"),
        ("root", "the name of one of its blueprints (root)"),
    ],
)
def test_a_plugin_keyed_by_a_name_of_the_core_stops_start_up(make_app, plugin_dir, key, use):
    # A blueprint with a "/" view: keyed "archive", it would answer /<lang>/archive/ in the core's place.
    _write_plugin(plugin_dir, key, plugin_source(key))
    message = start_error(make_app, plugin_dir)  # not Flask's ValueError about a blueprint's name
    assert message.startswith(f"Plugin {key!r}"), message
    # What the core uses the name for, so that the author sees why.
    assert re.search(r"already, as (a folder of its templates|an address of its own|the name of one of its "
                     r"blueprints|its translation domain)", message), message
    if use:
        assert use in message, message
    assert "another key" in message


def test_the_archive_address_is_the_cores(core_app):
    endpoint, _ = core_app.url_map.bind("localhost").match("/en/archive/")
    assert endpoint == "programmes.archive"


def test_the_names_the_core_uses_are_read_from_the_app(app):
    taken = core_names(app)
    plugin_keys = {plugin.key for plugin in app.extensions["oicvet.plugins"]}
    assert not plugin_keys & set(taken)
    core_blueprints = {name for name in app.blueprints
                       if name not in plugin_keys and not name.startswith("plugin_static_")}
    assert {"programmes", "accounts", "partners", "experts", "trop", "panel", "seo"} <= core_blueprints
    assert core_blueprints <= set(taken)
    segments = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".", 1)[0] in plugin_keys:
            continue
        parts = [part for part in rule.rule.split("/") if part]
        if len(parts) > 1 and parts[0] == "<lang:lang>" and not parts[1].startswith("<"):
            segments.add(parts[1])
    assert {"archive", "admin", "account", "sectors", "events"} <= segments
    assert segments <= set(taken)
    folders = {path.name for path in (ROOT / "oicvet" / "templates").iterdir() if path.is_dir()}
    assert folders <= set(taken)
    assert taken["messages"] == "its translation domain"


def test_a_name_a_new_feature_takes_is_refused_to_plugins(make_app, tmp_path):
    """A feature added to the core reserves its names with no list to update."""
    app = make_app(OICVET_PLUGIN_DIR=str(tmp_path))
    newsroom = Blueprint("newsroom", __name__, url_prefix="/<lang:lang>/press")
    newsroom.add_url_rule("/", "index", lambda lang: "Press")
    app.register_blueprint(newsroom)
    taken = core_names(app)
    assert "newsroom" in taken and "press" in taken
    press = SectorPlugin(key="press", title=LazyText(str, "Press"), description=LazyText(str, "Press"),
                         order=1, programmes=[])
    with pytest.raises(PluginError, match=r"'press'.*/<lang>/press/"):
        mount_plugin_pages(app, [press])


# 3. The key's form


@pytest.mark.parametrize("key", ["Maritime", "mari-time", "m", "9lives", "a" * 41])
def test_a_folder_whose_name_is_no_plugin_key_stops_start_up(make_app, plugin_dir, key):
    _write_plugin(plugin_dir, key, plugin_source(key))
    message = start_error(make_app, plugin_dir)
    assert f"Plugin {key!r}" in message
    assert str(plugin_dir / key) in message  # the folder to rename
    assert "lowercase" in message and "rename" in message


def test_a_key_of_letters_digits_and_underscores_loads(make_app, plugin_dir):
    _write_plugin(plugin_dir, "maritime_2", plugin_source("maritime_2"))
    app = make_app(OICVET_PLUGIN_DIR=str(plugin_dir))
    assert [plugin.key for plugin in app.extensions["oicvet.plugins"]] == ["maritime_2"]
    client = app.test_client()
    assert client.get("/en/sectors/maritime_2/").status_code == 200
    assert client.get("/en/maritime_2/about/").status_code == 200


# 4. Seed event keys


def test_a_seed_event_key_of_another_plugin_stops_start_up_before_any_database_work(make_app, plugin_dir, tmp_path):
    _write_plugin(plugin_dir, "maritime", plugin_source(
        "maritime", events=f"[{seed_event('ports-launch-2012', 'maritime-ports')}]"))
    _write_plugin(plugin_dir, "fisheries", plugin_source(
        "fisheries", order="2", links="[]", events=f"[{seed_event('ports-launch-2012', 'fisheries-ports')}]"))
    database = tmp_path / "fresh.db"
    message = start_error(make_app, plugin_dir, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    # The second to load is the one told to change, and learns whose key it took.
    assert message.startswith("Plugin 'fisheries'"), message
    assert "'ports-launch-2012'" in message and "plugin 'maritime'" in message
    assert "a key of its own" in message
    assert not database.exists()  # refused before the database was opened


def test_a_seed_event_key_repeated_in_one_plugin_stops_start_up(make_app, plugin_dir):
    events = f"[{seed_event('ports-2012', 'maritime-ports')}, {seed_event('ports-2012', 'maritime-ports')}]"
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime", events=events))
    message = start_error(make_app, plugin_dir)
    assert "'maritime'" in message and "'ports-2012'" in message and "a key of its own" in message


# 5. Texts


@pytest.mark.parametrize(
    ("arguments", "where"),
    [
        ({"title": '"Maritime Affairs"'}, "title"),
        ({"description": '"Ports and ships."'}, "description"),
        ({"programmes": '[Programme("maritime-ports", "Ports", _l("Skills."), _l("Courses."))]'},
         "programme 'maritime-ports': title"),
        ({"programmes": '[Programme("maritime-ports", _l("Ports"), "Skills.", _l("Courses."))]'},
         "programme 'maritime-ports': summary"),
        ({"programmes": '[Programme("maritime-ports", _l("Ports"), _l("Skills."), "Courses.")]'},
         "programme 'maritime-ports': body"),
        ({"links": '[MenuLink("About the sector", "about")]'}, "menu link to 'about': label"),
        ({"rosters": '[Roster("port-experts", "Port experts", _l("Pilots."), {"pilots": _l("Pilots")})]'},
         "roster 'port-experts': title"),
        ({"rosters": '[Roster("port-experts", _l("Port experts"), _l("Pilots."), {"pilots": "Pilots"})]'},
         "roster 'port-experts': field 'pilots'"),
    ],
)
def test_a_plain_text_stops_start_up_asking_for_l(make_app, plugin_dir, arguments, where):
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime", **arguments))
    message = start_error(make_app, plugin_dir)
    assert message.startswith(f"Plugin 'maritime': {where} is a str"), message
    assert '_l("…")' in message


def test_a_seed_event_title_without_english_stops_start_up(make_app, plugin_dir):
    event = seed_event("ports-2012", "maritime-ports", title='{"fr": "Atelier portuaire"}')
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime", events=f"[{event}]"))
    message = start_error(make_app, plugin_dir)
    assert "'maritime'" in message and "'ports-2012'" in message and "title" in message
    assert "English" in message


def test_a_seed_event_title_with_english_loads(make_app, plugin_dir):
    event = seed_event("ports-2012", "maritime-ports", title='{"en": "Port workshop", "fr": "Atelier portuaire"}')
    _write_plugin(plugin_dir, "maritime", plugin_source("maritime", events=f"[{event}]"))
    app = make_app(OICVET_PLUGIN_DIR=str(plugin_dir))
    (plugin,) = app.extensions["oicvet.plugins"]
    assert plugin.events[0].title["en"] == "Port workshop"


def test_flask_babels_own_lazy_gettext_is_accepted(make_app, plugin_dir):
    header = HEADER.replace("from oicvet.plugins import lazy_gettext as _l",
                            "from flask_babel import lazy_gettext as _l")
    roster = '[Roster("port-experts", _l("Port experts"), _l("Pilots."), {"pilots": _l("Pilots")})]'
    source = plugin_source("maritime", header=header, rosters=roster,
                           events=f"[{seed_event('ports-2012', 'maritime-ports')}]")
    assert "from oicvet.plugins import lazy_gettext" not in source
    _write_plugin(plugin_dir, "maritime", source)
    client = make_app(OICVET_PLUGIN_DIR=str(plugin_dir)).test_client()
    for lang in LANGUAGES:
        assert client.get(f"/{lang}/sectors/maritime/").status_code == 200


# 6. Kinds of event


def _core_catalog(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def test_every_kind_of_event_has_one_label_translated_by_the_core():
    from oicvet import demo

    assert EVENT_KINDS
    for kind, label in EVENT_KINDS.items():
        # The key is stored in a 30-character column; the label is a lazy string of the core's catalog.
        assert re.fullmatch(r"[a-z][a-z_]{0,29}", kind), kind
        assert isinstance(label, LazyText) and label.msgid.strip(), kind
    labels = [label.msgid for label in EVENT_KINDS.values()]
    assert len(set(labels)) == len(labels), "two kinds read the same"
    for lang in ("ar", "fr"):
        catalog = _core_catalog(lang)
        for kind, label in EVENT_KINDS.items():
            message = catalog.get(label.msgid)
            assert message is not None and message.string and not message.fuzzy, (lang, kind, label.msgid)
    # The demo data only makes kinds that have a label.
    assert set(demo.EVENT_KINDS) <= set(EVENT_KINDS)


def test_the_programmes_feature_shows_the_kinds_label(app):
    from oicvet.extensions import db
    from oicvet.models import Event
    from oicvet.programmes import EVENT_KIND_LABELS

    assert EVENT_KIND_LABELS is EVENT_KINDS
    slugs = app.extensions["oicvet.plugins"].programme_slugs
    with app.app_context():
        found = db.session.execute(db.select(Event.id, Event.kind).where(
            Event.kind.in_(list(EVENT_KINDS)), Event.published, Event.programme.in_(list(slugs))
        ).order_by(Event.id).limit(1)).first()
    assert found is not None, "the seed has no event of a known kind"
    event_id, kind = found
    client = app.test_client()
    for lang in LANGUAGES:
        msgid = EVENT_KINDS[kind].msgid
        shown = msgid if lang == "en" else _core_catalog(lang).get(msgid).string
        html = client.get(f"/{lang}/events/{event_id}/").get_data(as_text=True)
        assert f"<dd>{escape(shown)}</dd>" in html, (lang, kind)


def test_a_plugins_text_with_a_number_is_a_plural_entry_it_must_translate(tmp_path):
    # lazy_ngettext comes from oicvet.plugins, and the catalog checks find its entry with both forms.
    from oicvet.plugins import lazy_ngettext
    from oicvet.plugins.testing import source_msgids

    package = tmp_path / "harbours"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from oicvet.plugins import lazy_ngettext\n"
        "BERTHS = lazy_ngettext('%(num)d berth', '%(num)d berths', 3)\n"
    )
    plugin = SectorPlugin(key="harbours", title=LazyText(str, "Harbours"), description=LazyText(str, "Ports"),
                          order=1, programmes=[])
    plugin.root = package
    found, errors = source_msgids(plugin)
    assert errors == []
    assert ("%(num)d berth", "%(num)d berths") in found
    assert str(lazy_ngettext("%(num)d berth", "%(num)d berths", 3)) == "3 berths"
