"""`flask plugin new`: the plugin it writes loads at once, answers in every language, passes the
suite's catalog checks and its own test; as a distribution it installs through its entry point;
and it refuses keys and folders it must not take.

Nothing here writes into the real plugin folder: a command run by the site's own app (which
loads the real plugins) always has a --target in a temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from markupsafe import escape

import tests.test_languages as language_checks  # a module, so that its tests are not collected here again
from oicvet.i18n import lazy_gettext
from oicvet.plugins.scaffold import UNTRANSLATED
from oicvet.plugins.testing import check_plugin
from tests.conftest import FIXTURES

# What these check happens at start-up or on the command line, whatever the database.
pytestmark = pytest.mark.database_free

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ar", "fr")
SECTOR = "Shipping & Port Services"


@pytest.fixture(autouse=True, scope="module")
def real_plugin_folder_untouched():
    def written() -> set[str]:  # Python's byte-code caches aside, which any import may write
        return {name for name in files(ROOT / "plugins") if "__pycache__" not in name}

    before = written()
    yield
    assert written() == before


def new_plugin(app, *args: str):
    return app.test_cli_runner().invoke(args=["plugin", "new", *args])


def install(root: Path) -> None:
    """What installing the distribution tells Python: its entry points, read from its pyproject.toml."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    info = root / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    name, version = project["name"], project["version"]
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    points = "".join(f"{key} = {value}\n" for key, value in project["entry-points"]["oicvet.plugins"].items())
    (info / "entry_points.txt").write_text(f"[oicvet.plugins]\n{points}")


def files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture(scope="module")
def plugin_dir(make_app, tmp_path_factory) -> Path:
    """A plugin folder where `flask plugin new shipping` has just run."""
    folder = tmp_path_factory.mktemp("plugins")
    result = new_plugin(make_app(OICVET_PLUGIN_DIR=str(folder)), "shipping", "--sector", SECTOR)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def distribution(app, tmp_path_factory) -> Path:
    """`flask plugin new fisheries --target DIR`, run by the site with all its plugins, then installed."""
    target = tmp_path_factory.mktemp("dist")
    result = new_plugin(app, "fisheries", "--sector", "Fisheries", "--target", str(target))
    assert result.exit_code == 0, result.output
    root = target / "oicvet-fisheries"
    assert "pip install -e" in result.output and str(root) in result.output
    install(root)
    return root


def test_it_writes_a_package_of_the_plugin_folder(plugin_dir):
    package = plugin_dir / "shipping"
    assert files(plugin_dir) >= {
        "shipping/__init__.py",
        "shipping/templates/sector.html",
        "shipping/translations/ar/LC_MESSAGES/shipping.po",
        "shipping/translations/fr/LC_MESSAGES/shipping.po",
        "shipping/tests/test_shipping.py",
    }
    assert not [name for name in os.listdir(plugin_dir) if name != "shipping"]  # no work folder left behind
    assert '"shipping-capacity-building"' in (package / "__init__.py").read_text()
    assert '{% extends "sector.html" %}' in (package / "templates/sector.html").read_text()


def test_the_command_lists_the_files_and_the_next_steps(make_app, tmp_path):
    result = new_plugin(make_app(OICVET_PLUGIN_DIR=str(tmp_path)), "fisheries", "--sector", "Fisheries")
    assert result.exit_code == 0, result.output
    for made in ("__init__.py", "sector.html", "LC_MESSAGES/fisheries.po", "tests/test_fisheries.py"):
        assert made in result.output
    assert "flask translate update" in result.output and "python -m pytest" in result.output


