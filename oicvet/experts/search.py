"""Finding experts: by roster, field of expertise, country of residence or of work experience,
language, minimum years of experience, and keywords (the search service folds Arabic and French).

Only approved experts in a loaded plugin's roster are found: leaving a plugin
out hides its roster, while its experts' records stay. Each filter reads an
index of its own (``models.py``); every statement is built once per app and
shape of search, and a page costs its ids and rows in one statement, and a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select

from oicvet.experts.models import Expert, ExpertCountry, ExpertField, ExpertLanguage, ExpertRoster
from oicvet.extensions import db
from oicvet.plugins.registry import get_registry
from oicvet.profiles.status import Status
from oicvet.search.folding import query_terms
from oicvet.search.searchable import match_value, matching
from oicvet.statements import Page, paginate, prepared

EXPERTS = Expert.__table__
ROSTERS = ExpertRoster.__table__
FIELDS = ExpertField.__table__


@dataclass(frozen=True)
class ExpertQuery:
    keywords: str = ""
    roster: str = ""
    field: str = ""
    country: str = ""
    worked_in: str = ""
    language: str = ""
    min_years: int = 0


@dataclass(frozen=True)
class Listed:
    """An expert as the list shows it: what the public may see."""

    id: int
    name: str
    residence_country: str
    #: Roster keys and full field keys, of the loaded rosters only.
    rosters: tuple[str, ...]
    fields: tuple[str, ...]


def _in(table: Any, column: str, parameter: str) -> ColumnElement[bool]:
    return EXPERTS.c.id.in_(select(table.c.expert_id).where(table.c[column] == bindparam(parameter)))


#: Each filter but the roster and the keywords, as the condition it adds.
_FILTERS = {
    "field": lambda: _in(FIELDS, "field", "field"),
    "country": lambda: EXPERTS.c.residence_country == bindparam("country"),
    "worked_in": lambda: _in(ExpertCountry.__table__, "country", "worked_in"),
    "language": lambda: _in(ExpertLanguage.__table__, "language", "language"),
    "min_years": lambda: EXPERTS.c.years_experience >= bindparam("min_years"),
}


def search(query: ExpertQuery, page: int, per_page: int) -> Page:
    """The ``page``-th page of approved experts that match, by name (404 past the last)."""
    registry = get_registry()
    loaded = [entry.key for entry in registry.rosters]
    expertise = tuple(registry.expertise)
    rosters = [query.roster] if query.roster in loaded else loaded
    values: dict[str, Any] = {"status": Status.APPROVED.value, "rosters": rosters}
    for name in _FILTERS:
        value = getattr(query, name)
        if value:
            values[name] = value
    terms = query_terms(query.keywords)
    if terms:
        values["keywords"] = match_value(terms)
    shape = tuple(sorted(values))
    connection = db.session.connection()

    def rows(limit: int, offset: int) -> list[Listed]:
        statement = prepared(f"experts: page {shape}", lambda: _page(shape))
        return [_listed(row, loaded, expertise) for row in connection.execute(statement, {**values, "limit": limit,
                                                                              "offset": offset})]

    def count() -> int:
        statement = prepared(f"experts: count {shape}", lambda: _count(shape))
        return connection.execute(statement, values).scalar_one()

    if not rosters:  # no roster is loaded: no one to find
        return paginate(lambda _limit, _offset: [], lambda: 0, page, per_page)
    return paginate(rows, count, page, per_page)


def _conditions(shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
    conditions = [
        EXPERTS.c.status == bindparam("status"),
        EXPERTS.c.id.in_(select(ROSTERS.c.expert_id).where(ROSTERS.c.roster.in_(bindparam("rosters", expanding=True)))),
    ]
    conditions += [build() for name, build in _FILTERS.items() if name in shape]
    if "keywords" in shape:
        conditions.append(matching(Expert, bindparam("keywords")))
    return conditions


def _aggregate(table: Any, column: str) -> Any:
    joined = (func.string_agg if db.engine.dialect.name == "postgresql" else func.group_concat)(table.c[column], " ")
    return select(joined).where(table.c.expert_id == EXPERTS.c.id).scalar_subquery()


def _page(shape: tuple[str, ...]) -> Select:
    c = EXPERTS.c
    return (
        select(c.id, c.name, c.residence_country, _aggregate(ROSTERS, "roster"), _aggregate(FIELDS, "field"))
        .where(*_conditions(shape)).order_by(c.name, c.id).limit(bindparam("limit")).offset(bindparam("offset"))
    )


def _count(shape: tuple[str, ...]) -> Select:
    return select(func.count()).select_from(EXPERTS).where(*_conditions(shape))


def _listed(row: Sequence[Any], loaded: list[str], expertise: tuple[str, ...]) -> Listed:
    # In the order the plugins declare them; those of a roster no longer loaded are left out.
    rosters, fields = set((row[3] or "").split()), set((row[4] or "").split())
    return Listed(row[0], row[1], row[2], tuple(key for key in loaded if key in rosters),
                  tuple(key for key in expertise if key in fields))
