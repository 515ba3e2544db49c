"""Sector groups, programmes, events, the Activities Archive and the Programme Summary.

Every page here is made from what the loaded plugins declare plus at most two
indexed queries; a programme of a plugin that is not loaded does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Executable,
    Integer,
    Row,
    Select,
    String,
    bindparam,
    cast,
    exists,
    func,
    null,
    select,
    union_all,
)
from wtforms.validators import Optional

from oicvet.events import EVENTS, ListedEvent, chronological, listed_columns, listed_events, visible
from oicvet.extensions import db
from oicvet.forms import CachedSelectField, Choices, Form, translated_choices
from oicvet.i18n import country_name, current_language
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import Event, EventFile
from oicvet.plugins.registry import get_registry
from oicvet.programmes.texts import shown, texts_of
from oicvet.seo import unlisted
from oicvet.statements import paginate, prepared
from oicvet.uploads import download_name, send_upload
from oicvet.urls import number_arg

bp = Blueprint("programmes", __name__, url_prefix="/<lang:lang>")


def _template(*names: str) -> str:
    """The first of ``names`` that exists, looked up once per app: a miss searches every template folder."""
    chosen: dict[tuple[str, ...], str] = current_app.extensions.setdefault("oicvet.chosen_templates", {})
    name = chosen.get(names)
    if name is None:
        name = chosen[names] = current_app.jinja_env.select_template(names).name
    return name


def _rows(statement: Executable, **values: Any) -> Sequence[Row]:
    """Plain rows (counts, years): run on the session's connection, without the ORM's work."""
    return db.session.connection().execute(statement, values).all()


@bp.get("/sectors/<key>/")
def sector(key: str) -> ResponseReturnValue:
    plugin = get_registry().sector(key) or abort(404)
    # Only this sector's programmes are counted: the (programme, year) index holds the answer.
    statement = prepared("sector: event counts", lambda: (
        select(EVENTS.c.programme, func.count())
        .where(EVENTS.c.programme.in_(bindparam("slugs", expanding=True)), EVENTS.c.published)
        .group_by(EVENTS.c.programme)
    ))
    slugs = [programme.slug for programme in plugin.programmes]
    counts = dict(_rows(statement, slugs=slugs))
    # Staff's summaries where they wrote one, for every programme in one query.
    texts = texts_of(slugs)
    programmes = [shown(programme, texts.get(programme.slug)) for programme in plugin.programmes]
    return render_template(_template(f"{plugin.key}/sector.html", "sector.html"), sector=plugin, counts=counts,
                           programmes=programmes)


@bp.get("/programmes/<slug>/")
def programme(slug: str) -> ResponseReturnValue:
    entry = get_registry().programme(slug) or abort(404)
    years_of = prepared("programme: years", lambda: (
        select(EVENTS.c.year).where(EVENTS.c.programme == bindparam("slug"), EVENTS.c.published)
        .group_by(EVENTS.c.year).order_by(EVENTS.c.year.desc())
    ))
    years = [year for (year,) in _rows(years_of, slug=slug)]
    year = None
    if "year" in request.args:
        year = number_arg("year")
        if year not in years:
            abort(404)
    year = year or (years[0] if years else None)
    events = []
    if year is not None:
        events_of = prepared("programme: events", lambda: (
            select(*listed_columns())
            .where(EVENTS.c.programme == bindparam("slug"), EVENTS.c.year == bindparam("year"), EVENTS.c.published)
            .order_by(EVENTS.c.start_date.is_(None), EVENTS.c.start_date, EVENTS.c.id)
        ))
        events = listed_events(events_of, {"slug": slug, "year": year})
    return render_template(
        _template(f"{entry.sector.key}/programme.html", "programme.html"),
        sector=entry.sector,
        # The plugin's declaration, with staff's summary and text where they wrote one.
        programme=shown(entry.programme, texts_of([slug]).get(slug)),
        years=years,
        year=year,
        events=events,
    )


@bp.get("/events/<int:event_id>/")
def event(event_id: int) -> ResponseReturnValue:
    statement = prepared("event", lambda: select(Event).where(Event.id == bindparam("id"), visible()))
    item = db.session.execute(statement, {"id": event_id}).scalar_one_or_none() or abort(404)
    entry = get_registry().programme(item.programme)
    template = _template(f"{entry.sector.key}/event.html", "event.html") if entry else "event.html"
    from oicvet.programmes.display import file_size, language_name, rich_text

    return render_template(template, event=item, entry=entry, file_size=file_size, language_name=language_name,
                           rich_text=rich_text)


@bp.get("/events/<int:event_id>/files/<int:file_id>")
@unlisted
def event_file(event_id: int, file_id: int) -> ResponseReturnValue:
    """A photo (shown inline) or a document (downloaded) of an event visitors see.

    Staff who edit the event's sector also get those of an unpublished one, for the panel.
    """
    statement = prepared("event file", lambda: (
        select(EventFile).join(Event).where(EventFile.id == bindparam("file"), Event.id == bindparam("event"),
                                            visible())
    ))
    item = db.session.execute(statement, {"file": file_id, "event": event_id}).scalar_one_or_none()
    if item is None:
        item = _file_for_staff(event_id, file_id) or abort(404)
    if item.kind == EventFile.PHOTO:
        extension = item.stored_name.rsplit(".", 1)[-1]
        return send_upload(item.stored_name, item.content_type, f"photo-{item.id}.{extension}", as_attachment=False)
    return send_upload(item.stored_name, item.content_type, download_name(item.caption.get("en", "")),
                       as_attachment=True)


def _file_for_staff(event_id: int, file_id: int) -> EventFile | None:
    """The file of any event, to a logged-in person who edits its sector; None to anyone else."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    item = db.session.get(EventFile, file_id)
    if item is None or item.event_id != event_id or not current_user.edits_sector(item.event.sector):
        return None
    return item


