"""Sector groups, programmes, events, the Activities Archive and the Programme Summary.

Every page here is made from what the loaded plugins declare plus at most two
indexed queries; a programme of a plugin that is not loaded does not exist.
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.validators import Optional

from oicvet.events import chronological, visible
from oicvet.extensions import db
from oicvet.forms import Form
from oicvet.i18n import country_name
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import Event
from oicvet.plugins.registry import get_registry
from oicvet.urls import number_arg

bp = Blueprint("programmes", __name__, url_prefix="/<lang:lang>")


def _event_counts(column) -> dict:
    rows = db.session.execute(
        select(column, func.count(Event.id)).where(visible()).group_by(column)
    ).all()
    return dict(rows)


@bp.get("/sectors/<key>/")
def sector(key: str) -> ResponseReturnValue:
    plugin = get_registry().sector(key) or abort(404)
    counts = _event_counts(Event.programme)
    return render_template(
        [f"{plugin.key}/sector.html", "sector.html"], sector=plugin, counts=counts
    )


@bp.get("/programmes/<slug>/")
def programme(slug: str) -> ResponseReturnValue:
    entry = get_registry().programme(slug) or abort(404)
    years = db.session.scalars(
        select(Event.year).where(Event.programme == slug).group_by(Event.year).order_by(Event.year.desc())
    ).all()
    year = None
    if "year" in request.args:
        year = number_arg("year")
        if year not in years:
            abort(404)
    year = year or (years[0] if years else None)
    events = []
    if year is not None:
        events = db.session.scalars(
            select(Event)
            .where(Event.programme == slug, Event.year == year)
            .order_by(Event.start_date.is_(None), Event.start_date, Event.id)
        ).all()
    return render_template(
        [f"{entry.sector.key}/programme.html", "programme.html"],
        sector=entry.sector,
        programme=entry.programme,
        years=years,
        year=year,
        events=events,
    )


@bp.get("/events/<int:event_id>/")
def event(event_id: int) -> ResponseReturnValue:
    item = db.session.execute(
        select(Event).where(Event.id == event_id, visible())
    ).scalar_one_or_none() or abort(404)
    entry = get_registry().programme(item.programme)
    template = [f"{entry.sector.key}/event.html", "event.html"] if entry else ["event.html"]
    return render_template(template, event=item, entry=entry)


class ArchiveFilter(Form):
    """The archive's filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=str, validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    programme = SelectField(_l("Programme"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])


@bp.get("/archive/")
def archive() -> ResponseReturnValue:
    registry = get_registry()
    form = ArchiveFilter(request.args)
    years = db.session.scalars(
        select(Event.year).where(visible()).group_by(Event.year).order_by(Event.year.desc())
    ).all()
    countries = db.session.scalars(
        select(Event.country).where(visible(), Event.country.is_not(None)).group_by(Event.country)
    ).all()
    any_choice = [("", _l("All"))]
    form.year.choices = any_choice + [(str(y), str(y)) for y in years]
    form.sector.choices = any_choice + [(p.key, p.title) for p in registry]
    form.programme.choices = any_choice + [(e.slug, e.programme.title) for e in registry.programmes]
    form.country.choices = any_choice + sorted(
        ((code, country_name(code)) for code in countries), key=lambda c: c[1].casefold()
    )
    form.validate()

    query = select(Event).where(visible())
    if form.year.data and not form.year.errors:
        query = query.where(Event.year == int(form.year.data))
    if form.sector.data and not form.sector.errors:
        query = query.where(Event.sector == form.sector.data)
    if form.programme.data and not form.programme.errors:
        query = query.where(Event.programme == form.programme.data)
    if form.country.data and not form.country.errors:
        query = query.where(Event.country == form.country.data)
    page = db.paginate(
        chronological(query),
        page=number_arg(),
        per_page=current_app.config["ARCHIVE_PAGE_SIZE"],
        error_out=True,
    )
    by_year: dict[int, list[Event]] = defaultdict(list)
    for item in page.items:
        by_year[item.year].append(item)
    filters = {
        name: field.data
        for name, field in form._fields.items()
        if field.data and not field.errors
    }
    return render_template(
        "programmes/archive.html", form=form, page=page, by_year=by_year, filters=filters
    )


@bp.get("/summary/")
def summary() -> ResponseReturnValue:
    rows = db.session.execute(
        select(Event.programme, Event.year, func.count(Event.id))
        .where(Event.programme.is_not(None))
        .group_by(Event.programme, Event.year)
    ).all()
    counts: dict[str, int] = defaultdict(int)
    years: dict[str, list[int]] = defaultdict(list)
    for slug, year, count in rows:
        counts[slug] += count
        years[slug].append(year)
    for slug in years:
        years[slug].sort()
    registry = get_registry()
    return render_template(
        "programmes/summary.html",
        sectors=registry.sectors,
        programme_total=len(registry.programmes),
        counts=counts,
        years=years,
    )
