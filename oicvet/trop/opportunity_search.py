"""The catalogue's query: which training opportunities a visitor sees, filtered and in order.

The catalogue page, its calendar and its Atom feed all read the same filters
(``OpportunityQuery``) and so show the same opportunities. Visitors see an
opportunity when it is published: only approved institutions' opportunities
are (``visibility``), so every filter reads this table and its indexes alone;
the page's rows bring their institution's name in the same statement.

A page costs, whatever its size, the ids of its opportunities (read from the
indexes: at thousands of opportunities, reading each row to filter and sort
them is what costs), what its cards show of them (with their institution's
name and their languages of instruction, in the same statement) and, when the
page is full, a count. Each statement is built
once per app and combination of filters (``oicvet.statements.prepared``) and
run with the filters' values as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, or_, select, true
from sqlalchemy.orm import contains_eager, defer, selectinload

from oicvet.content import LocalText, local_text_any
from oicvet.extensions import db
from oicvet.search.folding import query_terms
from oicvet.search.searchable import match_value, matching
from oicvet.statements import Page, paginate, prepared
from oicvet.trop.models import OpportunityLanguage, TrainingOpportunity, TropInstitution

#: Which opportunities by their dates: those not ended yet, those ended, or both (the calendar).
When = Literal["current", "past", "any"]
#: The orders of a list: the catalogue's (soonest first, on request last), the past view's
#: (latest first), the calendar's (newest start first) and the feed's (last published first).
Order = Literal["soonest", "latest", "newest_start", "published"]

Opportunity = TrainingOpportunity
Institution = TropInstitution


@dataclass(frozen=True)
class OpportunityQuery:
    """What a visitor asked the catalogue for; every value already one of its filter's choices."""

    keywords: str = ""
    sector: str = ""
    country: str = ""
    language: str = ""
    kind: str = ""
    modality: str = ""
    #: "free", "paid", or "" for both.
    fee: str = ""
    #: Only those open for applications: deadline not passed, or (without one) not started.
    open_only: bool = False
    when: When = "current"
    #: Only those with dates (the calendars: an opportunity on request has no day to put in one).
    dated_only: bool = False

    @property
    def is_empty(self) -> bool:
        """No filter but the dates: the catalogue then says "no opportunity yet" rather than "none match"."""
        return not (self.keywords.strip() or self.sector or self.country or self.language or self.kind
                    or self.modality or self.fee or self.open_only)


def _values(query: OpportunityQuery, today: date) -> dict[str, Any]:
    """The statement's parameters; their names (sorted) are its shape."""
    values: dict[str, Any] = {}
    for name in ("sector", "country", "language", "kind", "modality"):
        if value := getattr(query, name):
            values[name] = value
    if query.fee in ("free", "paid"):
        values["free"] = query.fee == "free"
    if query.when != "any" or query.open_only:
        values["today"] = today
    if terms := query_terms(query.keywords):
        values["keywords"] = match_value(terms)
    return values


def _conditions(shape: tuple[str, ...], query: OpportunityQuery) -> list[ColumnElement[bool]]:
    o = Opportunity
    conditions: list[ColumnElement[bool]] = [o.published == true()]
    columns = {"sector": o.sector, "country": o.venue_country, "kind": o.kind, "modality": o.modality,
               "free": o.is_free}
    conditions += [column == bindparam(name) for name, column in columns.items() if name in shape]
    if "language" in shape:
        conditions.append(o.id.in_(
            select(OpportunityLanguage.opportunity_id).where(OpportunityLanguage.language == bindparam("language"))
        ))
    if query.when == "current":
        conditions.append(o.last_date >= bindparam("today"))
    elif query.when == "past":
        conditions.append(o.last_date < bindparam("today"))
    if query.open_only:
        # As TrainingOpportunity.is_open: on request, sort_date is NO_DATE, so it is open.
        conditions.append(or_(
            o.application_deadline >= bindparam("today"),
            and_(o.application_deadline.is_(None), o.sort_date >= bindparam("today")),
        ))
    if query.dated_only:
        conditions += [o.on_request == false(), o.start_date.is_not(None)]
    if "keywords" in shape:
        conditions.append(matching(Opportunity, bindparam("keywords")))
    return conditions


def _order(order: Order) -> tuple[ColumnElement[Any], ...]:
    o = Opportunity
    match order:
        case "soonest":
            return o.sort_date, o.id
        case "latest":
            return o.sort_date.desc(), o.id.desc()
        case "newest_start":
            return o.start_date.desc(), o.id.desc()
        case "published":
            return o.published_at.desc().nulls_last(), o.id.desc()


def _ids_statement(shape: tuple[str, ...], query: OpportunityQuery, order: Order) -> Select:
    # The ids alone: the filters and the order read the covering indexes, never the rows.
    return (
        select(Opportunity.id).where(*_conditions(shape, query)).order_by(*_order(order))
        .limit(bindparam("limit")).offset(bindparam("offset"))
    )


