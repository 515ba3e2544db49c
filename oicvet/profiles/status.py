"""Where a reviewed profile stands, and which move takes it where.

A profile starts unconfirmed; once its owner confirms the e-mail address it
waits for staff, who approve it (it is listed) or reject it with a reason (its
owner may correct it and resubmit it). A refusal can be reversed, and an
approved profile can be withdrawn by rejecting it. Nothing moves while the
address is unconfirmed: until then, no one has shown that the profile is its
owner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from oicvet.i18n import lazy_gettext as _l


class Status(StrEnum):
    """Stored as its lowercase value (see ``profiles.models.status_column``)."""

    UNCONFIRMED = "unconfirmed"  # the e-mail address is not confirmed yet
    PENDING = "pending"  # waiting for staff
    APPROVED = "approved"  # listed
    REJECTED = "rejected"  # told why; may be corrected and resubmitted


STATUS_LABELS = {
    Status.UNCONFIRMED: _l("E-mail address not confirmed"),
    Status.PENDING: _l("Waiting for approval"),
    Status.APPROVED: _l("Approved"),
    Status.REJECTED: _l("Not approved"),
}


class Transition(Enum):
    CONFIRM = "confirm"  # the owner confirmed the address
    APPROVE = "approve"  # by staff
    REJECT = "reject"  # by staff, with a reason
    RESUBMIT = "resubmit"  # the owner saved a rejected profile


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status


RULES = {
    Transition.CONFIRM: Rule(frozenset({Status.UNCONFIRMED}), Status.PENDING),
    Transition.APPROVE: Rule(frozenset({Status.PENDING, Status.REJECTED}), Status.APPROVED),
    Transition.REJECT: Rule(frozenset({Status.PENDING, Status.APPROVED}), Status.REJECTED),
    Transition.RESUBMIT: Rule(frozenset({Status.REJECTED}), Status.PENDING),
}


def allowed(transition: Transition, status: Status, email_confirmed: bool) -> bool:
    """Whether a profile in ``status`` may take ``transition``."""
    return email_confirmed and status in RULES[transition].sources
