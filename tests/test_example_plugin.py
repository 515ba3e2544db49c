"""The example plugin of examples/oicvet-maritime, installed with pip as a plugin author would install
it: its migration branch, its page, its block of the sector page, its stylesheet and its catalogs.

It is installed into a folder of this module's own, on ``sys.path`` only while the module runs: the
other tests expect the six plugins of ``plugins/`` when none is chosen.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text

from config import database_url as normalise_url
from oicvet.cli import MIGRATIONS
from oicvet.extensions import db
from tests.conftest import ALL_SECTORS, ROOT, _reset_database, run_setup, sibling_database

EXAMPLE = ROOT / "examples" / "oicvet-maritime"
WITH_MARITIME = [*ALL_SECTORS, "maritime"]
#: Two ports, one with characters that HTML must escape.
PORTS = [("Port of Dakar", "SN"), ("Klang & <Harbour>", "MY")]
#: What each language shows: the sector, the menu link and the page's heading, the caption for two ports,
#: the text of the sector page's block, its link, and Senegal.
SHOWN = {
    "en": ("Maritime Transport", "Ports", "2 ports", "keeps a table of its own", "See the list of ports",
           "Senegal"),
    "ar": ("النقل البحري", "الموانئ", "ميناءان", "يحتفظ هذا القطاع التجريبي بجدول خاص به",
           "اطّلع على قائمة الموانئ", "السنغال"),
    "fr": ("Transport maritime", "Ports", "2 ports", "tient sa propre table", "Voir la liste des ports",
           "Sénégal"),
}
DIRECTION = {"en": "ltr", "ar": "rtl", "fr": "ltr"}


def _pip_install(source: Path, target: Path) -> None:
    """``pip install`` of the example, offline: no index, no dependency (the site has them all) and no build
    environment of its own (which pip would fill from the index): the build uses this environment's setuptools."""
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
               "--no-compile", "--disable-pip-version-check", "--quiet", "--target", str(target), str(source)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, (
        "pip could not install the example plugin offline. Before setuptools 70.1, setuptools builds a wheel "
        f"with the 'wheel' package, which must then be installed beside it.\n{result.stdout}\n{result.stderr}")


def _empty_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of this module's own, with no table at all: `flask setup` makes everything."""
    given = normalise_url(os.environ.get("TEST_DATABASE_URL"))
    if not given:
        return f"sqlite:///{tmp_path_factory.mktemp('maritime-db') / 'oicvet-test.db'}"
    suffix = "_".join(part for part in (os.environ.get("PYTEST_XDIST_WORKER"), "maritime") if part)
    url = sibling_database(given, suffix)
    _reset_database(url)
    return url


@pytest.fixture(scope="module")
def installed(make_app, tmp_path_factory) -> Iterator[Path]:
    """The example installed into a folder of its own, which is put on ``sys.path`` for this module only.

    ``make_app`` comes first: the suite's shared database is made (with every plugin found) before the
    example can be found.
    """
    work = tmp_path_factory.mktemp("maritime-install")
    # pip builds a local project in its folder (build/, *.egg-info/): a copy keeps the source tree clean.
    source = shutil.copytree(EXAMPLE, work / "source",
                             ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = work / "site-packages"
    _pip_install(source, target)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(target))  # undone on leaving: sys.path as it was
        try:
            yield target
        finally:
            _forget_the_example(target)


def _forget_the_example(target: Path) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "oicvet_maritime"]:
        del sys.modules[name]
    sys.path_importer_cache.pop(str(target), None)
    # The models' metadata is the core's: without this, the table would be part of every later app's schema.
    table = db.metadata.tables.get("maritime_port")
    if table is not None:
        db.metadata.remove(table)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    return _empty_database(tmp_path_factory)


@pytest.fixture(scope="module")
def maritime_app(installed, database, make_app) -> Iterator[Flask]:
    """The site with the six sectors and the example, on its database after `flask setup`, with two ports."""
    app = make_app(SQLALCHEMY_DATABASE_URI=database, OICVET_PLUGINS=WITH_MARITIME)
    run_setup(app)
    from oicvet_maritime.models import Port

    with app.app_context():
        db.session.add_all([Port(name=name, country=country) for name, country in PORTS])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _versions(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(text("SELECT version_num FROM alembic_version")))


