"""The catalogue of training opportunities, and a page per opportunity.

The catalogue shows what visitors may see (published, by an approved
institution), those not ended first; ended ones stay reachable in the "past"
view and by their own page. Its filters are a GET form, read again by the
calendar and the Atom feed (``oicvet.trop.feeds``) so that a subscription
follows the same choices. The query itself is in ``opportunity_search``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SearchField
from wtforms.validators import Optional

from oicvet.choices import country_choices, sector_choices
from oicvet.extensions import db
from oicvet.forms import (
    CachedSelectField,
    Choices,
    Form,
    choice_values,
    strip,
    translated_choices,
    with_first_choice,
)
from oicvet.i18n import lazy_gettext as _l
from oicvet.statements import prepared
from oicvet.trop.blueprint import bp
from oicvet.trop.choices import kind_choices, language_choices, modality_choices
from oicvet.trop.models import TrainingOpportunity, TropInstitution
from oicvet.trop.opportunity_search import OpportunityQuery, When, search, visible_ids
from oicvet.urls import number_arg

#: The longest keyword text read from the URL.
KEYWORDS_MAX = 200
#: The filters that are choices, in the order of the form.
CHOICE_FILTERS = ("sector", "country", "language", "kind", "modality", "fee")


def fee_choices() -> Choices:
    return translated_choices("trop: fees", lambda: [("", _l("All")), ("free", _l("Free")), ("paid", _l("With a fee"))])


def when_choices() -> Choices:
    return translated_choices("trop: when", lambda: [("", _l("Current opportunities")),
                                                      ("past", _l("Past opportunities"))])


class CatalogueFilter(Form):
    """The catalogue's filters, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Keywords"), filters=[strip], render_kw={"dir": "auto"})
    sector = CachedSelectField(_l("Sector"), validators=[Optional()])
    country = CachedSelectField(_l("Venue country"), validators=[Optional()])
    language = CachedSelectField(_l("Language of instruction"), validators=[Optional()])
    kind = CachedSelectField(_l("Type of training"), validators=[Optional()])
    modality = CachedSelectField(_l("Modality"), validators=[Optional()])
    fee = CachedSelectField(_l("Fee"), validators=[Optional()])
    open = BooleanField(_l("Open for applications only"))
    #: Current or past opportunities: tabs above the list, a hidden field in the form.
    when = CachedSelectField(_l("Dates"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = _l("All")
        self.sector.choices = with_first_choice("all: sectors", everything, sector_choices())
        self.country.choices = with_first_choice("all: countries (every country)", everything, country_choices())
        self.language.choices = with_first_choice("trop all: languages", everything, language_choices())
        self.kind.choices = with_first_choice("trop all: kinds", everything, kind_choices())
        self.modality.choices = with_first_choice("trop all: modalities", everything, modality_choices())
        self.fee.choices = fee_choices()
        self.when.choices = when_choices()

    def value(self, name: str) -> str:
        """A filter's value, or "" when it is not one of its choices (a stale or edited URL)."""
        field = self[name]
        if name == "q":
            return (field.data or "")[:KEYWORDS_MAX]
        if name == "open":
            return "y" if field.data else ""
        return field.data if field.data in choice_values(field.choices) else ""

    def filters(self) -> dict[str, str]:
        """The filters in use, as the query string of links that keep them (pages, tabs, feeds)."""
        names = ("q", *CHOICE_FILTERS, "open", "when")
        return {name: value for name in names if (value := self.value(name))}

    def query(self, default_when: When = "current") -> OpportunityQuery:
        """What the list shows; ``default_when`` when the URL asks for no dates."""
        return OpportunityQuery(
            keywords=self.value("q"), sector=self.value("sector"), country=self.value("country"),
            language=self.value("language"), kind=self.value("kind"), modality=self.value("modality"),
            fee=self.value("fee"), open_only=bool(self.value("open")),
            when="past" if self.value("when") == "past" else default_when,
        )


def requested_filters() -> CatalogueFilter:
    """The filters of this request's query string; a value that is not a choice is marked, and ignored."""
    form = CatalogueFilter(request.args)
    form.validate()
    return form


@bp.get("/")
def catalogue() -> ResponseReturnValue:
    form = requested_filters()
    query = form.query()
    today = date.today()
    page = search(query, page=number_arg(), per_page=current_app.config.get("TROP_PAGE_SIZE", 20), today=today)
    filters = form.filters()
    # The feeds take the filters, not the page; the tabs take everything but the dates.
    choices = {name: value for name, value in filters.items() if name != "when"}
    return render_template("trop/catalogue.html", form=form, page=page, query=query, filters=filters,
                           choices=choices, today=today)


def find_opportunity(opportunity_id: int) -> TrainingOpportunity | None:
    """The opportunity with its institution (one statement) and its languages (one more), or None."""
    # Its institution's account and fields of training are not shown with it.
    statement = prepared("trop: opportunity", lambda: (
        select(TrainingOpportunity).where(TrainingOpportunity.id == bindparam("id")).options(
            joinedload(TrainingOpportunity.institution).lazyload(TropInstitution.account),
            joinedload(TrainingOpportunity.institution).lazyload(TropInstitution.field_rows),
        )
    ))
    return db.session.execute(statement, {"id": opportunity_id}).unique().scalar_one_or_none()


def may_see(opportunity: TrainingOpportunity) -> bool:
    """Visitors see a visible opportunity; its owner and staff see it in any state."""
    return opportunity.is_visible or _is_owner(opportunity) or _is_staff()


def _is_owner(opportunity: TrainingOpportunity) -> bool:
    return current_user.is_authenticated and current_user.id == opportunity.institution.account_id


def _is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff


@bp.get("/opportunities/<int:opportunity_id>/")
def opportunity(opportunity_id: int) -> ResponseReturnValue:
    found = find_opportunity(opportunity_id)
    if found is None or not may_see(found):
        abort(404)
    return render_template("trop/opportunity.html", opportunity=found, own=_is_owner(found), staff=_is_staff(),
                           today=date.today())


def listed_pages() -> Iterator[tuple[str, dict[str, Any]]]:
    """The page of every visible opportunity, for the sitemap: ended ones stay public pages."""
    for opportunity_id in visible_ids():
        yield "trop.opportunity", {"opportunity_id": opportunity_id}