def test_the_new_plugin_loads_with_its_pages_in_every_language(plugin_dir, make_app):
    app = make_app(OICVET_PLUGIN_DIR=str(plugin_dir), OICVET_PLUGINS=["shipping"])
    plugin = app.extensions["oicvet.plugins"].sector("shipping")
    assert plugin.root == plugin_dir / "shipping"
    assert not check_plugin(app, "shipping")  # the contract the site's plugins keep
    [programme] = plugin.programmes
    client = app.test_client()
    for lang in LANGUAGES:
        page = client.get(f"/{lang}/sectors/shipping/")
        assert page.status_code == 200, lang
        html = page.get_data(as_text=True)
        # In the menu, under the title given (no translation yet), escaped as HTML.
        assert re.search(rf'href="/{lang}/sectors/shipping/"[^>]*>{re.escape(str(escape(SECTOR)))}</a>', html)
        assert "the Shipping &amp; Port Services group brings together" in html  # the plugin's own template
        page = client.get(f"/{lang}/programmes/{programme.slug}/")
        assert page.status_code == 200, lang
        assert f"<h1>{escape(SECTOR)} Capacity Building</h1>" in page.get_data(as_text=True)


def test_its_catalogs_pass_the_suites_checks(plugin_dir, app):
    # The checks every plugin of the plugin folder must pass: complete catalogs, nothing missing.
    package = plugin_dir / "shipping"
    catalogs = sorted(package.glob("translations/*/LC_MESSAGES/shipping.po"))
    assert [path.parts[-3] for path in catalogs] == ["ar", "fr"]
    for path in catalogs:
        language_checks.test_catalog_is_complete(path, app)
        with path.open("rb") as handle:
            entries = [message for message in read_po(handle) if message.id]
        # Nothing is translated yet: each entry holds the English text, and says so.
        assert len(entries) == 6
        assert all(entry.string == entry.id and entry.user_comments[0] == UNTRANSLATED for entry in entries)
    language_checks.test_every_string_in_the_code_is_in_the_catalogs("shipping", package,
                                                                      package / "translations")


def test_a_title_the_site_translates_keeps_its_translation(make_app, tmp_path):
    # "Cooperation" is a msgid of the core: a copy of the English would clash with its translation.
    core = make_app(OICVET_PLUGIN_DIR=str(tmp_path))
    with core.test_request_context("/ar/"), force_locale("ar"):
        arabic = str(lazy_gettext("Cooperation"))
    assert arabic != "Cooperation"
    assert new_plugin(core, "cooperation", "--sector", "Cooperation").exit_code == 0
    with (tmp_path / "cooperation/translations/ar/LC_MESSAGES/cooperation.po").open("rb") as handle:
        entry = read_po(handle)["Cooperation"]
    assert entry.string == arabic and not entry.user_comments
    html = make_app(OICVET_PLUGIN_DIR=str(tmp_path)).test_client().get("/ar/sectors/cooperation/")
    assert f'href="/ar/sectors/cooperation/" aria-current="page">{arabic}</a>' in html.get_data(as_text=True)


def test_it_comes_after_the_plugins_the_site_has(app, distribution):
    source = (distribution / "oicvet_fisheries/__init__.py").read_text()
    order = int(re.search(r"order=(\d+)", source).group(1))
    assert order > max(plugin.order for plugin in app.extensions["oicvet.plugins"])


def test_a_distribution_declares_its_entry_point_and_data(distribution):
    config = tomllib.loads((distribution / "pyproject.toml").read_text())
    assert config["project"]["name"] == "oicvet-fisheries"
    assert config["project"]["entry-points"]["oicvet.plugins"] == {"fisheries": "oicvet_fisheries:plugin"}
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == ["oicvet_fisheries*"]
    package = distribution / "oicvet_fisheries"
    patterns = config["tool"]["setuptools"]["package-data"]["oicvet_fisheries"]
    assert {"templates/**/*", "static/**/*", "translations/**/*"} <= set(patterns)
    # Every file of the package but its code (and the byte-code an import leaves) is data the patterns ship.
    data = {path for path in package.rglob("*")
            if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts}
    shipped = {path for pattern in patterns for path in package.glob(pattern) if path.is_file()}
    assert data and data <= shipped
    assert (distribution / "tests/test_plugin.py").is_file()
    assert not (package / "tests").exists()