def test_the_plugin_is_installed_with_its_files_and_entry_point(installed):
    package = installed / "oicvet_maritime"
    for name in ("templates/ports.html", "templates/sector.html", "static/maritime.css",
                 "translations/ar/LC_MESSAGES/maritime.po", "translations/fr/LC_MESSAGES/maritime.po",
                 "migrations/versions/maritime_0001_ports.py"):
        assert (package / name).is_file(), name
    (entry_points,) = installed.glob("oicvet_maritime-*.dist-info/entry_points.txt")
    assert "maritime = oicvet_maritime:plugin" in entry_points.read_text()


def test_setup_upgrades_the_core_and_the_plugin_branch(maritime_app):
    from alembic.script import ScriptDirectory

    core_heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    assert _versions(maritime_app) == core_heads | {"maritime_0001"}
    with maritime_app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        columns = {column["name"] for column in inspect(db.engine).get_columns("maritime_port")}
        db.engine.dispose()
    assert {"maritime_port", "event", "account"} <= tables
    assert columns == {"id", "name", "country"}
    # Run again, it has nothing left to do.
    run_setup(maritime_app)
    assert _versions(maritime_app) == core_heads | {"maritime_0001"}


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_the_menu_lists_the_sector_and_its_page(maritime_app, lang):
    title, ports = SHOWN[lang][:2]
    html = maritime_app.test_client().get(f"/{lang}/").get_data(as_text=True)
    assert f'href="/{lang}/sectors/maritime/">{title}</a>' in html
    assert f'href="/{lang}/maritime/ports/">{ports}</a>' in html
    assert f'href="/{lang}/programmes/maritime-port-operations-example/">' in html


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_the_ports_page_lists_the_table_in_each_language(maritime_app, lang):
    title, heading, caption, *_, senegal = SHOWN[lang]
    response = maritime_app.test_client().get(f"/{lang}/maritime/ports/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{DIRECTION[lang]}">' in html
    assert f"<h1>{heading}</h1>" in html and f"<caption>{caption}</caption>" in html
    assert "<td>Port of Dakar</td>" in html and f"<td>{senegal}</td>" in html
    # A port's name is text, never markup.
    assert "<td>Klang &amp; &lt;Harbour&gt;</td>" in html and "<Harbour>" not in html
    assert f'href="/{lang}/sectors/maritime/">{title}</a>' in html
    assert 'href="/static/plugins/maritime/maritime.css"' in html


def test_the_ports_page_without_ports_says_so(maritime_app):
    from oicvet_maritime.models import Port

    with maritime_app.app_context():
        kept = [(port.name, port.country) for port in db.session.scalars(db.select(Port))]
        db.session.execute(db.delete(Port))
        db.session.commit()
        try:
            html = maritime_app.test_client().get("/fr/maritime/ports/").get_data(as_text=True)
        finally:
            db.session.add_all([Port(name=name, country=country) for name, country in kept])
            db.session.commit()
    assert "Aucun port n’a encore été ajouté." in html and "<table" not in html


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_the_sector_page_shows_the_plugins_block_and_stylesheet(maritime_app, lang):
    title, _ports, _caption, block, link, _senegal = SHOWN[lang]
    html = maritime_app.test_client().get(f"/{lang}/sectors/maritime/").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html  # the core's page, which the plugin's extends
    section = html[html.index('<section class="maritime-note"'):]
    section = section[:section.index("</section>")]
    assert block in section and f'<a href="/{lang}/maritime/ports/">{link}</a>' in section
    head = html[:html.index("</head>")]
    assert '<link rel="stylesheet" href="/static/plugins/maritime/maritime.css">' in head


def test_the_stylesheet_is_served_and_uses_logical_properties(maritime_app):
    response = maritime_app.test_client().get("/static/plugins/maritime/maritime.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert ".maritime-note" in css and "border-inline-start" in css
    # Arabic pages run from the right: no property or value that names a physical side.
    assert not re.search(r"\b(left|right|top|bottom)\b|(width|height)\s*:", rules)


def test_a_site_that_leaves_the_plugin_out_starts_sets_up_and_keeps_its_table(maritime_app, database, make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=database, OICVET_PLUGINS=ALL_SECTORS)
    assert "maritime" not in [plugin.key for plugin in app.extensions["oicvet.plugins"]]
    run_setup(app)
    client = app.test_client()
    assert client.get("/en/sectors/maritime/").status_code == 404
    assert client.get("/en/maritime/ports/").status_code == 404
    assert "/maritime/" not in client.get("/en/").get_data(as_text=True)
    with app.app_context():
        names = set(db.session.scalars(text("SELECT name FROM maritime_port")))
        db.engine.dispose()
    assert names == {name for name, _country in PORTS}
    assert "maritime_0001" in _versions(app)  # ready for the plugin's return
