"""Partner Search: filters, keywords (matched by the search service), a page of results and their number.

At a hundred thousand partners a common word matches a third of them, a rare
one a handful, and each search must answer in a few milliseconds. What costs
is counting: the matches are counted up to ``COUNT_LIMIT`` past the page's
start and no further. Past it the page says "1,000+", and pagination stays
right: a later page counts from its own start. Every statement is built once
per app and shape of search (``oicvet.statements``); only the columns the
list shows are read, each partner's sectors with it.

- PostgreSQL: the count, then the page, as the planner sees fit. Its choices
  are good ones since the words are a stored column (``search_vector``): a
  walk of the most recently updated partners tests each row's words cheaply
  (for a common word), and the GIN index finds a rare one's few rows.
- SQLite: a probe of the FTS5 index alone tells few matches from many. Few
  lead the query (``+partner.status`` keeps SQLite from using an index for the
  status, so it starts from the matches) and are sorted; many are met on a
  walk of the partners by date. Either way one statement gives the ids, in
  order, up to the cap: gathering the matches is what costs, so it is done
  once for the page and the count, and a second reads the page's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, select

from oicvet.extensions import db
from oicvet.partners.models import Partner, PartnerSector, Status
from oicvet.search.folding import query_terms
from oicvet.search.searchable import index_hits, match_value, matching
from oicvet.statements import Page, prepared

#: How far past a page's start matches are counted.
COUNT_LIMIT = 1000
#: SQLite: up to this many partners with the words, they lead the queries (sorted, rather than met on a walk).
PROBE = 2000
PARTNERS = Partner.__table__
SECTORS = PartnerSector.__table__
#: The filters other than keywords, each the column it compares.
FILTERS = {"country": PARTNERS.c.country, "type": PARTNERS.c.organisation_type}


@dataclass(frozen=True)
class PartnerQuery:
    keywords: str = ""
    country: str = ""
    sector: str = ""
    organisation_type: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.keywords.strip() or self.country or self.sector or self.organisation_type)


@dataclass(frozen=True)
class Listed:
    """A partner as the list shows it."""

    id: int
    name: str
    acronym: str
    organisation_type: str
    country: str
    city: str
    description: str
    updated_at: datetime
    #: Sector keys, in order.
    sectors: tuple[str, ...]


class Results(Page):
    """A page of partners; with ``more``, ``total`` is a lower bound ("1,000+")."""

    more: bool = False


def search(query: PartnerQuery, page: int, per_page: int) -> Results:
    """The ``page``-th page of approved partners that match, most recently updated first (404 past the last)."""
    values: dict[str, Any] = {"status": Status.APPROVED.value}
    if query.country:
        values["country"] = query.country
    if query.organisation_type:
        values["type"] = query.organisation_type
    if query.sector:
        values["sector"] = query.sector
    terms = query_terms(query.keywords)
    if terms:
        values["keywords"] = match_value(terms)
    shape = tuple(sorted(values))
    offset = (max(page, 1) - 1) * per_page
    cap = offset + COUNT_LIMIT
    values.update(cap=cap + 1, limit=per_page, offset=offset)
    connection = db.session.connection()

    plan = "natural"
    if terms and connection.dialect.name == "sqlite":
        # How many partners have the words, from the FTS5 index alone and no further than needed.
        probe = prepared("partners: probe", lambda: select(func.count()).select_from(
            index_hits(Partner, bindparam("keywords")).limit(bindparam("probe")).subquery()))
        plan = "many" if connection.execute(probe, {**values, "probe": PROBE + 1}).scalar_one() > PROBE else "few"

    if plan == "natural":
        count = prepared(f"partners: count {shape}", lambda: _count(shape))
        found = connection.execute(count, values).scalar_one()
        page_ids = None
    else:
        # SQLite, keywords: the ids in the list's order, up to the cap, in one pass over the matches
        # (gathering them is what costs); the page and the count are both read from it.
        by_hits = plan == "few"
        ordered = prepared(f"partners: ids {shape} {by_hits}", lambda: _ids(shape, by_hits))
        ids = connection.execute(ordered, values).scalars().all()
        found = len(ids)
        page_ids = ids[offset:offset + per_page]
    more = found > cap
    total = min(found, cap)
    listed: list[Listed] = []
    if page_ids:
        statement = prepared("partners: rows", _rows)
        by_id = {row[0]: _listed(row) for row in connection.execute(statement, {"ids": page_ids})}
        listed = [by_id[partner_id] for partner_id in page_ids]
    elif page_ids is None and offset < total:
        statement = prepared(f"partners: page {shape}", lambda: _page(shape))
        listed = [_listed(row) for row in connection.execute(statement, values)]

    results = Results(page=page, per_page=per_page, max_per_page=None, error_out=True,
                      fetch=lambda _limit, _offset: listed, total=lambda: total)
    results.more = more
    return results


def _listed(row: Sequence[Any]) -> Listed:
    return Listed(*row[:-1], tuple(sorted((row[-1] or "").split())))


def _conditions(shape: tuple[str, ...], by_hits: bool = False) -> list[ColumnElement[bool]]:
    # "+partner.status": SQLite then uses no index for it, and lets the matches lead.
    status = literal_column(f"+{PARTNERS.name}.status") if by_hits else PARTNERS.c.status
    conditions = [status == bindparam("status")]
    conditions += [FILTERS[name] == bindparam(name) for name in shape if name in FILTERS]
    if "sector" in shape:
        conditions.append(PARTNERS.c.id.in_(select(SECTORS.c.partner_id).where(SECTORS.c.sector == bindparam("sector"))))
    if "keywords" in shape:
        conditions.append(matching(Partner, bindparam("keywords")))
    return conditions


def _order(by_hits: bool = False) -> tuple[ColumnElement[Any], ...]:
    if by_hits:
        # A sort of the few matches, rather than a walk of the date index.
        return tuple(literal_column(f"+{PARTNERS.name}.{column}").desc() for column in ("updated_at", "id"))
    return PARTNERS.c.updated_at.desc(), PARTNERS.c.id.desc()


def _count(shape: tuple[str, ...]) -> Select:
    matches = select(PARTNERS.c.id).where(*_conditions(shape)).limit(bindparam("cap")).subquery()
    return select(func.count()).select_from(matches)


def _ids(shape: tuple[str, ...], by_hits: bool) -> Select:
    return select(PARTNERS.c.id).where(*_conditions(shape, by_hits)).order_by(*_order(by_hits)).limit(bindparam("cap"))


def _columns() -> tuple[ColumnElement[Any], ...]:
    joined = (func.string_agg if db.engine.dialect.name == "postgresql" else func.group_concat)(SECTORS.c.sector, " ")
    sectors = select(joined).where(SECTORS.c.partner_id == PARTNERS.c.id).scalar_subquery()
    c = PARTNERS.c
    return c.id, c.name, c.acronym, c.organisation_type, c.country, c.city, c.description, c.updated_at, sectors


def _page(shape: tuple[str, ...]) -> Select:
    return (
        select(*_columns()).where(*_conditions(shape)).order_by(*_order())
        .limit(bindparam("limit")).offset(bindparam("offset"))
    )


def _rows() -> Select:
    return select(*_columns()).where(PARTNERS.c.id.in_(bindparam("ids", expanding=True)))
