"""Training Institutions: the directory of TROP members, and a page per institution.

Only approved institutions are listed. The directory is filtered by country and
field of training and searched by keyword (Arabic and French folded, as every
search of the site), sorted by name; a page costs the page's rows (with their
fields) and, when the page is full, a count. An institution's page lists the
opportunities it publishes that have not ended.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import lazyload, load_only, selectinload
from wtforms import SearchField
from wtforms.validators import Optional

from oicvet.choices import member_state_choices, sector_choices
from oicvet.extensions import db
from oicvet.forms import CachedSelectField, Form, strip, with_first_choice
from oicvet.i18n import lazy_gettext as _l
from oicvet.profiles.access import can_see, can_see_contacts
from oicvet.profiles.status import STATUS_LABELS, Status
from oicvet.search.folding import query_terms
from oicvet.search.searchable import match_value, matching
from oicvet.statements import paginate, prepared
from oicvet.trop.blueprint import bp
from oicvet.trop.models import TrainingOpportunity, TropInstitution, TropInstitutionField
from oicvet.urls import number_arg

#: The longest keyword text read from the URL.
KEYWORDS_MAX = 200


class DirectoryFilter(Form):
    """The directory's filters, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Keywords"), filters=[strip], render_kw={"dir": "auto"})
    country = CachedSelectField(_l("Country"), validators=[Optional()])
    field = CachedSelectField(_l("Field of training"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = _l("All")
        self.country.choices = with_first_choice("all: countries", everything, member_state_choices())
        self.field.choices = with_first_choice("all: sectors", everything, sector_choices())

    def filters(self) -> dict[str, str]:
        """The filters in use, each a value the list honours (a stale or edited one is left out, and said)."""
        values = {name: self[name].data for name in ("country", "field") if self[name].data and not self[name].errors}
        keywords = (self.q.data or "")[:KEYWORDS_MAX]
        if keywords:
            values["q"] = keywords
        return values


def _conditions(shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [TropInstitution.status == Status.APPROVED]
    if "country" in shape:
        conditions.append(TropInstitution.country == bindparam("country"))
    if "field" in shape:
        conditions.append(TropInstitution.id.in_(
            select(TropInstitutionField.institution_id).where(TropInstitutionField.sector == bindparam("field"))
        ))
    if "keywords" in shape:
        conditions.append(matching(TropInstitution, bindparam("keywords")))
    return conditions


def _page_statement(shape: tuple[str, ...]) -> Select:
    # The columns the list shows; each row's fields come with selectinload (one query for the
    # page), and its account, which the list does not show, not at all.
    listed = (TropInstitution.name, TropInstitution.acronym, TropInstitution.institution_type,
              TropInstitution.country, TropInstitution.city)
    return (
        select(TropInstitution).where(*_conditions(shape))
        .options(load_only(*listed), lazyload(TropInstitution.account), selectinload(TropInstitution.field_rows))
        .order_by(TropInstitution.name, TropInstitution.id)
        .limit(bindparam("limit")).offset(bindparam("offset"))
    )


def _count_statement(shape: tuple[str, ...]) -> Select:
    return select(func.count()).select_from(TropInstitution).where(*_conditions(shape))


@bp.get("/institutions/")
def institutions() -> ResponseReturnValue:
    form = DirectoryFilter(request.args)
    form.validate()
    filters = form.filters()
    values: dict[str, Any] = {name: filters[name] for name in ("country", "field") if name in filters}
    terms = query_terms(filters.get("q", ""))
    if terms:
        values["keywords"] = match_value(terms)
    # One statement per combination of filters, built once and run with their values.
    shape = tuple(sorted(values))
    rows = prepared(f"trop institutions: page {shape}", lambda: _page_statement(shape))
    count = prepared(f"trop institutions: count {shape}", lambda: _count_statement(shape))
    page = paginate(
        lambda limit, offset: db.session.scalars(rows, {**values, "limit": limit, "offset": offset}).all(),
        lambda: db.session.scalar(count, values),
        page=number_arg(),
        per_page=current_app.config["TROP_PAGE_SIZE"],
    )
    return render_template("trop/institutions.html", form=form, page=page, filters=filters)


@bp.get("/institutions/<int:institution_id>/")
def institution(institution_id: int) -> ResponseReturnValue:
    found = db.session.get(TropInstitution, institution_id)
    if found is None or not can_see(current_user, found):
        abort(404)
    today = date.today()
    opportunities = db.session.scalars(
        select(TrainingOpportunity)
        .where(TrainingOpportunity.institution_id == found.id, TrainingOpportunity.published,
               TrainingOpportunity.last_date >= today)
        .options(lazyload(TrainingOpportunity.institution), selectinload(TrainingOpportunity.language_rows))
        .order_by(TrainingOpportunity.sort_date, TrainingOpportunity.id)
    ).all()
    own = current_user.is_authenticated and found.account_id == current_user.id
    return render_template(
        "trop/institution.html", institution=found, opportunities=opportunities, own=own, today=today,
        show_contacts=can_see_contacts(current_user, found), status_labels=STATUS_LABELS,
    )


def listed_pages() -> Iterator[tuple[str, dict[str, Any]]]:
    """The page of every approved institution, for the sitemap."""
    ids = db.session.scalars(
        select(TropInstitution.id).where(TropInstitution.status == Status.APPROVED).order_by(TropInstitution.id)
    )
    for institution_id in ids:
        yield "trop.institution", {"institution_id": institution_id}
