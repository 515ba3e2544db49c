"""``flask accounts``: the first administrator, and roles, from the command line."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from oicvet.accounts.admins import is_last_administrator
from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, is_common
from oicvet.extensions import db
from oicvet.i18n import DEFAULT_LANGUAGE, languages
from oicvet.models import utcnow
from oicvet.plugins.registry import get_registry

accounts = AppGroup("accounts", help="Create accounts and give them roles.")


def _account(email: str) -> Account:
    account = db.session.execute(db.select(Account).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if account is None:
        raise click.ClickException(f"No account uses {email}.")
    return account


def _check_password(password: str) -> str:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise click.BadParameter(f"use {MIN_LENGTH} to {MAX_LENGTH} characters")
    if is_common(password):
        raise click.BadParameter("this password is one of the most common ones; choose another")
    return password


@accounts.command("create-admin")
@click.argument("email")
@click.option("--name", required=True, help="The administrator's name.")
@click.option("--language", default=DEFAULT_LANGUAGE, show_default=True,
              help="The language of the e-mails the administrator receives: one the site serves.")
@click.password_option(help="Asked for (twice, hidden) when not given.")
def create_admin(email: str, name: str, language: str, password: str) -> None:
    """Create an administrator account for EMAIL, ready to log in."""
    # Checked here, not by click.Choice: the served languages are the app's setting.
    if language not in languages():
        raise click.BadParameter(f"choose one of {', '.join(languages())}", param_hint="--language")
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
    if db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none():
        raise click.ClickException(f"{email} already has an account; use `flask accounts grant` instead.")
    account = Account(
        email=email, name=name, password_hash=hash_password(_check_password(password)),
        language=language, email_confirmed_at=utcnow(),
    )
    account.grant(Role.ADMINISTRATOR)
    db.session.add(account)
    db.session.commit()
    click.echo(f"Administrator {email} created.")


@accounts.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
@click.option("--sector", "sectors", multiple=True, help="For a sector editor: a plugin key (repeatable).")
def grant(email: str, role: str, sectors: tuple[str, ...]) -> None:
    """Give the account of EMAIL a ROLE."""
    account = _account(email)
    if role == Role.SECTOR_EDITOR:
        known = {plugin.key for plugin in get_registry()}
        unknown = sorted(set(sectors) - known)
        if not sectors or unknown:
            raise click.BadParameter(
                f"name one or more sectors with --sector, among: {', '.join(sorted(known))}", param_hint="--sector"
            )
        account.set_edited_sectors(sorted(account.edited_sectors | set(sectors)))
    account.grant(Role(role))
    db.session.commit()
    click.echo(f"{account.email}: {', '.join(sorted(account.roles))}")


@accounts.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
def revoke(email: str, role: str) -> None:
    """Take a ROLE away from the account of EMAIL."""
    account = _account(email)
    if role == Role.ADMINISTRATOR and is_last_administrator(account):
        raise click.ClickException(
            f"{account.email} is the last enabled administrator; make another account an administrator first."
        )
    account.revoke(Role(role))
    if role == Role.SECTOR_EDITOR:
        account.set_edited_sectors([])
    db.session.commit()
    click.echo(f"{account.email}: {', '.join(sorted(account.roles)) or 'no role'}")
