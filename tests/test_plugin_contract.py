"""The plugin contract, checked for every plugin the default app loads, with the checks a plugin's own
tests use (oicvet.plugins.testing); and each check shown to fail on a tiny plugin that breaks it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from flask import Flask

from config import get_config
from oicvet.plugins.loader import load_plugins
from oicvet.plugins.testing import (
    check_catalogs,
    check_imports,
    check_pages,
    check_plugin,
    check_takeover,
    check_templates,
    plugin_pages,
)
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
_CONFIG = get_config("testing")
#: The plugins the default app loads (``make_app()`` loads every one found), known when tests are collected.
LOADED = [plugin.key for plugin in load_plugins(Path(_CONFIG.OICVET_PLUGIN_DIR), None)]


@pytest.fixture(scope="module")
def contract_app(make_app) -> Flask:
    """The default app, built once for this module, on the seeded test database."""
    return make_app()


def _report(problems: list[str]) -> str:
    return "\n".join(problems)


def test_an_installed_plugin_runs_the_checks_in_its_own_tests(make_app, monkeypatch):
    # As the module's docstring shows a plugin's own test doing it.
    monkeypatch.syspath_prepend(str(FIXTURES / "entry_points"))
    app = make_app()
    assert "example" in [plugin.key for plugin in app.extensions["oicvet.plugins"]]
    problems = check_plugin(app, "example")
    assert not problems, _report(problems)


def test_the_contract_covers_every_loaded_plugin(contract_app):
    assert [plugin.key for plugin in contract_app.extensions["oicvet.plugins"]] == LOADED
    assert len(LOADED) >= 6


@pytest.mark.parametrize("key", LOADED)
def test_its_pages_answer_in_every_language_with_lang_and_dir(contract_app, key):
    problems = check_pages(contract_app, key)
    assert not problems, _report(problems)


@pytest.mark.parametrize("key", LOADED)
def test_its_shipped_events_are_among_the_pages_checked(contract_app, key):
    from oicvet.extensions import db
    from oicvet.models import Event

    plugin = contract_app.extensions["oicvet.plugins"].sector(key)
    with contract_app.app_context():
        seeded = dict(db.session.execute(
            db.select(Event.seed_key, Event.id).where(Event.seed_key.in_([event.key for event in plugin.events]))
        ).all())
    assert sorted(seeded) == sorted(event.key for event in plugin.events), "the test database lacks its events"
    checked = {values.get("event_id") for endpoint, values in plugin_pages(contract_app, key)}
    assert set(seeded.values()) <= checked


@pytest.mark.parametrize("key", LOADED)
def test_its_catalogs_are_complete(contract_app, key):
    problems = check_catalogs(contract_app, key)
    assert not problems, _report(problems)


@pytest.mark.parametrize("key", LOADED)
def test_its_templates_are_namespaced(contract_app, key):
    problems = check_templates(contract_app, key)
    assert not problems, _report(problems)


@pytest.mark.parametrize("key", LOADED)
def test_it_imports_no_other_plugin(contract_app, key):
    problems = check_imports(contract_app, key)
    assert not problems, _report(problems)


@pytest.mark.parametrize("key", LOADED)
def test_it_takes_over_no_core_name_or_address(contract_app, key):
    problems = check_takeover(contract_app, key)
    assert not problems, _report(problems)


# --- Each check can fail: tiny plugins, each breaking one part of the contract --------------------------

#: The first block of a plugin catalog that ships with the site: its header, with the plural rule the
#: core's catalog of that language has (a different one stops start-up).
HEADERS = {
    lang: (ROOT / f"plugins/ict/translations/{lang}/LC_MESSAGES/ict.po").read_text(encoding="utf-8").split("\n\n")[0]
    for lang in ("ar", "fr")
}


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _po(lang: str, entries: dict[str, str], fuzzy: tuple[str, ...] = ()) -> str:
    blocks = [HEADERS[lang]]
    for msgid, msgstr in entries.items():
        flag = "#, fuzzy\n" if msgid in fuzzy else ""
        blocks.append(f'{flag}msgid "{msgid}"\nmsgstr "{msgstr}"')
    return "\n\n".join(blocks) + "\n"


def _declaration(key: str, title: str, extra: str = "", arguments: str = "") -> str:
    return f"""
        from flask import Blueprint, abort, redirect, render_template

        from oicvet.plugins import MenuLink, Programme, SectorPlugin
        from oicvet.plugins import lazy_gettext as _l

        blueprint = Blueprint("{key}", __name__)
        {extra}
        plugin = SectorPlugin(
            key="{key}", title=_l("{title} Sector"), description=_l("{title} sector, for the tests."), order=90,
            programmes=[Programme("{key}-programme", _l("{title} Programme"), _l("{title} summary."), _l("{title} text."))],
            blueprint=blueprint, {arguments}
        )
    """


TIDY_TEXTS = {
    "ar": {"Tidy Sector": "قطاع مرتب", "Tidy sector, for the tests.": "قطاع مرتب للاختبارات.",
           "Tidy Programme": "برنامج مرتب", "Tidy summary.": "ملخص مرتب.", "Tidy text.": "نص مرتب.",
           "Tidy notes": "ملاحظات مرتبة", "Notes number %(number)s": "الملاحظة رقم %(number)s"},
    "fr": {"Tidy Sector": "Secteur ordonné", "Tidy sector, for the tests.": "Secteur ordonné, pour les tests.",
           "Tidy Programme": "Programme ordonné", "Tidy summary.": "Résumé ordonné.", "Tidy text.": "Texte ordonné.",
           "Tidy notes": "Notes ordonnées", "Notes number %(number)s": "Notes numéro %(number)s"},
}


def _tidy() -> dict[str, str]:
    """A plugin that keeps the whole contract: a hook template, a page of its own, complete catalogs."""
    views = """
        @blueprint.get("/notes/")
        def notes():
            return render_template("tidy/notes.html", number=None)

        @blueprint.get("/notes/<int:number>/")
        def note(number):
            return render_template("tidy/notes.html", number=number)
    """
    return {
        "tidy/__init__.py": _declaration("tidy", "Tidy", textwrap.dedent(views).replace("\n", "\n        "),
                                         'links=[MenuLink(_l("Tidy notes"), "notes")],'),
        "tidy/templates/sector.html": '{% extends "sector.html" %}',
        "tidy/templates/notes.html": """
            {% extends "base.html" %}
            {% block content %}<h1>{{ _("Tidy notes") }}</h1>
            {% if number %}<p>{{ _("Notes number %(number)s", number=number) }}</p>{% endif %}{% endblock %}
        """,
        **{f"tidy/translations/{lang}/LC_MESSAGES/tidy.po": _po(lang, texts) for lang, texts in TIDY_TEXTS.items()},
    }


def _patchy() -> dict[str, str]:
    """Catalogs with a string missing (Arabic), one fuzzy and one whose placeholder is renamed (French)."""
    fr = {"Patchy Sector": "Secteur inégal", "Patchy sector, for the tests.": "Secteur inégal, pour les tests.",
          "Patchy Programme": "Programme inégal", "Patchy summary.": "Résumé inégal.", "Patchy text.": "Texte inégal.",
          "Sown by %(farmer)s": "Semé par %(fermier)s"}
    ar = {"Patchy Sector": "قطاع متفاوت", "Patchy sector, for the tests.": "قطاع متفاوت للاختبارات.",
          "Patchy Programme": "برنامج متفاوت", "Patchy summary.": "ملخص متفاوت.",
          "Sown by %(farmer)s": "زرعه %(farmer)s"}
    return {
        "patchy/__init__.py": _declaration("patchy", "Patchy"),
        "patchy/templates/sector.html": """
            {% extends "sector.html" %}
            {% block sector_intro %}<p>{{ _("Sown by %(farmer)s", farmer="Amina") }}</p>{% endblock %}
        """,
        "patchy/translations/ar/LC_MESSAGES/patchy.po": _po("ar", ar),
        "patchy/translations/fr/LC_MESSAGES/patchy.po": _po("fr", fr, fuzzy=("Patchy summary.",)),
    }


def _squatter() -> dict[str, str]:
    """A template at a core template's name, and a blueprint whose template folder puts its templates
    beside the core's."""
    declaration = _declaration("squatter", "Squatter").replace(
        'Blueprint("squatter", __name__)', 'Blueprint("squatter", __name__, template_folder="templates")')
    return {
        "squatter/__init__.py": declaration,
        "squatter/templates/base.html": "<p>Not the site's layout.</p>",
        "squatter/templates/squatter_loose.html": "<p>Found without the plugin's name.</p>",
    }


