"""Command-line tasks: ``flask setup``, ``seed``, ``focal-points``, ``accounts``, ``translate``, ``demo-data``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from oicvet.accounts.cli import accounts
from oicvet.extensions import db
from oicvet.i18n import CORE_DOMAIN, DEFAULT_LANGUAGE, LanguageSettingError, babel_locale, languages
from oicvet.models import FocalPoint
from oicvet.plugins.registry import get_registry
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
    upgrade()
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


def _domains() -> list[tuple[str, Path, Path]]:
    """(domain, source folder, catalog folder) for the core and each loaded plugin."""
    found = [(CORE_DOMAIN, ROOT / "oicvet", ROOT / "translations")]
    for plugin in get_registry():
        if plugin.root is not None:
            found.append((plugin.key, plugin.root, plugin.root / "translations"))
    return found


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


@translate.command("update")
@click.option("--add", "added", multiple=True, metavar="LANG",
              help="Also create (or update) the catalogs of a language not served yet (repeatable).")
def translate_update(added: tuple[str, ...]) -> None:
    """Extract the strings of the core and each plugin, and merge them into the catalogs.

    Every served language's catalogs are updated; a language's first catalogs are
    made with --add, before it is added to LANGUAGES (which needs its core catalog).
    """
    wanted = list(dict.fromkeys([*languages(), *(_language_code(lang, "--add") for lang in added)]))
    for domain, source, catalogs in _domains():
        template = catalogs / f"{domain}.pot"
        catalogs.mkdir(exist_ok=True)
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--no-location",
                 "--sort-output", "-o", str(template), str(source))
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

    Migrate(app, db, directory=str(MIGRATIONS))


def init_app(app: Flask) -> None:
    from oicvet.demo import demo_data_command

    for command in (setup_command, seed_command, focal_points, translate, accounts, demo_data_command):
        app.cli.add_command(command)
    # `flask …` builds the app within its click command; gunicorn does not.
    if click.get_current_context(silent=True) is not None:
        init_migrations(app)

