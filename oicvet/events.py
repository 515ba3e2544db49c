"""Queries over events that every feature shares, and events as lists show them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, and_, literal_column, or_, select, text
from sqlalchemy.orm import defer

from oicvet.content import Translated
from oicvet.extensions import db
from oicvet.models import Event
from oicvet.plugins.registry import get_registry
from oicvet.statements import prepared

EVENTS = Event.__table__
#: What a list of events reads: every column but the long ones (summary, text) and the stamps.
LISTED_COLUMNS = ("id", "seed_key", "sector", "programme", "kind", "title", "year", "start_date", "end_date",
                  "city", "country", "is_virtual", "participants", "countries_count")
#: For lists read as ORM objects: neither the summary nor the text is read (nor parsed from JSON).
LISTED = (defer(Event.summary), defer(Event.body))


class ListedEvent(Translated):
    """An event as a list shows it, read without the ORM (a tenth of the cost of an ``Event``).

    It has the ``LISTED_COLUMNS`` of ``Event``, ``local(name)`` and ``has_venue``;
    not its summary and text, which only the event's own page shows.
    """

    __slots__ = LISTED_COLUMNS
    id: int
    programme: str | None
    title: dict[str, str]
    year: int
    start_date: date | None
    end_date: date | None
    city: dict[str, str] | None
    country: str | None
    is_virtual: bool

    def __init__(self, row: Row[Any] | tuple[Any, ...]) -> None:
        for name, value in zip(LISTED_COLUMNS, row, strict=True):
            setattr(self, name, value)

    has_venue = Event.has_venue

    def __repr__(self) -> str:
        return f"<ListedEvent {self.id} {(self.title or {}).get('en')!r}>"


def listed_events(statement: Select, values: dict[str, Any] | None = None) -> list[ListedEvent]:
    """Run a statement that selects ``listed_columns()`` and give its rows as ``ListedEvent``."""
    return [ListedEvent(row) for row in db.session.connection().execute(statement, values or {})]


def listed_columns() -> list[ColumnElement[Any]]:
    return [EVENTS.c[name] for name in LISTED_COLUMNS]


def visible() -> ColumnElement[bool]:
    """Published events of loaded programmes, and those of OIC-VET itself."""
    return prepared("events: visible", _visible)


def _visible() -> ColumnElement[bool]:
    # SQLite: "+event.programme" uses no index, so that a list walks the (year, start_date)
    # index in its order and stops at its page, rather than gathering every visible event to sort.
    sqlite = db.engine.dialect.name == "sqlite"
    programme = literal_column(f"+{EVENTS.name}.programme", String) if sqlite else EVENTS.c.programme
    clause = and_(EVENTS.c.published, or_(programme.in_(get_registry().programme_slugs), programme.is_(None)))
    # The loaded programmes never change while the app runs: written out once with their
    # values, rather than thirty parameters bound and rendered again at every query.
    compiled = clause.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    return text(f"({compiled})")  # type: ignore[return-value]


def chronological(query: Select) -> Select:
    """Latest first; within a year, dated events by date and undated ones last.

    In the order of the (year, start_date) index read backwards (NULLS LAST is
    SQLite's own order for DESC), so that a page of the list reads only its rows.
    """
    return query.order_by(EVENTS.c.year.desc(), EVENTS.c.start_date.desc().nulls_last(), EVENTS.c.id.desc())


def latest(limit: int = 5) -> Select:
    """The latest visible events, as ``listed_events`` reads them."""
    return prepared(
        f"events: latest {limit}", lambda: chronological(select(*listed_columns()).where(visible())).limit(limit)
    )
