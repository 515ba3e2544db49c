"""Command-line tasks: ``flask setup``, ``seed``, ``focal-points``, ``accounts``, ``translate``, ``demo-data``, ``plugin``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from oicvet.accounts.cli import accounts
from oicvet.extensions import db
from oicvet.i18n import CORE_DOMAIN, DEFAULT_LANGUAGE, LanguageSettingError, babel_locale, languages
from oicvet.models import FocalPoint
from oicvet.plugins.loader import offered_migrations
from oicvet.plugins.registry import get_registry
from oicvet.plugins.scaffold import plugin_commands
from oicvet.seed import load_seed

ROOT = Path(__file__).resolve().parent.parent

focal_points = AppGroup("focal-points", help="Keep the list of National Focal Points.")
translate = AppGroup("translate", help="Extract and update the translation catalogs.")


@click.command("setup")
def setup_command() -> None:
    """Create or migrate the database, then load the shipped content."""
    from flask import current_app
    from flask_migrate import upgrade

    if "migrate" not in current_app.extensions:  # an app built outside `flask`, as the tests' runner does
        init_migrations(current_app._get_current_object())
    from alembic.script import ScriptDirectory

    # The core's head and each loaded plugin's branch (labelled with its key); not "heads", which would
    # also migrate a plugin left out.
    targets = ScriptDirectory(str(MIGRATIONS)).get_heads()
    targets += [f"{plugin.key}@head" for plugin in get_registry() if plugin.migrations_dir]
    for target in targets:
        upgrade(revision=target)
    added = load_seed()
    click.echo(f"Database ready; {added} events added.")


@click.command("seed")
def seed_command() -> None:
    """Load the shipped events that the database does not have yet."""
    click.echo(f"{load_seed()} events added.")


def _language_code(code: str, hint: str) -> str:
    code = code.strip().lower()
    try:
        babel_locale(code)
    except LanguageSettingError as error:
        raise click.BadParameter(str(error), param_hint=hint) from None
    return code


@focal_points.command("set")
@click.argument("country")
@click.argument("institution")
@click.option("--name", "names", nargs=2, multiple=True, metavar="LANG TEXT",
              help="The institution's name in another language, e.g. --name fa '...' (repeatable).")
@click.option("--ar", "name_ar", help="The institution's name in Arabic (same as --name ar TEXT).")
@click.option("--fr", "name_fr", help="The institution's name in French (same as --name fr TEXT).")
@click.option("--website", help="The institution's website.")
def set_focal_point(country: str, institution: str, names: tuple[tuple[str, str], ...],
                    name_ar: str | None, name_fr: str | None, website: str | None) -> None:
    """Record COUNTRY's (ISO code) National Focal Point, named INSTITUTION in English.

    The names given replace the ones recorded. A language that the site does not
    serve yet may be given: its name shows once the language is served.
    """
    from oicvet.countries import OIC_MEMBER_STATES

    code = country.upper()
    if code not in OIC_MEMBER_STATES:
        raise click.BadParameter(f"{country} is not an OIC member state code", param_hint="COUNTRY")
    texts = {DEFAULT_LANGUAGE: institution}
    for lang, text in names:
        lang = _language_code(lang, "--name")
        if lang == DEFAULT_LANGUAGE:
            raise click.BadParameter("the English name is INSTITUTION", param_hint="--name")
        texts[lang] = text
    texts.update({lang: text for lang, text in (("ar", name_ar), ("fr", name_fr)) if text})
    point = db.session.scalar(db.select(FocalPoint).where(FocalPoint.country == code))
    point = point or FocalPoint(country=code)
    point.institution = texts
    point.website = website
    db.session.add(point)
    db.session.commit()
    stored = ", ".join(lang for lang in point.institution)
    click.echo(f"Saved the focal point of {code} (names in: {stored}).")


@focal_points.command("remove")
@click.argument("country")
def remove_focal_point(country: str) -> None:
    """Remove COUNTRY's National Focal Point."""
    deleted = db.session.execute(
        db.delete(FocalPoint).where(FocalPoint.country == country.upper())
    ).rowcount
    db.session.commit()
    click.echo(f"Removed {deleted} focal point(s).")


