"""Who may do what in the staff panel.

Administrators edit everything, OIC-VET's own events and texts included. A
sector editor edits the events and programme texts of the sectors an
administrator assigned; nothing else of the panel but its home.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from flask_login import current_user

from oicvet.accounts.auth import roles_required
from oicvet.accounts.models import Account, Role

#: Guards for views: every staff member, or administrators only.
staff_only: Callable[[Callable], Callable] = roles_required(Role.ADMINISTRATOR, Role.SECTOR_EDITOR)
admins_only: Callable[[Callable], Callable] = roles_required(Role.ADMINISTRATOR)


def is_admin(account: Account | None = None) -> bool:
    account = account or current_user
    return bool(account.is_authenticated and account.has_role(Role.ADMINISTRATOR))


def edited_sectors(account: Account | None = None) -> frozenset[str] | None:
    """The sectors ``account`` edits; None for every sector (an administrator)."""
    account = account or current_user
    if is_admin(account):
        return None
    if account.is_authenticated and account.has_role(Role.SECTOR_EDITOR):
        return account.edited_sectors
    return frozenset()


def can_edit_sector(sector: str | None, account: Account | None = None) -> bool:
    """Whether ``account`` edits the content of ``sector``; ``None`` is OIC-VET's own content."""
    account = account or current_user
    return bool(account.is_authenticated and account.edits_sector(sector))


def require_sector(sector: str | None) -> None:
    """A 403 unless the logged-in person edits ``sector``."""
    if not can_edit_sector(sector):
        abort(403)
