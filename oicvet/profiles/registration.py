"""Registration: an account and its profile of a kind, in one step; or a profile for an account
that has one already (a partner who applies to TROP).

A known address gets the same answer and takes as long as a new one; only
its owner learns, by e-mail, that it is registered already.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from oicvet.accounts.models import Account
from oicvet.accounts.passwords import hash_password
from oicvet.accounts.views import find_account, send_confirmation
from oicvet.extensions import db
from oicvet.forms import Form
from oicvet.i18n import current_language
from oicvet.profiles import lifecycle, moderation
from oicvet.profiles.kinds import ProfileKind
from oicvet.profiles.models import ReviewedProfile
from oicvet.profiles.notify import tell_already_registered
from oicvet.profiles.status import Status, Transition


def register(kind: ProfileKind, form: Form, extra: Mapping[str, Any] | None = None) -> ReviewedProfile | None:
    """Make the account and its unconfirmed profile from a valid registration ``form``, and send the link
    that confirms the address; or, for a known address, tell its owner. The caller answers the same either way.

    ``form`` has the kind's profile fields, ``email`` and ``password``; ``extra`` are values of the
    profile's columns that are not form fields (a stored file's name). Returns the new profile, or
    None for a known address (whatever ``extra`` refers to is then the caller's to drop).
    """
    # Hashed before the address is looked up, so that both answers take as long.
    password_hash = hash_password(form.password.data)
    existing = find_account(form.email.data)
    if existing is not None:
        tell_already_registered(kind, existing)
        return None
    account = Account(
        email=form.email.data.lower(),
        name=form[kind.account_name_field].data,
        password_hash=password_hash,
        language=current_language(),
    )
    if not kind.role_on_approval:
        account.grant(kind.role)
    profile = kind.model(account=account)
    moderation.apply_values(profile, moderation.form_values(form, kind.fields))
    _set_extra(profile, extra)
    db.session.add_all([account, profile])
    try:
        db.session.commit()
    except IntegrityError:
        # Two registrations of one new address at the same moment: the second is
        # answered as any known address is.
        db.session.rollback()
        existing = find_account(form.email.data)
        if existing is None:
            raise
        tell_already_registered(kind, existing)
        return None
    send_confirmation(account)  # a failure is logged; the registration stays
    return profile


def add_profile(kind: ProfileKind, form: Form, account: Account,
                extra: Mapping[str, Any] | None = None) -> ReviewedProfile | None:
    """Give ``account`` a profile of ``kind`` from a valid ``form`` of the kind's fields (and ``extra``
    values, as for ``register``).

    A confirmed address needs no second confirmation: the profile waits for staff
    at once, and they are told. Returns None when the account has such a profile
    already (two submissions at the same moment: the first one counts).
    """
    if not kind.role_on_approval:
        account.grant(kind.role)
    profile = kind.model(account=account, status=Status.UNCONFIRMED)
    moderation.apply_values(profile, moderation.form_values(form, kind.fields))
    _set_extra(profile, extra)
    db.session.add(profile)
    tell_reviewers = lifecycle.move(profile, Transition.CONFIRM) if profile.may(Transition.CONFIRM) else None
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    if tell_reviewers is not None:
        tell_reviewers()
    return profile


def _set_extra(profile: ReviewedProfile, extra: Mapping[str, Any] | None) -> None:
    for name, value in (extra or {}).items():
        setattr(profile, name, value)
