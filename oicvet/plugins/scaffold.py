"""``flask plugin new``: a sector plugin to start from, that loads and passes its own test at once.

By default it is written as a package of the plugin folder (``OICVET_PLUGIN_DIR``); with
``--target`` as a distribution of its own, found through its ``oicvet.plugins`` entry point
once installed. Either way it holds the declaration, a sector page template, a catalog for
every language the site serves, and a test.

The catalogs are complete from the start, since the site's catalog checks reject empty and
fuzzy entries: each entry takes the translation the site's catalogs already give its msgid
(a plugin must not translate a msgid of the core or of another plugin differently), or else
a copy of the English text, marked with a comment for the translator.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from oicvet.plugins.loader import PLUGIN_KEY, core_names, discover

ROOT = Path(__file__).resolve().parents[2]
#: The longest line of the generated Python, about as the plugins write theirs.
LINE_LENGTH = 100
#: A catalog entry whose text is still the English one says so to the translator.
UNTRANSLATED = "To translate: the English text stands in until then."

plugin_commands = AppGroup("plugin", help="Start a new sector plugin.")


@dataclass(frozen=True)
class Texts:
    """What the new plugin declares; every text mentions the sector, so no two plugins share one."""

    key: str
    title: str
    order: int

    @property
    def slug(self) -> str:
        return f"{self.key.replace('_', '-')}-capacity-building"

    @property
    def description(self) -> str:
        return (f"Capacity building for the institutions of OIC member countries that work in the "
                f"{self.title} sector.")

    @property
    def programme_title(self) -> str:
        return f"{self.title} Capacity Building"

    @property
    def summary(self) -> str:
        return (f"Training courses, workshops, study visits and exchanges of experts for the staff of the "
                f"institutions in the {self.title} sector.")

    @property
    def body(self) -> str:
        return (f"This programme of OIC-VET, the vocational education and training programme that SESRIC "
                f"designs and runs, is meant for the institutions of OIC member countries that work in the "
                f"{self.title} sector.\n\n"
                f"It aims to strengthen the skills of their staff and to let them learn from the experience "
                f"of other member countries, through training courses, workshops, study visits and "
                f"exchanges of experts.")


@dataclass(frozen=True)
class Layout:
    """Where each file goes: a package of the plugin folder, or a distribution."""

    key: str
    #: The folder made, which must not exist yet.
    root: Path
    #: The importable package, inside ``root`` (``root`` itself for a folder plugin).
    package: Path
    test_file: Path
    distribution: bool

    @classmethod
    def for_key(cls, key: str, plugin_dir: Path, target: Path | None) -> Layout:
        if target is None:
            root = plugin_dir / key
            # Inside the package, so that copying the folder copies the plugin whole.
            return cls(key, root, root, root / "tests" / f"test_{key}.py", distribution=False)
        root = target / distribution_name(key)
        return cls(key, root, root / f"oicvet_{key}", root / "tests" / "test_plugin.py", distribution=True)

    def moved(self, root: Path) -> Layout:
        """The same layout under another root (the temporary folder it is written to first)."""
        return Layout(self.key, root, root / self.package.relative_to(self.root),
                      root / self.test_file.relative_to(self.root), self.distribution)


def distribution_name(key: str) -> str:
    return f"oicvet-{key.replace('_', '-')}"


def check_key(app: Flask, key: str) -> None:
    """Refuse a key the loader would refuse, one the core uses, or one a plugin already has."""
    if not PLUGIN_KEY.match(key):
        raise click.BadParameter(
            f"{key!r} is not a plugin key: 2 to 40 lowercase letters, digits and '_', starting with a letter "
            f"(it names the package, the address /<lang>/{key}/…, the templates and the catalog)",
            param_hint="KEY")
    taken = core_names(app)
    if key in taken:
        raise click.BadParameter(f"the core uses {key!r} already, as {taken[key]}; choose another key",
                                 param_hint="KEY")
    found = {plugin.key: "is loaded" for plugin in app.extensions["oicvet.plugins"]}
    for candidate_key, candidates in discover(Path(app.config["OICVET_PLUGIN_DIR"])).items():
        found.setdefault(candidate_key, f"is provided by {candidates[0].origin}")
    if key in found:
        raise click.BadParameter(f"a plugin {key!r} already exists: it {found[key]}", param_hint="KEY")


def check_sector(title: str) -> str:
    title = title.strip()
    if not title or not title.isprintable():
        raise click.BadParameter("give the sector's title in English, on one line", param_hint="--sector")
    return title


def scaffold(app: Flask, key: str, sector: str, target: Path | None = None) -> Layout:
    """Write the plugin ``key`` for the sector titled ``sector``; returns where it went.

    Everything is written to a hidden folder beside the destination (the plugin folder
    skips hidden ones) and moved into place at the end: a failure leaves no half-made plugin.
    """
    check_key(app, key)
    title = check_sector(sector)
    plugin_dir = Path(app.config["OICVET_PLUGIN_DIR"])
    layout = Layout.for_key(key, plugin_dir, target)
    if layout.root.exists():
        raise click.ClickException(f"{layout.root} exists already; nothing was written")
    layout.root.parent.mkdir(parents=True, exist_ok=True)
    orders = [plugin.order for plugin in app.extensions["oicvet.plugins"]]
    texts = Texts(key, title, max(orders, default=0) + 10)
    # Made with mkdir, not mkdtemp, so that the folder gets the usual permissions.
    work = layout.root.parent / f".{layout.root.name}-{secrets.token_hex(4)}"
    work.mkdir()
    try:
        _write_files(app, layout.moved(work), texts)
        if layout.root.exists():  # made meanwhile by someone else: theirs stays
            raise click.ClickException(f"{layout.root} exists already; nothing was written")
        work.rename(layout.root)
    finally:
        if work.exists():
            shutil.rmtree(work)
    return layout


def _write_files(app: Flask, layout: Layout, texts: Texts) -> None:
    package = layout.package
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text(_declaration(texts), encoding="utf-8")
    (package / "templates" / "sector.html").write_text(SECTOR_TEMPLATE.substitute(key=texts.key),
                                                       encoding="utf-8")
    layout.test_file.parent.mkdir(parents=True)
    layout.test_file.write_text(_test_source(texts, layout), encoding="utf-8")
    if layout.distribution:
        (layout.root / "pyproject.toml").write_text(
            PYPROJECT.substitute(key=texts.key, name=distribution_name(texts.key), package=package.name,
                                 summary=json.dumps(f"The {texts.title} sector of the OIC-VET portal",
                                                    ensure_ascii=False)),
            encoding="utf-8")
    # The catalogs come from what the files just written mark for translation, as `flask translate update`
    # extracts it: they hold every msgid of the plugin, and nothing else.
    _write_catalogs(app, package, texts.key)


# --- The declaration --------------------------------------------------------------------------------------

def _quoted(text: str) -> str:
    # A JSON string is a valid Python literal, in double quotes as the plugins write theirs.
    return json.dumps(text, ensure_ascii=False)


def _pieces(text: str, width: int) -> list[str]:
    """``text`` cut after spaces (and blank lines) into pieces whose literal fits in ``width``."""
    pieces: list[str] = []
    for word in re.findall(r"\S+\s*", text):
        if pieces and len(_quoted(pieces[-1] + word)) <= width:
            pieces[-1] += word
        else:
            pieces.append(word)
    return pieces


def _field(name: str, text: str, indent: int) -> str:
    """``name=_l("…"),`` at ``indent``, over several lines when it is long."""
    pad = " " * indent
    line = f"{pad}{name}=_l({_quoted(text)}),"
    if len(line) <= LINE_LENGTH:
        return line
    inner = " " * (indent + 4)
    lines = "\n".join(inner + _quoted(piece) for piece in _pieces(text, LINE_LENGTH - len(inner)))
    return f"{pad}{name}=_l(\n{lines}\n{pad}),"


def _declaration(texts: Texts) -> str:
    docstring = _quoted(f"{texts.title}: the sector plugin.")[1:-1].replace('"""', '\\"""')
    return "\n".join([
        f'"""{docstring}',
        "",
        "Written by `flask plugin new`: rewrite the description and the programme, add the sector's",
        "programmes, events (SeedEvent) and rosters (Roster) as the other plugins do, then run",
        "`flask translate update` and translate the new entries of each catalog.",
        '"""',
        "",
        "from oicvet.plugins import Programme, SectorPlugin",
        "from oicvet.plugins import lazy_gettext as _l",
        "",
        "plugin = SectorPlugin(",
        f"    key={_quoted(texts.key)},",
        _field("title", texts.title, 4),
        _field("description", texts.description, 4),
        "    # Its place in the menus: after the plugins the site had when it was written.",
        f"    order={texts.order},",
        "    programmes=[",
        "        Programme(",
        f"            slug={_quoted(texts.slug)},",
        _field("title", texts.programme_title, 12),
        _field("summary", texts.summary, 12),
        "            # Paragraphs are separated by a blank line.",
        _field("body", texts.body, 12),
        "        ),",
        "    ],",
        ")",
        "",
    ])


SECTOR_TEMPLATE = Template("""\
{% extends "sector.html" %}
{#- The sector's page, /<lang>/sectors/$key/: the core's page with this plugin's words in its
    sector_intro block (sector_extra comes after the list of programmes). A programme.html or an
    event.html in this folder extends the core's page of that name in the same way. -#}
{% block sector_intro %}
<p>{{ _("Within OIC-VET, the vocational education and training programme that SESRIC runs for OIC member countries, the %(sector)s group brings together the programmes for the institutions of its field.", sector=sector.title) }}</p>
{% endblock %}
""")


# --- The test ---------------------------------------------------------------------------------------------

def _test_source(texts: Texts, layout: Layout) -> str:
    if layout.distribution:
        run = "Install the distribution (pip install -e .), then run it from its folder: python -m pytest"
        # Installed, the plugin is found through its entry point, wherever the plugin folder is.
        imports = ("from importlib.metadata import entry_points\n\nimport pytest\n"
                   "from flask_babel import force_locale\nfrom markupsafe import escape\n"
                   "from oicvet import create_app\nfrom oicvet.extensions import db\n"
                   "from oicvet.plugins.testing import check_plugin\n")
        found = ('    if not entry_points(group="oicvet.plugins", name=KEY):\n'
                 '        pytest.fail("the plugin is not installed: run `pip install -e .` in its folder")\n')
        folder = ""
    else:
        run = f"Run it from the portal's folder: python -m pytest plugins/{texts.key}/tests"
        imports = ("from pathlib import Path\n\nimport pytest\nfrom flask_babel import force_locale\n"
                   "from markupsafe import escape\n\nfrom oicvet import create_app\n"
                   "from oicvet.extensions import db\nfrom oicvet.plugins.testing import check_plugin\n")
        found = ""
        # The folder that holds this plugin's package, wherever it was copied.
        folder = "        OICVET_PLUGIN_DIR=str(Path(__file__).resolve().parents[2]),\n"
    title = _quoted(texts.title)[1:-1].replace('"""', '\\"""')
    return TEST_TEMPLATE.substitute(title=title, run=run, imports=imports, found=found, folder=folder,
                                    key=texts.key)