def _borrower() -> dict[str, str]:
    """Imports from another plugin, in both ways (they run only when called: the check reads the source)."""
    return {
        "borrower/__init__.py": _declaration("borrower", "Borrower", textwrap.dedent("""
            def neighbour():
                from plugins.tidy import plugin as tidy

                return tidy
        """).replace("\n", "\n        ")),
        "borrower/views.py": """
            from oicvet.plugins import SectorPlugin


            def neighbour_title(plugin: SectorPlugin) -> str:
                from .. import tidy

                return str(tidy.plugin.title)
        """,
    }


def _grabber() -> dict[str, str]:
    """A blueprint that reaches for the app to answer at core addresses."""
    extra = """
        @blueprint.record_once
        def take(state):
            state.app.add_url_rule("/<lang:lang>/about/", "grabber.about", lambda lang: "mine")
            state.app.add_url_rule("/<lang:lang>/events/1/", "grabber.first_event", lambda lang: "mine")
    """
    return {"grabber/__init__.py": _declaration("grabber", "Grabber", textwrap.dedent(extra).replace("\n", "\n        "))}


def _shaky() -> dict[str, str]:
    """Pages of its own that fail, move, or leave out the language and direction."""
    extra = """
        @blueprint.get("/broken/")
        def broken():
            raise RuntimeError("the shaky view broke")

        @blueprint.get("/gone/")
        def gone():
            abort(404)

        @blueprint.get("/bare/")
        def bare():
            return "<!doctype html><html><body><p>Bare</p></body></html>"
    """
    return {"shaky/__init__.py": _declaration("shaky", "Shaky", textwrap.dedent(extra).replace("\n", "\n        "))}


@pytest.fixture(scope="module")
def faulty_app(make_app, tmp_path_factory) -> Flask:
    """One app with the tiny plugins above, built once: each test reads the problems of one of them."""
    folder = tmp_path_factory.mktemp("contract_plugins")
    for files in (_tidy(), _patchy(), _squatter(), _borrower(), _grabber(), _shaky()):
        _write(folder, files)
    return make_app(OICVET_PLUGIN_DIR=str(folder))


def test_a_plugin_that_keeps_the_contract_has_no_problems(faulty_app):
    assert check_plugin(faulty_app, "tidy") == []
    pages = plugin_pages(faulty_app, "tidy")
    # Its page that needs a number is not guessed at; the one that needs only the language is read.
    assert ("tidy.notes", {}) in pages and not any(endpoint == "tidy.note" for endpoint, _ in pages)


def test_a_plugin_that_is_not_loaded_is_reported(faulty_app):
    assert check_plugin(faulty_app, "maritime") == [
        "Plugin 'maritime' is not loaded in this app (check OICVET_PLUGINS and the plugin folder)"
    ]


def test_the_catalog_check_reports_missing_fuzzy_and_misnamed_placeholders(faulty_app):
    problems = check_catalogs(faulty_app, "patchy")
    assert problems == [
        "Plugin 'patchy', ar/LC_MESSAGES/patchy.po: no entry for 'Patchy text.'",
        "Plugin 'patchy', fr/LC_MESSAGES/patchy.po: 'Patchy summary.' is fuzzy",
        "Plugin 'patchy', fr/LC_MESSAGES/patchy.po: 'Sown by %(farmer)s': the translation has placeholders "
        "the msgid lacks: %(fermier)",
    ]
    # A plugin without catalogs has none in any language but English.
    assert any("has no 'ar' catalog" in problem for problem in check_catalogs(faulty_app, "shaky"))


def test_the_template_check_reports_a_core_name_and_templates_outside_the_namespace(faulty_app):
    problems = _report(check_templates(faulty_app, "squatter"))
    assert "its template 'base.html' has the name of a core template" in problems
    assert "its template 'squatter_loose.html' is reached as 'squatter_loose.html', outside squatter/" in problems
    assert "its blueprint's template folder puts 'base.html' (a core template's name) among the core's" in problems
    # The hook templates may carry a core name: tidy's sector.html is no problem.
    assert check_templates(faulty_app, "tidy") == []


def test_the_import_check_reports_an_import_of_another_plugin(faulty_app):
    problems = check_imports(faulty_app, "borrower")
    assert len(problems) == 2, _report(problems)
    assert problems[0].startswith("Plugin 'borrower': __init__.py, line ")
    assert "imports 'plugins.tidy', of plugin 'tidy'" in problems[0]
    assert problems[1].startswith("Plugin 'borrower': views.py, line ")
    assert "imports 'plugins.tidy', of plugin 'tidy'" in problems[1]


def test_the_takeover_check_reports_core_addresses_taken(faulty_app):
    problems = _report(check_takeover(faulty_app, "grabber"))
    assert "its view 'grabber.about' answers at /<lang:lang>/about/, outside its address" in problems
    assert "its view 'grabber.about' has the address /<lang:lang>/about/ of the core's 'pages." in problems
    assert ("its view 'grabber.first_event' answers /en/events/1/, an address of the core's 'programmes.event'"
            in problems)
    assert check_takeover(faulty_app, "tidy") == []


def test_the_page_check_reports_failing_pages_and_a_missing_language(faulty_app):
    problems = check_pages(faulty_app, "shaky")
    for lang in ("en", "ar", "fr"):
        assert f"Plugin 'shaky': /{lang}/shaky/broken/ answers 500, not 200" in problems
        assert f"Plugin 'shaky': /{lang}/shaky/gone/ answers 404, not 200" in problems
    assert ('Plugin \'shaky\': /ar/shaky/bare/ has <html>, not <html lang="ar" dir="rtl"> (extend the core\'s '
            'base.html)') in problems
    assert len(problems) == 9, _report(problems)