@dataclass(frozen=True)
class Card:
    """An opportunity as the catalogue's cards show it (``display.opportunity_cards``), read in one
    statement with its institution's name and its languages: no ORM object, no query per row."""

    id: int
    institution_id: int
    institution_name: str
    title: dict[str, str] | None
    sector: str
    kind: str
    modality: str
    on_request: bool
    start_date: date | None
    end_date: date | None
    duration_value: int | None
    duration_unit: str | None
    venue_country: str | None
    venue_city: str
    is_free: bool
    fee_amount: Any
    fee_currency: str | None
    application_deadline: date | None
    #: Languages of instruction (ISO 639-1 codes), in order.
    languages: tuple[str, ...]

    def local_title(self, language: str | None = None) -> LocalText:
        return local_text_any(self.title, language)


def _cards_statement() -> Select:
    o, i, languages = Opportunity.__table__.c, Institution.__table__.c, OpportunityLanguage.__table__.c
    joined = (func.string_agg if db.engine.dialect.name == "postgresql" else func.group_concat)(languages.language, " ")
    codes = select(joined).where(languages.opportunity_id == o.id).scalar_subquery()
    return (
        select(o.id, o.institution_id, i.name, o.title, o.sector, o.kind, o.modality, o.on_request, o.start_date,
               o.end_date, o.duration_value, o.duration_unit, o.venue_country, o.venue_city, o.is_free,
               o.fee_amount, o.fee_currency, o.application_deadline, codes)
        .join_from(Opportunity.__table__, Institution.__table__, o.institution_id == i.id)
        .where(o.id.in_(bindparam("ids", expanding=True)))
    )


def _rows_statement() -> Select:
    # The institution comes in the same statement (only what the feeds show of it), the languages
    # with one more; the institution's account and fields of training are not read at all.
    institution = contains_eager(Opportunity.institution)
    return (
        select(Opportunity).join(Opportunity.institution)
        .where(Opportunity.id.in_(bindparam("ids", expanding=True)))
        .options(
            institution.load_only(Institution.id, Institution.name, Institution.acronym, Institution.status,
                                  Institution.account_id, Institution.country),
            institution.lazyload(Institution.account),
            institution.lazyload(Institution.field_rows),
            selectinload(Opportunity.language_rows),
            defer(Opportunity.search_text),
        )
    )


def _count_statement(shape: tuple[str, ...], query: OpportunityQuery) -> Select:
    return (
        select(func.count()).select_from(Opportunity).where(*_conditions(shape, query))
    )


def _key(query: OpportunityQuery, shape: tuple[str, ...]) -> str:
    return f"{shape} {query.when} {query.open_only} {query.dated_only}"


def _ids(query: OpportunityQuery, order: Order, limit: int, offset: int, today: date) -> list[int]:
    values = _values(query, today)
    shape = tuple(sorted(values))
    statement = prepared(f"trop opportunities: ids {_key(query, shape)} {order}",
                         lambda: _ids_statement(shape, query, order))
    return list(db.session.scalars(statement, {**values, "limit": limit, "offset": offset}))


def listed(query: OpportunityQuery, order: Order, limit: int, offset: int = 0,
           today: date | None = None) -> list[TrainingOpportunity]:
    """Up to ``limit`` visible opportunities that match, in ``order``, whole (the feeds' lists)."""
    ids = _ids(query, order, limit, offset, today or date.today())
    if not ids:
        return []
    by_id = {row.id: row for row in db.session.scalars(prepared("trop opportunities: rows", _rows_statement),
                                                      {"ids": ids})}
    return [by_id[opportunity_id] for opportunity_id in ids if opportunity_id in by_id]


def cards(query: OpportunityQuery, order: Order, limit: int, offset: int = 0,
          today: date | None = None) -> list[Card]:
    """Up to ``limit`` visible opportunities that match, in ``order``, as the catalogue's cards show them."""
    ids = _ids(query, order, limit, offset, today or date.today())
    if not ids:
        return []
    rows = db.session.connection().execute(prepared("trop opportunities: cards", _cards_statement), {"ids": ids})
    by_id = {row[0]: Card(*row[:-1], tuple(sorted((row[-1] or "").split()))) for row in rows}
    return [by_id[opportunity_id] for opportunity_id in ids if opportunity_id in by_id]


def search(query: OpportunityQuery, page: int, per_page: int, today: date | None = None) -> Page:
    """The ``page``-th page of the catalogue: visible opportunities that match (a 404 past the last page).

    Those not ended come soonest first, the ones on request last; ended ones
    (``when="past"``) latest first.
    """
    today = today or date.today()
    values = _values(query, today)
    shape = tuple(sorted(values))
    order: Order = "latest" if query.when == "past" else "soonest"
    count = prepared(f"trop opportunities: count {_key(query, shape)}", lambda: _count_statement(shape, query))
    return paginate(
        lambda limit, offset: cards(query, order, limit, offset, today),
        lambda: db.session.scalar(count, values) or 0,
        page=page,
        per_page=per_page,
    )


def visible_ids() -> list[int]:
    """The ids of the visible opportunities, ended ones included (the sitemap's)."""
    statement = prepared("trop opportunities: visible ids", lambda: (
        select(Opportunity.id).where(Opportunity.published == true()).order_by(Opportunity.id)
    ))
    return list(db.session.scalars(statement))
