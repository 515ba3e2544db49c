"""Queries over events that every feature shares."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select

from oicvet.models import Event
from oicvet.plugins.registry import get_registry


def visible() -> ColumnElement[bool]:
    """Events of loaded programmes, and those of OIC-VET itself."""
    return or_(Event.programme.in_(get_registry().programme_slugs), Event.programme.is_(None))


def chronological(query: Select) -> Select:
    """Latest first; within a year, dated events by date and undated ones last."""
    return query.order_by(
        Event.year.desc(), Event.start_date.is_(None), Event.start_date.desc(), Event.id.desc()
    )


def latest(limit: int = 5) -> Select:
    return chronological(select(Event).where(visible())).limit(limit)