TEST_TEMPLATE = Template('''\
"""$title: the plugin loads, and its pages answer in every language the site serves.

$run
"""

from __future__ import annotations

import re
$imports
KEY = "$key"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
$found    # A site with this plugin alone, on a database of its own (its pages count their events there).
    folder = tmp_path_factory.mktemp(KEY)
    app = create_app(
        "testing",
        OICVET_PLUGINS=[KEY],
$folder        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'site.db'}",
        MAIL_FOLDER=str(folder / "mail"),
        MAIL_OUTBOX=str(folder / "outbox"),
        UPLOAD_FOLDER=str(folder / "uploads"),
    )
    with app.app_context():
        db.create_all()
    return app


def test_it_keeps_the_plugin_contract(app):
    # Its pages in every language, its catalogs, templates and imports, and nothing of the core's taken.
    problems = check_plugin(app, KEY)
    assert not problems, "\\n".join(problems)


def test_its_pages_and_menu_entry_in_every_language(app):
    plugin = app.extensions["oicvet.plugins"].sector(KEY)
    client = app.test_client()
    for lang in app.config["LANGUAGES"]:
        with app.test_request_context(f"/{lang}/"), force_locale(lang):
            title = str(escape(plugin.title))
            programmes = [(programme.slug, str(escape(programme.title))) for programme in plugin.programmes]
        page = client.get(f"/{lang}/sectors/{KEY}/")
        assert page.status_code == 200, lang
        html = page.get_data(as_text=True)
        # The menu links to the sector under its title in the page's language.
        assert re.search(rf'href="/{lang}/sectors/{KEY}/"[^>]*>{re.escape(title)}</a>', html), lang
        for slug, name in programmes:
            assert f'href="/{lang}/programmes/{slug}/"' in html, (lang, slug)
            page = client.get(f"/{lang}/programmes/{slug}/")
            assert page.status_code == 200, (lang, slug)
            assert f"<h1>{name}</h1>" in page.get_data(as_text=True), (lang, slug)
''')


# --- The distribution -------------------------------------------------------------------------------------

PYPROJECT = Template('''\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "$name"
version = "0.1.0"
description = $summary
requires-python = ">=3.11"
# It runs inside the OIC-VET portal, installed beside it (pip install -e .): the portal is not a
# published package, so it is not a dependency to fetch.
dependencies = []

[project.entry-points."oicvet.plugins"]
$key = "$package:plugin"

# The package, and its folders of templates, static files and catalogs as the data they hold.
[tool.setuptools.packages.find]
include = ["$package*"]

[tool.setuptools.package-data]
$package = ["templates/**/*", "static/**/*", "translations/**/*"]

[tool.pytest.ini_options]
testpaths = ["tests"]
''')


