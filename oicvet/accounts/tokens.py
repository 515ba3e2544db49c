"""Signed, expiring links for e-mail: confirming an address, resetting a password, logging in.

A link carries a fingerprint of what it is meant to change, so that it works
once: after the change, the fingerprint no longer matches.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from oicvet.accounts.models import Account
from oicvet.extensions import db

CONFIRM_EMAIL = "oicvet.confirm-email"
RESET_PASSWORD = "oicvet.reset-password"
#: Sent instead of logging in while an account has had many failed logins.
LOGIN_LINK = "oicvet.login-link"
#: Sent to a person an administrator made an account for: they choose their first password.
WELCOME = "oicvet.welcome"


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was altered, belongs to no account, or was already used."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _moment(when: datetime | None) -> str:
    """A time as the same text whether the database gave it back with a time zone or not."""
    if when is None:
        return "-"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # stored in UTC
    return str(round(when.timestamp() * 1_000_000))


def _fingerprint(account: Account, purpose: str) -> str:
    if purpose in (RESET_PASSWORD, WELCOME):
        state = f"{account.password_hash}|{account.session_token}"
    elif purpose == LOGIN_LINK:
        # Logging in sets last_login_at, so the link works once; a new password
        # or a logout everywhere (a new session token) also ends it.
        state = f"{account.password_hash}|{account.session_token}|{_moment(account.last_login_at)}"
    else:
        state = f"{account.email}|{account.email_confirmed_at is not None}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def make_token(account: Account, purpose: str) -> str:
    return _serializer(purpose).dumps({"id": account.id, "state": _fingerprint(account, purpose)})


def read_token(token: str, purpose: str, max_age: int) -> Account:
    """The account a link is for, or LinkExpired / LinkInvalid."""
    serializer = _serializer(purpose)
    try:
        data: Any = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise LinkInvalid
    account = db.session.get(Account, data["id"])
    if account is None or data.get("state") != _fingerprint(account, purpose):
        raise LinkInvalid
    return account