def _domains(only: str | None = None, source: Path | None = None) -> list[tuple[str, Path, Path]]:
    """(domain, source folder, catalog folder) for the core and each plugin of the plugin folder; or, with
    ``only``, for that plugin alone, from ``source`` if given (an installed plugin's source tree).

    An installed plugin's package is in site-packages, which is never written to: its
    catalogs are updated in its own source tree, with ``--plugin KEY --source PATH``.
    """
    from flask import current_app

    if only is not None:
        plugin = get_registry().sector(only)
        if plugin is None or plugin.root is None:
            raise click.BadParameter(f"no loaded plugin has the key {only!r}", param_hint="--plugin")
        folder = source.resolve() if source is not None else plugin.root
        if source is None and not _in_plugin_folder(plugin.root, current_app.config["OICVET_PLUGIN_DIR"]):
            raise click.BadParameter(f"{only!r} is installed ({plugin.root}); give its package's folder in its "
                                     "source tree with --source", param_hint="--source")
        return [(plugin.key, folder, folder / "translations")]
    found = [(CORE_DOMAIN, ROOT / "oicvet", ROOT / "translations")]
    for plugin in get_registry():
        if plugin.root is None:
            continue
        if _in_plugin_folder(plugin.root, current_app.config["OICVET_PLUGIN_DIR"]):
            found.append((plugin.key, plugin.root, plugin.root / "translations"))
        else:
            click.echo(f"Skipped {plugin.key!r}, an installed plugin: run this with --plugin {plugin.key} "
                       "--source <its package's folder in its source tree>.")
    return found


def _in_plugin_folder(root: Path, plugin_dir: str | Path) -> bool:
    return root.resolve().is_relative_to(Path(plugin_dir).resolve())


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


@translate.command("update")
@click.option("--add", "added", multiple=True, metavar="LANG",
              help="Also create (or update) the catalogs of a language not served yet (repeatable).")
@click.option("--plugin", "only", metavar="KEY", help="Only this plugin's catalogs, not the core's.")
@click.option("--source", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="With --plugin: the folder of the plugin's package in its source tree (which holds its "
                   "translations/); needed for a plugin installed as a distribution.")
def translate_update(added: tuple[str, ...], only: str | None, source: Path | None) -> None:
    """Extract the strings of the core and each plugin, and merge them into the catalogs.

    The catalogs of every served language, and of every language the core ships a catalog for
    (served or not, such as Turkish), are updated; a language's first catalogs are made with
    --add, before it is added to LANGUAGES (which needs its core catalog).
    """
    if source is not None and only is None:
        raise click.BadParameter("--source goes with --plugin KEY", param_hint="--source")
    shipped = sorted(path.parts[-3] for path in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
    wanted = list(dict.fromkeys([*languages(), *shipped, *(_language_code(lang, "--add") for lang in added)]))
    for domain, folder, catalogs in _domains(only, source):
        template = catalogs / f"{domain}.pot"
        catalogs.mkdir(exist_ok=True)
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                 "-k", "lazy_ngettext:1,2", "--no-location",
                 "--sort-output", "-o", str(template), str(folder))
        for lang in wanted:
            if lang == DEFAULT_LANGUAGE:
                continue
            command = "update" if (catalogs / lang / "LC_MESSAGES" / f"{domain}.po").is_file() else "init"
            options = ["--ignore-pot-creation-date"] if command == "update" else []
            _pybabel(command, "-i", str(template), "-d", str(catalogs), "-D", domain, "-l", lang, *options)
    click.echo("Catalogs updated; translate the new entries in each .po file.")


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def init_migrations(app: Flask) -> None:
    """Flask-Migrate, for ``flask setup``, ``flask db`` and the tests that migrate.

    It loads Alembic, a tenth of a second that a web worker, which never
    migrates, is spared: the factory binds it for the command line only.
    """
    from flask_migrate import Migrate

    from oicvet.extensions import db

    migrate = Migrate(app, db, directory=str(MIGRATIONS))

    @migrate.configure
    def with_plugin_branches(config: Any) -> Any:
        # A plugin with tables ships its migrations as a branch of its own (``<package>/migrations/versions/``):
        # Alembic reads them beside the core's, those of plugins left out included.
        folders = [MIGRATIONS / "versions", *offered_migrations(Path(app.config["OICVET_PLUGIN_DIR"]))]
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(str(folder) for folder in folders))
        return config


def init_app(app: Flask) -> None:
    from oicvet.demo import demo_data_command

    for command in (setup_command, seed_command, focal_points, translate, accounts, demo_data_command,
                    plugin_commands):
        app.cli.add_command(command)
    # `flask …` builds the app within its click command; gunicorn does not.
    if click.get_current_context(silent=True) is not None:
        init_migrations(app)