# --- The catalogs -----------------------------------------------------------------------------------------

def _extracted(package: Path):
    """The package's messages, extracted as ``flask translate update`` does (babel.cfg, ``_l``)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(fuzzy=True)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(package), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None, "lazy_ngettext": (1, 2)}):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _plural_forms(app: Flask, lang: str) -> str | None:
    """The plural rule of the language's core catalog, which every catalog of it must share."""
    from babel.messages.pofile import read_po

    from oicvet import CORE_TRANSLATIONS

    for folder in (CORE_TRANSLATIONS, *map(Path, app.config.get("TRANSLATION_FOLDERS") or ())):
        path = folder / lang / "LC_MESSAGES" / "messages.po"
        if path.is_file():
            with path.open("rb") as handle:
                return read_po(handle, locale=lang).plural_forms
    return None


def _site_translation(app: Flask, lang: str, msgid: str) -> str | None:
    """How the site's catalogs (the core's, the loaded plugins') translate ``msgid``, if they do."""
    from flask_babel import force_locale

    from oicvet.i18n import current_translations

    if not app.extensions["oicvet.domain"].translates(lang, msgid):
        return None
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        return current_translations().ugettext(msgid)


def _write_catalogs(app: Flask, package: Path, key: str) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    folder = package / "translations"
    folder.mkdir()
    template = _extracted(package)
    with (folder / f"{key}.pot").open("wb") as handle:
        write_po(handle, template, no_location=True, sort_output=True)
    now = datetime.now(UTC)
    for lang in app.config["LANGUAGES"][1:]:  # English first: the msgids are its text
        catalog = Catalog(locale=lang, domain=key, fuzzy=False, revision_date=now)
        rule = _plural_forms(app, lang)
        if rule:
            catalog.mime_headers = [("Plural-Forms", rule)]
        for message in template:
            if not message.id:
                continue
            translated = _site_translation(app, lang, message.id)
            catalog.add(message.id, translated or message.id, auto_comments=message.auto_comments,
                        user_comments=[] if translated else [UNTRANSLATED], flags=message.flags)
        messages = folder / lang / "LC_MESSAGES"
        messages.mkdir(parents=True)
        with (messages / f"{key}.po").open("wb") as handle:
            write_po(handle, catalog, no_location=True, sort_output=True)


# --- The command ------------------------------------------------------------------------------------------

def _shown(path: Path) -> str:
    """``path`` relative to the current folder where it is below it, as a person would type it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@plugin_commands.command("new")
@click.argument("key")
@click.option("--sector", required=True, metavar="TITLE",
              help='The sector\'s title in English, e.g. "Maritime Transport".')
@click.option("--target", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write an installable distribution, DIR/oicvet-KEY, instead of a package of the "
                   "plugin folder.")
def new_plugin(key: str, sector: str, target: Path | None) -> None:
    """Write a new sector plugin KEY: its declaration, sector page, catalogs and test.

    KEY names its package, its address (/<lang>/KEY/), its templates and its catalog.
    Nothing existing is ever overwritten.
    """
    app = current_app._get_current_object()
    layout = scaffold(app, key, sector, target)
    root = _shown(layout.root)
    kind = "distribution" if layout.distribution else "plugin"
    click.echo(f"Made the {kind} {key!r} in {root}:")
    for path in sorted(p for p in layout.root.rglob("*") if p.is_file()):
        click.echo(f"  {_shown(path)}")
    package = _shown(layout.package)
    steps = []
    if layout.distribution:
        steps.append(f"Install it beside the portal: pip install -e {root}")
    if app.config["OICVET_PLUGINS"] is not None:
        steps.append(f"Add {key!r} to OICVET_PLUGINS, which lists the plugins the site loads.")
    # An installed plugin's catalogs are updated in its source tree, which the command must be told.
    update = (f"flask translate update --plugin {key} --source {package}" if layout.distribution
              else "flask translate update")
    steps += [
        f"Edit {package}/__init__.py (its description, programmes, events) and "
        f"{package}/templates/sector.html.",
        f"Run `{update}`, then translate each entry of the catalogs "
        f"({package}/translations/<lang>/LC_MESSAGES/{key}.po): the new ones hold a copy of the English "
        f'text, marked "{UNTRANSLATED.split(";")[0]}".',
        f"Run its test: python -m pytest {_shown(layout.test_file.parent)}",
    ]
    click.echo("Next steps:")
    for number, step in enumerate(steps, 1):
        click.echo(f"  {number}. {step}")
