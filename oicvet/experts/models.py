"""An expert of the Roster of Experts: a person, the rosters and fields of expertise they registered
in, the languages they work in, the countries they have worked in, and their CV."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oicvet.extensions import db
from oicvet.profiles.models import ReviewedProfile
from oicvet.search.searchable import Searchable

#: Separates a language from its level in ``Expert.languages`` ("ar:native").
LEVEL_SEPARATOR = ":"


class Expert(ReviewedProfile, Searchable, db.Model):
    """An expert's public (approved) profile; an approved expert's edits wait in ``pending_changes``.

    The e-mail address is the account's. The CV is a PDF kept under a random name (``cv_name``),
    replaced at once by its owner (it is never public), and deleted with the record.
    """

    __tablename__ = "expert"
    # Each ends with the list's order (by name), so that a filtered page stops early.
    __table_args__ = (
        Index("ix_expert_status_name", "status", "name", "id"),
        Index("ix_expert_status_residence", "status", "residence_country", "name", "id"),
    )
    search_fields = ("name", "institution", "position", "profile")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    nationality: Mapped[str] = mapped_column(String(2))
    residence_country: Mapped[str] = mapped_column(String(2))
    institution: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    years_experience: Mapped[int] = mapped_column(Integer)
    degree: Mapped[str] = mapped_column(String(20))
    profile: Mapped[str] = mapped_column(Text)
    cv_name: Mapped[str] = mapped_column(String(64))
    cv_size: Mapped[int] = mapped_column(Integer)
    cv_uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    roster_rows: Mapped[list[ExpertRoster]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExpertRoster.roster"
    )
    field_rows: Mapped[list[ExpertField]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExpertField.field"
    )
    language_rows: Mapped[list[ExpertLanguage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExpertLanguage.language"
    )
    country_rows: Mapped[list[ExpertCountry]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExpertCountry.country"
    )

    @property
    def display_name(self) -> str:
        return self.name

    # Lists of keys, as the profile form and its moderation read and write them.
    @property
    def rosters(self) -> list[str]:
        return [row.roster for row in self.roster_rows]

    @rosters.setter
    def rosters(self, keys: list[str]) -> None:
        self.roster_rows = [ExpertRoster(roster=key) for key in dict.fromkeys(keys)]

    @property
    def expertise(self) -> list[str]:
        """Fields of expertise, by their full keys: ``<roster>.<field>``."""
        return [row.field for row in self.field_rows]

    @expertise.setter
    def expertise(self, keys: list[str]) -> None:
        self.field_rows = [ExpertField(field=key) for key in dict.fromkeys(keys)]

    @property
    def languages(self) -> list[str]:
        """Languages with their level: ``<ISO 639-1>:<level>``."""
        return [f"{row.language}{LEVEL_SEPARATOR}{row.level}" for row in self.language_rows]

    @languages.setter
    def languages(self, pairs: list[str]) -> None:
        rows: dict[str, ExpertLanguage] = {}
        for pair in pairs:
            language, _sep, level = pair.partition(LEVEL_SEPARATOR)
            rows.setdefault(language, ExpertLanguage(language=language, level=level))
        self.language_rows = list(rows.values())

    @property
    def work_countries(self) -> list[str]:
        """Countries of work experience (ISO 3166-1 alpha-2)."""
        return [row.country for row in self.country_rows]

    @work_countries.setter
    def work_countries(self, codes: list[str]) -> None:
        self.country_rows = [ExpertCountry(country=code) for code in dict.fromkeys(codes)]


class ExpertRoster(db.Model):
    """A roster (its key, declared by a sector plugin) an expert is in."""

    __tablename__ = "expert_roster"
    __table_args__ = (Index("ix_expert_roster_roster", "roster", "expert_id"),)

    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True)
    roster: Mapped[str] = mapped_column(String(40), primary_key=True)


class ExpertField(db.Model):
    """A field of expertise: ``<roster>.<field>``."""

    __tablename__ = "expert_field"
    __table_args__ = (Index("ix_expert_field_field", "field", "expert_id"),)

    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(80), primary_key=True)


class ExpertLanguage(db.Model):
    __tablename__ = "expert_language"
    __table_args__ = (Index("ix_expert_language_language", "language", "expert_id"),)

    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(3), primary_key=True)
    level: Mapped[str] = mapped_column(String(12))


class ExpertCountry(db.Model):
    """A country the expert has worked in."""

    __tablename__ = "expert_country"
    __table_args__ = (Index("ix_expert_country_country", "country", "expert_id"),)

    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
