"""A partner: an institution of a member country that wants to cooperate on VET."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oicvet.accounts.models import Account
from oicvet.extensions import db
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import utcnow
from oicvet.partners.folding import index_text
from oicvet.partners.moderation import Moderated


class Status(StrEnum):
    UNCONFIRMED = "unconfirmed"  # the e-mail address is not confirmed yet
    PENDING = "pending"  # waiting for an administrator
    APPROVED = "approved"  # listed in Partner Search
    REJECTED = "rejected"  # told why; may edit and submit again


ORGANISATION_TYPES = {
    "government": _l("Ministry or government agency"),
    "public": _l("Public institution"),
    "tvet": _l("TVET institution"),
    "university": _l("University"),
    "company": _l("Private company"),
    "association": _l("Chamber or association"),
    "ngo": _l("NGO"),
    "international": _l("International organisation"),
}

STATUS_LABELS = {
    Status.UNCONFIRMED: _l("E-mail address not confirmed"),
    Status.PENDING: _l("Waiting for approval"),
    Status.APPROVED: _l("Approved"),
    Status.REJECTED: _l("Not approved"),
}


class Partner(Moderated, db.Model):
    """A partner's public (approved) profile; an approved partner's edits wait in ``pending_changes``."""

    __tablename__ = "partner"
    __table_args__ = (
        Index("ix_partner_status_updated", "status", "updated_at"),
        Index("ix_partner_status_country", "status", "country"),
        Index("ix_partner_status_type", "status", "organisation_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str] = mapped_column(String(30), default="")
    organisation_type: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    cooperation_areas: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_position: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(12), default=Status.UNCONFIRMED.value)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Name, acronym, description and areas, folded for search (see search.fold).
    search_text: Mapped[str] = mapped_column(Text, default="")

    account: Mapped[Account] = relationship(lazy="joined")
    sector_rows: Mapped[list[PartnerSector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PartnerSector.sector"
    )

    @property
    def sectors(self) -> list[str]:
        return [row.sector for row in self.sector_rows]

    @sectors.setter
    def sectors(self, keys: list[str]) -> None:
        self.sector_rows = [PartnerSector(sector=key) for key in dict.fromkeys(keys)]

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

    @property
    def can_be_approved(self) -> bool:
        # A refusal can be reversed; an approved profile has nothing to approve.
        return not self.awaits_confirmation and self.status in (Status.PENDING, Status.REJECTED)

    @property
    def can_be_rejected(self) -> bool:
        return not self.awaits_confirmation and self.status in (Status.PENDING, Status.APPROVED)

    @property
    def has_changes_to_review(self) -> bool:
        """Edits of the listed profile wait for staff."""
        return self.is_listed and self.has_pending_changes


class PartnerSector(db.Model):
    """A sector (plugin key) a partner is interested in."""

    __tablename__ = "partner_sector"
    __table_args__ = (Index("ix_partner_sector_sector", "sector", "partner_id"),)

    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(40), primary_key=True)


@event.listens_for(Partner, "before_insert")
@event.listens_for(Partner, "before_update")
def _fold_for_search(mapper, connection, partner: Partner) -> None:
    partner.search_text = index_text(partner.name, partner.acronym, partner.description, partner.cooperation_areas)