def test_an_installed_distribution_loads_with_its_pages(distribution, make_app, monkeypatch):
    monkeypatch.syspath_prepend(str(distribution))
    app = make_app(OICVET_PLUGINS=["fisheries"])
    plugin = app.extensions["oicvet.plugins"].sector("fisheries")
    assert plugin.root == distribution / "oicvet_fisheries"
    assert not check_plugin(app, "fisheries")
    client = app.test_client()
    for lang in LANGUAGES:
        page = client.get(f"/{lang}/sectors/fisheries/")
        assert page.status_code == 200, lang
        assert 'aria-current="page">Fisheries</a>' in page.get_data(as_text=True)
        assert client.get(f"/{lang}/programmes/fisheries-capacity-building/").status_code == 200


def test_the_generated_tests_pass(plugin_dir, distribution, tmp_path):
    # Run as an author runs them, by pytest in a process of its own: their fixtures build a site on a
    # database of their own, which calling the test functions here would skip. One run takes both.
    tests = [plugin_dir / "shipping/tests", distribution / "tests"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(distribution)])}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={tmp_path / 'run'}",
         *map(str, tests)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout


@pytest.mark.parametrize("key", ["Maritime", "sea-ports", "9lives", "m", "a" * 41, "sea ports"])
def test_a_key_the_loader_refuses_is_refused(app, tmp_path, key):
    result = new_plugin(app, key, "--sector", "Sea Ports", "--target", str(tmp_path))
    assert result.exit_code != 0
    assert "is not a plugin key" in result.output
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("key", ["programmes", "sectors", "messages"])
def test_a_name_the_core_uses_is_refused(app, tmp_path, key):
    result = new_plugin(app, key, "--sector", "Anything", "--target", str(tmp_path))
    assert result.exit_code != 0
    assert "the core uses" in result.output
    assert not os.listdir(tmp_path)


def test_the_key_of_a_plugin_already_there_is_refused(app, plugin_dir, make_app, tmp_path, monkeypatch):
    # In the plugin folder: the site's own, and the folder the module's plugin was written to.
    result = new_plugin(app, "labour", "--sector", "Labour", "--target", str(tmp_path))
    assert result.exit_code != 0 and "a plugin 'labour' already exists" in result.output
    before = (plugin_dir / "shipping/__init__.py").read_text()
    result = new_plugin(make_app(OICVET_PLUGIN_DIR=str(plugin_dir)), "shipping", "--sector", "Other")
    assert result.exit_code != 0 and "a plugin 'shipping' already exists" in result.output
    assert (plugin_dir / "shipping/__init__.py").read_text() == before
    # Installed, through an entry point, though not loaded by this site.
    monkeypatch.syspath_prepend(str(FIXTURES / "entry_points"))
    result = new_plugin(app, "example", "--sector", "Example", "--target", str(tmp_path))
    assert result.exit_code != 0 and "a plugin 'example' already exists" in result.output
    assert not os.listdir(tmp_path)


def test_an_existing_folder_is_never_overwritten(make_app, tmp_path):
    plugins = tmp_path / "plugins"
    (plugins / "fisheries").mkdir(parents=True)  # not a package, so not a plugin, but someone's folder
    (plugins / "fisheries" / "notes.txt").write_text("mine")
    app = make_app(OICVET_PLUGIN_DIR=str(plugins))
    result = new_plugin(app, "fisheries", "--sector", "Fisheries")
    assert result.exit_code != 0 and "exists already" in result.output
    assert files(plugins) == {"fisheries", "fisheries/notes.txt"}
    target = tmp_path / "dist"
    (target / "oicvet-fisheries").mkdir(parents=True)
    result = new_plugin(app, "fisheries", "--sector", "Fisheries", "--target", str(target))
    assert result.exit_code != 0 and "exists already" in result.output
    assert files(target) == {"oicvet-fisheries"}


@pytest.mark.parametrize("title", ["", "   ", "Two\nlines"])
def test_a_sector_title_is_one_line_of_text(app, tmp_path, title):
    result = new_plugin(app, "fisheries", "--sector", title, "--target", str(tmp_path))
    assert result.exit_code != 0 and "--sector" in result.output
    assert not os.listdir(tmp_path)
