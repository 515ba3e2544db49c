"""The declaration of a kind of reviewed profile, and the kinds an app has.

A feature declares its kind once (see ``oicvet/partners/kind.py``) and calls
``oicvet.profiles.register_kind(app, KIND)`` from its ``init_app``. Everything
that differs between kinds is here: the model and form, the role granted at
registration, who reviews, the e-mails sent, and the words that name the kind
to staff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from oicvet.accounts.models import Role

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnElement

    from oicvet.forms import Form
    from oicvet.profiles.models import ReviewedProfile

_KINDS = "oicvet.profile_kinds"


@dataclass(frozen=True)
class Mails:
    """The e-mail templates (``mail/<name>.txt``) of a kind.

    Each gets the profile under the kind's ``name`` (``partner`` for partners).
    Those to reviewers also get ``review``, the link to the review page; those
    to the owner get ``account`` and the kind's ``owner_links``.
    """

    waiting: str  # to reviewers: a profile waits for approval
    changes_waiting: str  # to reviewers: an approved profile's edits wait
    approved: str  # to the owner
    rejected: str  # to the owner, with the reason
    changes_accepted: str  # to the owner
    changes_refused: str  # to the owner, with the reason
    already_registered: str  # to the owner of an address someone tried to register again


@dataclass(frozen=True)
class Labels:
    """The words that name a kind on the staff pages and in their messages (translated when shown).

    Those with ``%(name)s`` get the profile's ``display_name``.
    """

    queue_title: Any  # the review queue's heading
    name_column: Any  # the queue's column of names
    none_with_status: Any  # a tab with no profile
    changes_intro: Any  # what the "Changes to review" tab lists
    changed_fields: Any  # the caption of the table of changes
    reject_button: Any
    refuse_changes_button: Any
    reason: Any  # the label of the reason for a rejection
    changes_reason: Any  # the label of the reason for refusing changes
    reason_required: Any
    changes_moved: Any  # the owner edited the changes while staff looked at them
    approved: Any  # %(name)s
    rejected: Any  # %(name)s
    changes_accepted: Any  # %(name)s
    changes_refused: Any  # %(name)s
    confirmed: Any  # to the owner, once the address is confirmed: the profile now waits
    record: Any  # one profile of the kind, as the audit log names it ("Partner profile")


@dataclass(frozen=True)
class SectorScope:
    """Profiles that belong to sectors: the editors of a profile's sectors review it too."""

    #: The sectors (plugin keys) a profile belongs to.
    of_profile: Callable[[Any], frozenset[str]]
    #: A filter for the kind's profiles that belong to any of the given sectors.
    where: Callable[[frozenset[str]], ColumnElement[bool]]
    #: The sectors that may have profiles of the kind at all (the editors of others review none).
    sectors: Callable[[], frozenset[str]]


@dataclass(frozen=True, eq=False)
class ProfileKind:
    #: The staff pages are at ``/<lang>/admin/<key>/``.
    key: str
    #: The review endpoints are ``<name>_review.queue`` and ``<name>_review.review``;
    #: e-mail templates get the profile under this name.
    name: str
    model: type[ReviewedProfile]
    #: The profile form: what the owner edits, and its labels and choices on the review page.
    form: type[Form]
    #: The fields of ``form`` that are the profile (registration adds an account to them).
    fields: tuple[str, ...]
    #: The role the kind gives its accounts: at registration, or, with ``role_on_approval``,
    #: when staff approve the profile (and taken back when they reject it).
    role: Role
    #: The field of the registration form that names the account (its person).
    account_name_field: str
    mails: Mails
    labels: Labels
    #: A template with the macros ``title(profile)``, ``profile(profile, show_contacts)``,
    #: ``queue_headers()`` and ``queue_cells(profile)``, for the staff pages.
    summary_template: str
    #: The links of an e-mail to the owner, in a language: ``(profile, language) → {name: URL}``.
    owner_links: Callable[[Any, str], dict[str, str]]
    #: Who reviews, and is told what waits.
    reviewer_roles: tuple[Role, ...] = (Role.ADMINISTRATOR,)
    #: The role means "approved" (a TROP member), rather than "registered" (a partner).
    role_on_approval: bool = False
    #: With a scope, the editors of a profile's sectors review it beside ``reviewer_roles``.
    sector_scope: SectorScope | None = None
    #: The kinds (keys) whose approved profiles see this kind's contact details; none: this kind's own.
    contacts_seen_by: tuple[str, ...] = ()

    @property
    def review_blueprint(self) -> str:
        return f"{self.name}_review"

    def reviews(self, account: Any) -> bool:
        """Whether ``account`` reviews profiles of this kind (all, or those of its sectors)."""
        if not account.is_authenticated:
            return False
        return account.has_role(*self.reviewer_roles) or bool(self._editor_sectors(account))

    def reviews_all(self, account: Any) -> bool:
        return account.is_authenticated and account.has_role(*self.reviewer_roles)

    def reviews_profile(self, account: Any, profile: Any) -> bool:
        if self.reviews_all(account):
            return True
        sectors = self._editor_sectors(account)
        return bool(sectors and self.sector_scope and sectors & self.sector_scope.of_profile(profile))

    def review_filter(self, account: Any) -> ColumnElement[bool] | None:
        """The filter of the profiles ``account`` reviews; None for all of them."""
        if self.reviews_all(account) or self.sector_scope is None:
            return None
        return self.sector_scope.where(self._editor_sectors(account))

    def _editor_sectors(self, account: Any) -> frozenset[str]:
        if self.sector_scope is None or not account.is_authenticated or not account.has_role(Role.SECTOR_EDITOR):
            return frozenset()
        return account.edited_sectors & self.sector_scope.sectors()


def add_kind(app: Flask, kind: ProfileKind) -> bool:
    """Record ``kind`` for ``app``; False when it was recorded already. One kind per model."""
    kinds: dict[str, ProfileKind] = app.extensions.setdefault(_KINDS, {})
    if kinds.get(kind.key) is kind:
        return False
    for other in kinds.values():
        if other.key == kind.key or other.model is kind.model:
            raise ValueError(f"{kind.key}: another kind has this key or this model ({other.key})")
    kinds[kind.key] = kind
    return True


def kinds_of(app: Flask) -> list[ProfileKind]:
    return list(app.extensions.get(_KINDS, {}).values())


def kind_of(profile: ReviewedProfile | type[ReviewedProfile]) -> ProfileKind:
    """The kind of a profile (or of its model) in the current app."""
    model = profile if isinstance(profile, type) else type(profile)
    for kind in kinds_of(current_app):
        if issubclass(model, kind.model):
            return kind
    raise LookupError(f"{model.__name__} is not a registered kind of profile")
