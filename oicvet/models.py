"""Shared models: events, National Focal Points, contact messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from oicvet.content import LocalText, Translated, translated_column
from oicvet.extensions import db

__all__ = ["ContactMessage", "Event", "FocalPoint", "LocalText", "Translated", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(Translated, db.Model):
    """An activity of a programme (or of OIC-VET itself, when ``programme`` is empty)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_programme_year", "programme", "year"),
        Index("ix_event_year_start", "year", "start_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Set for events that ship with the site, so the seed never loads one twice.
    seed_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    sector: Mapped[str | None] = mapped_column(String(40), index=True)
    programme: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))
    # {language: text}; English required for the title, optional elsewhere.
    title: Mapped[dict[str, str]] = translated_column(required=True)
    summary: Mapped[dict[str, str] | None] = translated_column()
    #: Paragraphs separated by a blank line.
    body: Mapped[dict[str, str] | None] = translated_column()
    #: The year it is filed under; known even when the dates are not.
    year: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    city: Mapped[dict[str, str] | None] = translated_column()
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    is_virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    participants: Mapped[int | None] = mapped_column(Integer)
    countries_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    @property
    def has_venue(self) -> bool:
        return bool(self.is_virtual or self.city or self.country)

    def __repr__(self) -> str:
        return f"<Event {self.id} {(self.title or {}).get('en')!r}>"


class FocalPoint(Translated, db.Model):
    """A National Focal Point: the office a member country designated, entered by staff."""

    __tablename__ = "focal_point"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), unique=True)
    institution: Mapped[dict[str, str]] = translated_column(required=True)
    website: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class ContactMessage(db.Model):
    """A message sent through Contact Us."""

    __tablename__ = "contact_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
