"""The columns every reviewed profile has, and what its status allows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from oicvet.accounts.models import Account
from oicvet.models import utcnow
from oicvet.profiles.moderation import Moderated
from oicvet.profiles.status import Status, Transition, allowed


class ReviewedProfile(Moderated):
    """A profile of one account that staff approve before it is listed, and whose later edits they review.

    Its status changes only through ``profiles.lifecycle``.
    """

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), unique=True)
    #: The members' lowercase values in a VARCHAR(12), as the column has always held: no data changes.
    status: Mapped[Status] = mapped_column(
        Enum(Status, native_enum=False, length=12, validate_strings=True,
             values_callable=lambda statuses: [status.value for status in statuses]),
        default=Status.UNCONFIRMED,
    )
    #: Why staff rejected the profile, shown to its owner; empty once approved.
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @declared_attr
    def account(cls) -> Mapped[Account]:
        return relationship(Account, lazy="joined")

    @property
    def display_name(self) -> str:
        """How staff and e-mails name the profile: its account's name, unless the kind has a better one."""
        return self.account.name

    @property
    def email(self) -> str:
        return self.account.email

    @property
    def is_listed(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def awaits_confirmation(self) -> bool:
        """Until its owner confirms the address, no one has shown that the profile is theirs."""
        return self.status == Status.UNCONFIRMED or self.account.email_confirmed_at is None

    def may(self, transition: Transition) -> bool:
        return allowed(transition, self.status, self.account.email_confirmed_at is not None)

    @property
    def can_be_approved(self) -> bool:
        return self.may(Transition.APPROVE)

    @property
    def can_be_rejected(self) -> bool:
        return self.may(Transition.REJECT)

    @property
    def has_changes_to_review(self) -> bool:
        """Edits of the listed profile wait for staff."""
        return self.is_listed and self.has_pending_changes