class ArchiveFilter(Form):
    """The archive's filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    year = CachedSelectField(_l("Year"), coerce=str, validators=[Optional()])
    sector = CachedSelectField(_l("Sector"), validators=[Optional()])
    programme = CachedSelectField(_l("Programme"), validators=[Optional()])
    country = CachedSelectField(_l("Country"), validators=[Optional()])


def _all() -> Choices:
    return translated_choices("all", lambda: [("", _l("All"))])


def _sector_choices() -> Choices:
    return translated_choices(
        "archive: sectors", lambda: [("", _l("All")), *((p.key, p.title) for p in get_registry())]
    )


def _programme_choices() -> Choices:
    return translated_choices(
        "archive: programmes",
        lambda: [("", _l("All")), *((e.slug, e.programme.title) for e in get_registry().programmes)],
    )


@lru_cache(maxsize=64)
def _countries_named(codes: tuple[str, ...], language: str) -> Choices:
    return tuple(sorted(((code, country_name(code, language)) for code in codes), key=lambda c: c[1].casefold()))


@bp.get("/archive/")
def archive() -> ResponseReturnValue:
    form = ArchiveFilter(request.args)
    # The years and countries that have events, for the filters, in one query.
    years: set[int] = set()
    countries: set[str] = set()
    for year, country in _rows(prepared("archive: years and countries", _years_and_countries)):
        if year is not None:
            years.add(year)
        else:
            countries.add(country)
    form.year.choices = _all() + tuple((str(y), str(y)) for y in sorted(years, reverse=True))
    form.sector.choices = _sector_choices()
    form.programme.choices = _programme_choices()
    form.country.choices = _all() + _countries_named(tuple(sorted(countries)), current_language())
    form.validate()

    values: dict[str, Any] = {
        name: field.data for name, field in form._fields.items() if field.data and not field.errors
    }
    if "year" in values:
        values["year"] = int(values["year"])
    # One statement per combination of filters, each kept with its values as parameters.
    used = tuple(name for name in ARCHIVE_FILTERS if name in values)
    items_of = prepared(f"archive: events by {used}", lambda: (
        chronological(select(*listed_columns()).where(visible(), *_archive_filters(used)))
        .limit(bindparam("limit")).offset(bindparam("offset"))
    ))
    count_of = prepared(f"archive: count by {used}", lambda: (
        select(func.count()).select_from(EVENTS).where(visible(), *_archive_filters(used))
    ))
    page = paginate(
        lambda limit, offset: listed_events(items_of, {**values, "limit": limit, "offset": offset}),
        lambda: _rows(count_of, **values)[0][0],
        page=number_arg(),
        per_page=current_app.config["ARCHIVE_PAGE_SIZE"],
    )
    by_year: dict[int, list[ListedEvent]] = defaultdict(list)
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


def _years_and_countries() -> CompoundSelect:
    """(2011, None)… and (None, "TR")… for each year and country that some visible event has.

    Each value is found in its index, one step from the last (a "loose index scan",
    as neither database skips through an index by itself), and kept if one visible
    event has it: some twenty and sixty index lookups, rather than every event read
    to group them (25 ms at 20,000 events).
    """
    def present(column: str) -> Select:
        values = _distinct(EVENTS.c[column], f"{column}_values")
        one_visible = exists().where(EVENTS.c[column] == values.c.value, visible())
        year = values.c.value if column == "year" else cast(null(), Integer)
        country = values.c.value if column == "country" else cast(null(), String)
        return select(year.label("year"), country.label("country")).where(one_visible)

    return union_all(present("year"), present("country"))


def _distinct(column: ColumnElement[Any], name: str) -> Any:
    """The distinct values of an indexed column, smallest first, each found from the one before."""
    first = select(func.min(column).label("value")).cte(name, recursive=True)
    following = select(func.min(column)).where(column > first.c.value).scalar_subquery()
    values = first.union_all(select(following).where(first.c.value.is_not(None)))
    return select(values.c.value).where(values.c.value.is_not(None)).subquery()


#: The archive's filters, each the column it compares.
ARCHIVE_FILTERS = {"year": EVENTS.c.year, "sector": EVENTS.c.sector, "programme": EVENTS.c.programme,
                   "country": EVENTS.c.country}


def _archive_filters(used: tuple[str, ...]) -> list[ColumnElement[bool]]:
    return [ARCHIVE_FILTERS[name] == bindparam(name) for name in used]


@bp.get("/summary/")
def summary() -> ResponseReturnValue:
    statement = prepared("summary: counts", lambda: (
        select(EVENTS.c.programme, EVENTS.c.year, func.count())
        .where(EVENTS.c.programme.is_not(None), EVENTS.c.published)
        .group_by(EVENTS.c.programme, EVENTS.c.year)
    ))
    counts: dict[str, int] = defaultdict(int)
    years: dict[str, list[int]] = defaultdict(list)
    for slug, year, count in _rows(statement):
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
