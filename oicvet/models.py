"""Shared models: events and their files, National Focal Points, contact messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oicvet.content import LocalText, Translated, translated_column
from oicvet.extensions import db

__all__ = ["ContactMessage", "Event", "EventFile", "FocalPoint", "LocalText", "Translated", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(Translated, db.Model):
    """An activity of a programme (or of OIC-VET itself, when ``programme`` is empty)."""

    __tablename__ = "event"
    # Each index ends with what decides whether visitors see an event (its programme, published),
    # so that counts and lists filter on the index alone, without reading every row.
    __table_args__ = (
        Index("ix_event_programme_year", "programme", "year", "published"),
        Index("ix_event_year_start", "year", "start_date", "programme", "published"),
        Index("ix_event_country", "country", "programme", "published"),
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
    #: What the editor wrote: paragraphs separated by a blank line, with the light
    #: markup of ``oicvet.richtext`` (lists, links, emphasis).
    body: Mapped[dict[str, str] | None] = translated_column()
    #: ``body`` made HTML and sanitised when it was saved; what the event's page shows.
    body_html: Mapped[dict[str, str] | None] = translated_column()
    #: The year it is filed under; known even when the dates are not.
    year: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    city: Mapped[dict[str, str] | None] = translated_column()
    country: Mapped[str | None] = mapped_column(String(2))
    is_virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    participants: Mapped[int | None] = mapped_column(Integer)
    countries_count: Mapped[int | None] = mapped_column(Integer)
    #: Unpublished events are seen in the staff panel only.
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Raised by every save: a save based on an older version is a conflict, never a silent overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    files: Mapped[list[EventFile]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="EventFile.position, EventFile.id",
        back_populates="event",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_venue(self) -> bool:
        return bool(self.is_virtual or self.city or self.country)

    @property
    def photos(self) -> list[EventFile]:
        return [item for item in self.files if item.kind == EventFile.PHOTO]

    @property
    def documents(self) -> list[EventFile]:
        return [item for item in self.files if item.kind == EventFile.DOCUMENT]

    def __repr__(self) -> str:
        return f"<Event {self.id} {(self.title or {}).get('en')!r}>"


class EventFile(Translated, db.Model):
    """A photo or a document of an event, kept by ``oicvet.uploads`` under a random name."""

    __tablename__ = "event_file"

    PHOTO = "photo"
    DOCUMENT = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: The name it is stored under, random; never the name it was sent with.
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    #: A photo's text alternative, or a document's title, e.g. "Terms of reference".
    caption: Mapped[dict[str, str]] = translated_column(required=True)
    #: The language a document is written in.
    language: Mapped[str | None] = mapped_column(String(2))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    event: Mapped[Event] = relationship(back_populates="files")


class FocalPoint(Translated, db.Model):
    """A National Focal Point: the office a member country designated, entered by staff."""

    __tablename__ = "focal_point"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), unique=True)
    institution: Mapped[dict[str, str]] = translated_column(required=True)
    website: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __mapper_args__ = {"version_id_col": version}


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
    #: Set by staff in the inbox; unread messages have none.
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
