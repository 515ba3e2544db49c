"""Accounts: one account per person, with roles; login, logout, passwords.

Features built on accounts list their pages on the account page with
:func:`add_account_link`, from their own ``init_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from oicvet.accounts.models import ROLE_LABELS, Role
from oicvet.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class AccountLink:
    label: Any
    endpoint: str
    #: The roles that see it; empty: every account.
    roles: frozenset[Role] = frozenset()
    #: A finer test of the account, beside its roles (a sector editor of some sectors only, say).
    visible: Callable[[Any], bool] | None = None


def add_account_link(app: Flask, order: int, label: Any, endpoint: str, *roles: Role,
                     visible: Callable[[Any], bool] | None = None) -> None:
    """List ``endpoint`` on the account page, for accounts with any of ``roles`` (all when none)
    for which ``visible(account)``, if given, is true."""
    links = app.extensions.setdefault("oicvet.account_links", [])
    links.append((order, AccountLink(label, endpoint, frozenset(roles), visible)))
    links.sort(key=lambda pair: pair[0])


def account_links() -> list[AccountLink]:
    """The links of the logged-in account's page, in order."""
    return [
        link for _order, link in current_app.extensions.get("oicvet.account_links", [])
        if (not link.roles or current_user.has_role(*link.roles))
        and (link.visible is None or link.visible(current_user))
    ]


def init_app(app: Flask) -> None:
    from oicvet.accounts import auth
    from oicvet.accounts.views import bp

    app.register_blueprint(bp)
    auth.init_app(app)
    add_account_link(app, 900, _l("Change my password"), "accounts.change_password")
    add_account_link(app, 910, _l("Delete my account"), "accounts.delete")
    app.jinja_env.globals.update(
        account_links=account_links,
        role_label=lambda role: ROLE_LABELS.get(role, role),
    )
