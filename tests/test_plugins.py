"""The plugin system: discovery, choice and order, errors that name the plugin, isolation."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from oicvet.i18n import CatalogClash
from oicvet.plugins import PluginError
from tests.conftest import ALL_SECTORS, FIXTURES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def installed_example(monkeypatch):
    """Put a distribution with an ``oicvet.plugins`` entry point on the path."""
    monkeypatch.syspath_prepend(str(FIXTURES / "entry_points"))


def test_an_installed_plugin_appears_with_menu_page_and_translated_title(make_app, installed_example):
    app = make_app()
    assert [p.key for p in app.extensions["oicvet.plugins"]][-1] == "example"
    client = app.test_client()
    html = client.get("/en/").get_data(as_text=True)
    assert 'href="/en/sectors/example/">Example Sector</a>' in html
    assert 'href="/en/programmes/example-programme/">Example Programme</a>' in html
    assert 'href="/en/example/about/">About the example sector</a>' in html
    ar = client.get("/ar/programmes/example-programme/").get_data(as_text=True)
    assert "<h1>برنامج تجريبي</h1>" in ar
    assert "قطاع تجريبي" in ar  # the plugin's own catalog
    assert "انتقل إلى المحتوى الرئيسي" in ar  # the layout's strings, from the core's catalog
    fr = client.get("/fr/example/about/").get_data(as_text=True)
    assert "<h1>À propos du secteur d'exemple</h1>" in fr
    assert client.get("/static/plugins/example/example.css").status_code == 200


def test_plugins_load_in_the_configured_order(make_app):
    app = make_app(OICVET_PLUGINS=["social", "diplomacy"])
    assert [p.key for p in app.extensions["oicvet.plugins"]] == ["social", "diplomacy"]


def test_a_plugin_left_out_loses_all_its_pages_and_menu_entries(make_app):
    app = make_app(OICVET_PLUGINS=[key for key in ALL_SECTORS if key != "labour"])
    client = app.test_client()
    for lang in ("en", "ar", "fr"):
        assert client.get(f"/{lang}/sectors/labour/").status_code == 404
        assert client.get(f"/{lang}/programmes/occupational-safety-and-health-network/").status_code == 404
    html = client.get("/en/").get_data(as_text=True)
    assert "/sectors/labour/" not in html and "occupational-safety" not in html
    archive = client.get("/en/archive/").get_data(as_text=True)
    assert "OIC-OSHNET" not in archive and 'value="labour"' not in archive
    assert "occupational-safety" not in client.get("/en/summary/").get_data(as_text=True)
    with app.app_context():
        from oicvet.extensions import db
        from oicvet.models import Event

        oshnet = db.session.scalar(db.select(Event).where(Event.seed_key == "oshnet-launch-2011"))
    assert client.get(f"/en/events/{oshnet.id}/").status_code == 404
    # The same event is there when the plugin is loaded.
    assert make_app().test_client().get(f"/en/events/{oshnet.id}/").status_code == 200


def test_a_missing_plugin_stops_start_up(make_app):
    with pytest.raises(PluginError, match="'maritime'"):
        make_app(OICVET_PLUGINS=["diplomacy", "maritime"])


def test_a_plugin_listed_twice_stops_start_up(make_app):
    with pytest.raises(PluginError, match="'ict'"):
        make_app(OICVET_PLUGINS=["ict", "ict"])


def test_a_duplicated_plugin_stops_start_up(make_app, tmp_path, monkeypatch):
    dist = tmp_path / "dup-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: dup\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[oicvet.plugins]\ndiplomacy = plugins.diplomacy:plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match="'diplomacy' is provided twice"):
        make_app()


def _write_plugin(folder: Path, key: str, body: str) -> None:
    package = folder / key
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(body))


def test_a_broken_plugin_stops_start_up_naming_it(make_app, tmp_path):
    _write_plugin(tmp_path, "broken", "raise ImportError('missing dependency')\n")
    with pytest.raises(PluginError, match="'broken'.*missing dependency"):
        make_app(OICVET_PLUGIN_DIR=str(tmp_path))


def test_a_plugin_without_a_sector_plugin_object_stops_start_up(make_app, tmp_path):
    _write_plugin(tmp_path, "empty", "plugin = object()\n")
    with pytest.raises(PluginError, match="'empty'"):
        make_app(OICVET_PLUGIN_DIR=str(tmp_path))


def test_a_plugin_cannot_clobber_a_core_string(make_app, tmp_path):
    _write_plugin(tmp_path, "clobber", """
        from flask_babel import lazy_gettext as _l
        from oicvet.plugins import Programme, SectorPlugin
        plugin = SectorPlugin(key="clobber", title=_l("Clobber"), description=_l("Clobber"), order=1,
                              programmes=[Programme("clobber", _l("Clobber"), _l("Clobber"), _l("Clobber"))])
    """)
    messages = tmp_path / "clobber" / "translations" / "ar" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    header = (ROOT / "plugins/ict/translations/ar/LC_MESSAGES/ict.po").read_text().split("\n\n")[0]
    (messages / "clobber.po").write_text(
        header + '\n\nmsgid "Skip to main content"\nmsgstr "شيء آخر"\n'
    )
    with pytest.raises(CatalogClash, match="'clobber'.*Skip to main content"):
        make_app(OICVET_PLUGIN_DIR=str(tmp_path))


def test_plugin_templates_are_namespaced(app):
    # Every plugin's sector page comes from its own folder, under its own key.
    for plugin in app.extensions["oicvet.plugins"]:
        source, filename, _ = app.jinja_loader.get_source(app.jinja_env, f"{plugin.key}/sector.html")
        assert Path(filename).is_relative_to(plugin.root)


def test_the_core_never_imports_a_plugin():
    # Read as Python, so that a comment or a string that names the plugins package is no import.
    for path in (ROOT / "oicvet").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            assert not any(name == "plugins" or name.startswith("plugins.") for name in names), (path, names)


def test_a_plugins_init_app_lists_its_pages_with_arguments_in_the_sitemap(make_app, tmp_path):
    _write_plugin(tmp_path, "harbours", """
        from flask import Blueprint
        from oicvet import seo
        from oicvet.plugins import Programme, SectorPlugin
        from oicvet.plugins import lazy_gettext as _l

        bp = Blueprint("harbours", __name__)

        @bp.get("/harbour/<int:number>/")
        def harbour(number):
            return f"harbour {number}"

        def init_app(app):
            seo.add_provider(app, lambda: [("harbours.harbour", {"number": number}) for number in (1, 2)])

        plugin = SectorPlugin(key="harbours", title=_l("Harbours"), description=_l("Harbours"), order=99,
                              programmes=[Programme("harbours-programme", _l("Harbours"), _l("Harbours"),
                                                    _l("Harbours"))],
                              blueprint=bp, init_app=init_app)
    """)
    app = make_app(OICVET_PLUGIN_DIR=str(tmp_path), OICVET_PLUGINS=["harbours"])
    sitemap = app.test_client().get("/sitemap.xml").get_data(as_text=True)
    assert "/en/harbours/harbour/1/" in sitemap and "/fr/harbours/harbour/2/" in sitemap


def test_a_failing_init_app_stops_start_up_naming_the_plugin(make_app, tmp_path):
    _write_plugin(tmp_path, "faulty", """
        from oicvet.plugins import Programme, SectorPlugin
        from oicvet.plugins import lazy_gettext as _l

        def init_app(app):
            raise KeyError("SOME_SETTING")

        plugin = SectorPlugin(key="faulty", title=_l("Faulty"), description=_l("Faulty"), order=99,
                              programmes=[Programme("faulty-programme", _l("Faulty"), _l("Faulty"), _l("Faulty"))],
                              init_app=init_app)
    """)
    with pytest.raises(PluginError, match="'faulty'.*init_app.*SOME_SETTING"):
        make_app(OICVET_PLUGIN_DIR=str(tmp_path), OICVET_PLUGINS=["faulty"])


def test_a_seed_event_keyed_as_one_of_oicvets_own_stops_the_seed_naming_the_plugin(make_app, tmp_path):
    # The core's events are stored first under their keys: the plugin's would silently never load.
    _write_plugin(tmp_path, "copycat", """
        from oicvet.plugins import Programme, SectorPlugin, SeedEvent
        from oicvet.plugins import lazy_gettext as _l

        plugin = SectorPlugin(key="copycat", title=_l("Copycat"), description=_l("Copycat"), order=99,
                              programmes=[Programme("copycat-programme", _l("Copycat"), _l("Copycat"), _l("Copycat"))],
                              events=[SeedEvent(key="mac-1-2009", programme="copycat-programme", kind="meeting",
                                                title=_l("Copycat"), year=2009)])
    """)
    app = make_app(OICVET_PLUGIN_DIR=str(tmp_path), OICVET_PLUGINS=["copycat"])
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0
    assert isinstance(result.exception, PluginError)
    assert "'copycat'" in str(result.exception) and "'mac-1-2009'" in str(result.exception)
