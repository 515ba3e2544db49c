"""A partner: an institution of a member country that wants to cooperate on VET."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oicvet.extensions import db
from oicvet.i18n import lazy_gettext as _l
from oicvet.profiles.models import ReviewedProfile
from oicvet.profiles.status import STATUS_LABELS, Status
from oicvet.search.searchable import Searchable

# Imported from here by code written before profiles had their own package.
__all__ = ["ORGANISATION_TYPES", "STATUS_LABELS", "Partner", "PartnerSector", "Status"]

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


class Partner(ReviewedProfile, Searchable, db.Model):
    """A partner's public (approved) profile; an approved partner's edits wait in ``pending_changes``."""

    __tablename__ = "partner"
    # Each ends with the list's order, most recently updated first, so a filtered page stops early.
    __table_args__ = (
        Index("ix_partner_status_updated", "status", "updated_at", "id"),
        Index("ix_partner_status_country", "status", "country", "updated_at", "id"),
        Index("ix_partner_status_type", "status", "organisation_type", "updated_at", "id"),
    )
    search_fields = ("name", "acronym", "description", "cooperation_areas")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
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

    sector_rows: Mapped[list[PartnerSector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PartnerSector.sector"
    )

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def sectors(self) -> list[str]:
        return [row.sector for row in self.sector_rows]

    @sectors.setter
    def sectors(self, keys: list[str]) -> None:
        self.sector_rows = [PartnerSector(sector=key) for key in dict.fromkeys(keys)]


class PartnerSector(db.Model):
    """A sector (plugin key) a partner is interested in."""

    __tablename__ = "partner_sector"
    __table_args__ = (Index("ix_partner_sector_sector", "sector", "partner_id"),)

    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(40), primary_key=True)
