"""The e-mails of the review: to a profile's owner, to its reviewers, to a known address.

Each is written in its reader's language, and every link in it is built with
``external_url``.
"""

from __future__ import annotations

from oicvet.accounts.models import Account, AccountRole, EditorSector, Role
from oicvet.extensions import db
from oicvet.mail import send_mail
from oicvet.profiles.kinds import ProfileKind
from oicvet.profiles.models import ReviewedProfile
from oicvet.urls import external_url


def tell_owner(kind: ProfileKind, profile: ReviewedProfile, template: str) -> None:
    account = profile.account
    send_mail(account.email, template, account.language, account=account, **{kind.name: profile},
              **kind.owner_links(profile, account.language))


def reviewers(kind: ProfileKind, profile: ReviewedProfile | None = None) -> list[Account]:
    """Those who review ``profile``: the kind's reviewer roles and, with a sector scope, the editors of its
    sectors."""
    roles = [role.value for role in kind.reviewer_roles]
    who = Account.id.in_(db.select(AccountRole.account_id).where(AccountRole.role.in_(roles)))
    if kind.sector_scope is not None and profile is not None:
        editors = db.select(AccountRole.account_id).where(AccountRole.role == Role.SECTOR_EDITOR.value)
        sectors = db.select(EditorSector.account_id).where(
            EditorSector.sector.in_(sorted(kind.sector_scope.of_profile(profile))))
        who = who | (Account.id.in_(editors) & Account.id.in_(sectors))
    return list(db.session.scalars(db.select(Account).where(who).order_by(Account.id)))


def tell_reviewers(kind: ProfileKind, profile: ReviewedProfile, template: str) -> None:
    """Let every reviewer know that a profile, or changes to it, wait for review."""
    for reviewer in reviewers(kind, profile):
        review = external_url(f"{kind.review_blueprint}.review", profile_id=profile.id, lang=reviewer.language)
        send_mail(reviewer.email, template, reviewer.language, review=review, **{kind.name: profile})


def tell_already_registered(kind: ProfileKind, account: Account) -> None:
    """Someone registered an address that has an account: its owner is told, and no one else."""
    send_mail(account.email, kind.mails.already_registered, account.language, account=account,
              login=external_url("accounts.login", lang=account.language),
              reset=external_url("accounts.request_reset", lang=account.language))
