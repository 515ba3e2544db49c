"""Sessions: who is logged in, starting and ending a session, guarding views.

A session cookie (and a remember cookie) holds ``<account id>:<session token>``.
The token is checked on every load, so giving the account a new token ends
every session at once, on the server side: a copied cookie stops working.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from oicvet.accounts.models import Account, Role
from oicvet.extensions import db, login_manager
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import utcnow


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_account)
    login_manager.unauthorized_handler(ask_to_log_in)


def load_account(user_id: str) -> Account | None:
    account_id, _, token = user_id.partition(":")
    if not account_id.isdigit() or not token:
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not hmac.compare_digest(account.session_token, token):
        return None
    if account.is_disabled:
        return None
    return account


def ask_to_log_in() -> Any:
    flash(_l("Please log in to see that page."), "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=target))


def safe_next(target: str | None) -> str | None:
    """A local path to go to after login, or None.

    Refused: anything with a scheme or a host (``https://evil``, ``javascript:``),
    and paths that browsers read as another host (``//evil``, ``/\\evil``).
    """
    if not target or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(char) < 0x20 or char == "\\" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def start_session(account: Account, remember: bool = False) -> None:
    """Log in with a fresh session: nothing from before login is carried over."""
    session.clear()
    login_user(account, remember=remember)
    generate_csrf()  # a new CSRF token for the new session
    account.last_login_at = utcnow()


def end_session() -> None:
    """Log out, and make every cookie issued to the account so far useless."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    forget_browser()


def forget_browser() -> None:
    """Log this browser out: its session goes, and its remember cookie with it."""
    logout_user()
    session.clear()
    # logout_user asked Flask-Login to delete the remember cookie through the
    # session; clearing the session dropped that request, so ask again.
    session["_remember"] = "clear"


def roles_required(*roles: Role) -> Callable:
    """Only logged-in accounts with one of ``roles``; others get the login page or a 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator
