"""The one rule about administrators: the site always keeps at least one enabled administrator.

The staff panel (taking the role away, disabling an account), the "Delete my
account" page and ``flask accounts revoke`` all ask :func:`is_last_administrator`
before they take an administrator away, in the same transaction as the change.
"""

from __future__ import annotations

from sqlalchemy import select

from oicvet.accounts.models import Account, AccountRole, Role
from oicvet.extensions import db


def enabled_administrators() -> int:
    """How many enabled administrators there are, their rows locked until the transaction ends.

    Two administrators taking each other's role away at the same moment must not
    both see two administrators: the rows of the administrators' roles and
    accounts are locked (``FOR UPDATE``, PostgreSQL), so the second waits for the
    first's commit and then counts again. SQLite serialises writers anyway. The
    rows are counted here, not by ``count()``: PostgreSQL does not lock an aggregate.
    """
    statement = (
        select(AccountRole.account_id)
        .join(Account, Account.id == AccountRole.account_id)
        .where(AccountRole.role == Role.ADMINISTRATOR.value, Account.disabled_at.is_(None))
        .with_for_update()
    )
    return len(db.session.scalars(statement).all())


def is_last_administrator(account: Account, administrators: int | None = None) -> bool:
    """Whether taking ``account`` away as an administrator would leave no enabled administrator.

    Call it in the transaction that makes the change, before the change.
    ``administrators`` is the number of enabled administrators when the caller
    has counted them already (with :func:`enabled_administrators`).
    """
    if account.is_disabled or not account.has_role(Role.ADMINISTRATOR):
        return False
    if administrators is None:
        administrators = enabled_administrators()
    return administrators <= 1
