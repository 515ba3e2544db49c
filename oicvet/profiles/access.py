"""Who sees a reviewed profile, and who sees its contact details."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import current_app
from flask_login import current_user
from sqlalchemy import exists

from oicvet.extensions import db
from oicvet.profiles.kinds import kind_of, kinds_of
from oicvet.profiles.models import ReviewedProfile
from oicvet.profiles.status import Status

P = TypeVar("P", bound=ReviewedProfile)


def profile_of(model: type[P], account_id: int) -> P | None:
    return db.session.execute(db.select(model).filter_by(account_id=account_id)).scalar_one_or_none()


def own_profile(model: type[P]) -> P | None:
    """The logged-in account's profile of this kind, if any."""
    if not current_user.is_authenticated:
        return None
    return profile_of(model, current_user.id)


def _is_owner(viewer: Any, profile: ReviewedProfile) -> bool:
    return viewer is not None and viewer.is_authenticated and viewer.id == profile.account_id


def _is_staff(viewer: Any) -> bool:
    return viewer is not None and viewer.is_authenticated and viewer.is_staff


def can_see(viewer: Any, profile: ReviewedProfile) -> bool:
    """A listed profile is public; any other is for its owner and staff."""
    return profile.is_listed or _is_owner(viewer, profile) or _is_staff(viewer)


def can_see_contacts(viewer: Any, profile: ReviewedProfile) -> bool:
    """Contact details are for staff, the owner, and those with an approved profile of a kind that may see
    them: the same kind, unless the kind names others (``ProfileKind.contacts_seen_by``).

    ``viewer`` is an account, or ``current_user`` (which may be anonymous), or None.
    """
    if _is_owner(viewer, profile) or _is_staff(viewer):
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    kind = kind_of(profile)
    if kind.contacts_seen_by:
        by_key = {other.key: other for other in kinds_of(current_app)}
        models = [by_key[key].model for key in kind.contacts_seen_by if key in by_key]
    else:
        models = [type(profile)]
    return any(db.session.scalar(db.select(exists().where(
        model.account_id == viewer.id, model.status == Status.APPROVED
    ))) for model in models)
