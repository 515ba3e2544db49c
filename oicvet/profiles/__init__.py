"""Profiles that staff review: registration, confirmation, approval, moderated edits.

The shape, for any kind (partners today; TROP institutions and experts next):
someone registers an account and a profile (``registration``), confirms the
e-mail address, waits for staff, who approve or reject it with a reason
(``lifecycle``, under the rules of ``status``); the owner keeps editing, and
once the profile is approved the edits wait for staff (``moderation``,
``editing``). Staff work in one queue per kind (``review``). Who sees a
profile and its contact details is decided in ``access``.

A feature declares its kind (``kinds.ProfileKind``) and calls
``register_kind(app, KIND)`` from its ``init_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, flash

from oicvet.accounts.models import Account
from oicvet.accounts.signals import account_deleting, email_confirmed
from oicvet.audit import add_actions, add_record_kinds
from oicvet.extensions import db
from oicvet.profiles import lifecycle
from oicvet.profiles.access import profile_of
from oicvet.profiles.kinds import ProfileKind, add_kind, kinds_of
from oicvet.profiles.review import DECISIONS, review_blueprint
from oicvet.profiles.status import Transition

__all__ = ["ProfileKind", "register_kind"]


def register_kind(app: Flask, kind: ProfileKind) -> None:
    """Mount the kind's staff review, and let its profiles follow their accounts.

    A confirmed address puts the account's profile in the queue; a deleted
    account takes its profile with it. Calling it again for the same kind does nothing.
    """
    if not add_kind(app, kind):
        return
    blueprint = review_blueprint(kind)
    if app.blueprints.get(blueprint.name) is not blueprint:
        app.register_blueprint(blueprint)
    # Staff decisions go to the audit log.
    add_record_kinds(app, {kind.key: kind.labels.record})
    add_actions(app, DECISIONS)
    # Connected once per app, whatever the number of kinds.
    email_confirmed.connect(_on_email_confirmed, sender=app)
    account_deleting.connect(_on_account_deleting, sender=app)


def _on_email_confirmed(sender: Flask, account: Account, **extra: Any) -> Callable[[], None] | None:
    waiting: list[tuple[ProfileKind, Callable[[], None]]] = []
    for kind in kinds_of(sender):
        profile = profile_of(kind.model, account.id)
        if profile is not None and profile.may(Transition.CONFIRM):
            waiting.append((kind, lifecycle.move(profile, Transition.CONFIRM)))
    if not waiting:
        return None

    def then() -> None:
        for kind, tell_reviewers in waiting:
            flash(str(kind.labels.confirmed), "info")
            tell_reviewers()

    return then


def _on_account_deleting(sender: Flask, account: Account, **extra: Any) -> None:
    for kind in kinds_of(sender):
        profile = profile_of(kind.model, account.id)
        if profile is not None:
            db.session.delete(profile)
