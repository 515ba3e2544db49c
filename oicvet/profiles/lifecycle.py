"""The moves of a reviewed profile: confirm, approve, reject and resubmit.

Each checks that it fits the profile's status (``status.RULES``), changes the
status and stamps the time, commits, and then sends its e-mail: approval and
rejection to the owner, confirmation and resubmission to the reviewers.
``move`` does the part within a transaction, for a caller that commits
itself (the account's confirmation of its address); it is the one place where
a profile's status changes, and where a kind whose role means "approved"
gives and takes back that role.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from blinker import Namespace
from flask import current_app

from oicvet.extensions import db
from oicvet.models import utcnow
from oicvet.profiles import notify
from oicvet.profiles.kinds import kind_of
from oicvet.profiles.models import ReviewedProfile
from oicvet.profiles.status import RULES, Status, Transition

_signals = Namespace()
#: Sent by ``move`` (sender: the app; ``profile``, ``transition``), within the transaction that moves the
#: profile: what a feature keeps in step with a profile's status (TROP unpublishes the opportunities of
#: an institution that is no longer approved) changes in that same transaction.
profile_moved = _signals.signal("profile-moved")


class NotAllowed(Exception):
    """The move does not fit the profile's status (or its address is unconfirmed); nothing changed."""

    def __init__(self, transition: Transition, status: Status) -> None:
        super().__init__(f"cannot {transition.value} a profile that is {status.value}")
        self.transition = transition


def move(profile: ReviewedProfile, transition: Transition, reason: str = "") -> Callable[[], None]:
    """Take ``transition`` within the current transaction; returns the e-mail to send once it is committed."""
    if not profile.may(transition):
        raise NotAllowed(transition, profile.status)
    if transition is Transition.REJECT and not reason.strip():
        raise ValueError("a rejection needs its reason: the owner is told")
    kind = kind_of(profile)
    profile.status = RULES[transition].target
    profile_moved.send(current_app._get_current_object(), profile=profile, transition=transition)
    match transition:
        case Transition.APPROVE:
            if kind.role_on_approval:
                profile.account.grant(kind.role)
            profile.rejection_reason = ""
            profile.reviewed_at = utcnow()
            return partial(notify.tell_owner, kind, profile, kind.mails.approved)
        case Transition.REJECT:
            if kind.role_on_approval:
                profile.account.revoke(kind.role)
            profile.rejection_reason = reason
            profile.reviewed_at = utcnow()
            return partial(notify.tell_owner, kind, profile, kind.mails.rejected)
        case Transition.CONFIRM | Transition.RESUBMIT:
            profile.updated_at = utcnow()
            return partial(notify.tell_reviewers, kind, profile, kind.mails.waiting)


def _commit_then_tell(profile: ReviewedProfile, transition: Transition, reason: str = "") -> None:
    tell = move(profile, transition, reason)
    db.session.commit()
    tell()


def confirm(profile: ReviewedProfile) -> None:
    """The owner's address is confirmed: the profile waits for staff, who are told."""
    _commit_then_tell(profile, Transition.CONFIRM)


def approve(profile: ReviewedProfile) -> None:
    """List the profile, and tell its owner."""
    _commit_then_tell(profile, Transition.APPROVE)


def reject(profile: ReviewedProfile, reason: str) -> None:
    """Do not list the profile (any longer), and tell its owner why."""
    _commit_then_tell(profile, Transition.REJECT, reason)


def resubmit(profile: ReviewedProfile) -> None:
    """The owner corrected a rejected profile: it waits for staff again, who are told."""
    _commit_then_tell(profile, Transition.RESUBMIT)
