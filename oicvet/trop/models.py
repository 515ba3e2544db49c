"""TROP: training institutions (a reviewed profile) and the training opportunities they publish."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oicvet.content import LocalText, Translated, local_text_any, translated_column
from oicvet.extensions import db
from oicvet.models import utcnow
from oicvet.profiles.models import ReviewedProfile
from oicvet.search.searchable import Searchable

#: Where an opportunity "on request" sorts, and the day it never passes.
NO_DATE = date(9999, 12, 31)


class TropInstitution(ReviewedProfile, Searchable, db.Model):
    """A training institution of a member country; approved, it is a TROP member and publishes opportunities."""

    __tablename__ = "trop_institution"
    # The directory lists approved institutions by name, filtered by country or not.
    __table_args__ = (
        Index("ix_trop_institution_status_name", "status", "name", "id"),
        Index("ix_trop_institution_status_country", "status", "country", "name", "id"),
    )
    search_fields = ("name", "acronym", "city", "description")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str] = mapped_column(String(30), default="")
    institution_type: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: The institution's address for enquiries (its account's address is the contact person's login).
    public_email: Mapped[str] = mapped_column(String(254), default="")
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_position: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text)

    field_rows: Mapped[list[TropInstitutionField]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TropInstitutionField.sector"
    )
    opportunities: Mapped[list[TrainingOpportunity]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="select", back_populates="institution"
    )

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def fields(self) -> list[str]:
        """The fields of training: sector (plugin) keys."""
        return [row.sector for row in self.field_rows]

    @fields.setter
    def fields(self, keys: list[str]) -> None:
        self.field_rows = [TropInstitutionField(sector=key) for key in dict.fromkeys(keys)]


class TropInstitutionField(db.Model):
    """A field of training (a sector plugin's key) of an institution."""

    __tablename__ = "trop_institution_field"
    __table_args__ = (Index("ix_trop_institution_field_sector", "sector", "institution_id"),)

    institution_id: Mapped[int] = mapped_column(
        ForeignKey("trop_institution.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(40), primary_key=True)


class TrainingOpportunity(Translated, Searchable, db.Model):
    """A course, workshop, seminar… that an institution opens to participants from member countries.

    Visitors see it when it is published. Only an approved institution publishes,
    and an institution that is no longer approved has its opportunities unpublished
    (``oicvet.trop.visibility``), so that the catalogue filters on this table alone.
    Staff may take one off the catalogue with a reason (``held_reason``), which its
    institution is told; the institution may correct it and publish it again.
    """

    __tablename__ = "trop_opportunity"
    # Each ends with the catalogue's order, so that its pages and counts read an index alone:
    # the current ones (or the past ones) by their last day, or those of a sector, a country, an
    # institution.
    __table_args__ = (
        Index("ix_trop_opportunity_current", "published", "last_date", "sort_date", "id"),
        Index("ix_trop_opportunity_sector", "sector", "published", "last_date", "sort_date", "id"),
        Index("ix_trop_opportunity_country", "venue_country", "published", "last_date", "sort_date", "id"),
        Index("ix_trop_opportunity_institution", "institution_id", "published", "last_date", "sort_date", "id"),
    )
    search_fields = ("search_words",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("trop_institution.id", ondelete="CASCADE"))
    #: {language: text} in any of the served languages, at least one; the others fall back to it.
    title: Mapped[dict[str, str] | None] = translated_column()
    #: Plain text, paragraphs separated by a blank line.
    description: Mapped[dict[str, str] | None] = translated_column()
    sector: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    modality: Mapped[str] = mapped_column(String(20))
    #: No fixed dates: the institution runs it when asked.
    on_request: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    #: The catalogue's order: the start date, or ``NO_DATE`` on request (kept by the model).
    sort_date: Mapped[date] = mapped_column(Date, default=NO_DATE)
    #: The last day: past opportunities leave the catalogue's default view (kept by the model).
    last_date: Mapped[date] = mapped_column(Date, default=NO_DATE)
    duration_value: Mapped[int | None] = mapped_column(Integer)
    duration_unit: Mapped[str | None] = mapped_column(String(10))
    venue_country: Mapped[str | None] = mapped_column(String(2))
    venue_city: Mapped[str] = mapped_column(String(100), default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    places: Mapped[int | None] = mapped_column(Integer)
    is_free: Mapped[bool] = mapped_column(Boolean, default=True)
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    fee_currency: Mapped[str | None] = mapped_column(String(3))
    application_deadline: Mapped[date | None] = mapped_column(Date)
    apply_url: Mapped[str] = mapped_column(String(300), default="")
    apply_email: Mapped[str] = mapped_column(String(254), default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Why staff took it off the catalogue, shown to its institution until it is published again.
    held_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Raised by every save: a save based on an older version is a conflict, never a silent overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    institution: Mapped[TropInstitution] = relationship(back_populates="opportunities", lazy="joined")
    language_rows: Mapped[list[OpportunityLanguage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OpportunityLanguage.language"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def languages(self) -> list[str]:
        """The languages of instruction (ISO 639-1 codes)."""
        return [row.language for row in self.language_rows]

    @languages.setter
    def languages(self, codes: list[str]) -> None:
        self.language_rows = [OpportunityLanguage(language=code) for code in dict.fromkeys(codes)]

    @property
    def search_words(self) -> str:
        texts: list[str] = []
        for field in (self.title, self.description):
            # In the languages' order, not the stored one: PostgreSQL's JSONB keeps its own.
            texts.extend(text for _language, text in sorted((field or {}).items()))
        texts += [self.target_group or "", self.venue_city or ""]
        return "\n".join(texts)

    @property
    def institution_name(self) -> str:
        return self.institution.name

    def local_title(self, language: str | None = None) -> LocalText:
        return local_text_any(self.title, language)

    def local_description(self, language: str | None = None) -> LocalText:
        return local_text_any(self.description, language)

    @property
    def is_visible(self) -> bool:
        """Whether visitors see it: published, by an approved institution."""
        return self.published and self.institution is not None and self.institution.is_listed

    def is_past(self, today: date) -> bool:
        return self.last_date < today

    def is_open(self, today: date) -> bool:
        """Open for applications: its deadline has not passed (without one: it has not started)."""
        if self.application_deadline is not None:
            return self.application_deadline >= today
        return self.sort_date >= today


class OpportunityLanguage(db.Model):
    """A language of instruction of an opportunity."""

    __tablename__ = "trop_opportunity_language"
    __table_args__ = (Index("ix_trop_opportunity_language", "language", "opportunity_id"),)

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("trop_opportunity.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(3), primary_key=True)


@event.listens_for(TrainingOpportunity, "before_insert")
@event.listens_for(TrainingOpportunity, "before_update")
def _keep_dates_in_step(mapper: Any, connection: Any, row: TrainingOpportunity) -> None:
    if row.on_request or row.start_date is None:
        row.sort_date = row.last_date = NO_DATE
    else:
        row.sort_date = row.start_date
        row.last_date = row.end_date or row.start_date
