"""Training opportunities to take away: one opportunity as a calendar file, and the catalogue,
with its filters, as a calendar to subscribe to and as an Atom feed.

The calendar and the feed read the catalogue's filters from their query string
(``catalogue.requested_filters``) and its query (``opportunity_search``), so a
link made on a filtered catalogue page follows the same choices. Their links
are built from ``PUBLIC_URL``, never from the request's Host: a subscription
lives on in other programs, long after the request that made it.

icalendar and feedgen (with lxml) are imported inside the views: a worker that
never serves a feed never loads them, and every worker's memory is capped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Response, abort, current_app
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from oicvet.i18n import current_language
from oicvet.seo import unlisted
from oicvet.trop.blueprint import bp
from oicvet.trop.catalogue import find_opportunity, requested_filters
from oicvet.trop.display import deadline_text, opportunity_dates, opportunity_venue
from oicvet.trop.models import TrainingOpportunity
from oicvet.trop.opportunity_search import listed
from oicvet.uploads import download_name
from oicvet.urls import external_url

if TYPE_CHECKING:
    from icalendar import Calendar, Event

#: The calendar holds the opportunities that start last, up to this many.
CALENDAR_LIMIT = 500
#: The feed holds the opportunities published last, up to this many.
FEED_LIMIT = 50
CALENDAR_TYPE = "text/calendar"
ATOM_TYPE = "application/atom+xml"


def _utc(moment: datetime | None) -> datetime:
    # SQLite gives back naive datetimes; every one the site stores is UTC.
    moment = moment or datetime.now(UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _has_dates(opportunity: TrainingOpportunity) -> bool:
    return not opportunity.on_request and opportunity.start_date is not None


def _page_url(opportunity: TrainingOpportunity) -> str:
    return external_url("trop.opportunity", opportunity_id=opportunity.id)


def _description(opportunity: TrainingOpportunity) -> str:
    """The event's text: the description, how to apply, the deadline and the page (plain text)."""
    parts = [opportunity.local_description().text.strip()]
    ways = [way for way in (opportunity.apply_url, opportunity.apply_email) if way]
    if ways:
        parts.append(_("How to apply: %(ways)s", ways=" · ".join(ways)))
    if opportunity.application_deadline:
        parts.append(_("Application deadline: %(date)s", date=deadline_text(opportunity)))
    parts.append(_("More information: %(url)s", url=_page_url(opportunity)))
    return "\n\n".join(part for part in parts if part)


def _calendar(name: str | None = None) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//SESRIC//OIC-VET Training Opportunities//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        # Subscribed calendars ask again once a day.
        calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "P1D")
    return calendar


def _event(opportunity: TrainingOpportunity, host: str) -> Event:
    from icalendar import Event

    start = opportunity.start_date
    assert start is not None  # the callers keep opportunities without dates out
    event = Event()
    # Stable per opportunity and site: a calendar that imports it again updates the same event.
    event.add("uid", f"trop-opportunity-{opportunity.id}@{host}")
    event.add("dtstamp", _utc(opportunity.updated_at))
    event.add("last-modified", _utc(opportunity.updated_at))
    event.add("dtstart", start)
    event.add("dtend", (opportunity.end_date or start) + timedelta(days=1))  # all-day: the end is exclusive
    event.add("summary", opportunity.local_title().text)
    event.add("description", _description(opportunity))
    venue = opportunity_venue(opportunity).striptags()
    if venue:
        event.add("location", venue)
    event.add("url", _page_url(opportunity))
    event.add("transp", "TRANSPARENT")  # a training course's days are not a busy calendar's
    return event


def _public_host() -> str:
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


def _ics(calendar: Calendar, filename: str) -> Response:
    response = Response(calendar.to_ical(), mimetype=CALENDAR_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/opportunities/<int:opportunity_id>.ics")
def opportunity_ics(opportunity_id: int) -> ResponseReturnValue:
    """One opportunity as a calendar file: only a visible one, and one with dates."""
    found = find_opportunity(opportunity_id)
    if found is None or not found.is_visible or not _has_dates(found):
        abort(404)
    calendar = _calendar()
    calendar.add_component(_event(found, _public_host()))
    return _ics(calendar, download_name(found.local_title().text, "ics", f"training-opportunity-{found.id}"))


@bp.get("/calendar.ics")
@unlisted
def calendar() -> ResponseReturnValue:
    """The catalogue's opportunities with dates, as filtered, ended ones too unless asked otherwise.

    A subscribed calendar keeps what has ended rather than see it vanish; ``when=past``
    narrows it to those, as on the catalogue. The newest ``CALENDAR_LIMIT`` by start.
    """
    query = replace(requested_filters().query(default_when="any"), dated_only=True)
    opportunities = listed(query, "newest_start", CALENDAR_LIMIT)
    subscribed = _calendar(_("OIC-VET training opportunities"))
    host = _public_host()
    for opportunity in opportunities:
        subscribed.add_component(_event(opportunity, host))
    return _ics(subscribed, "oic-vet-training-opportunities.ics")


@bp.get("/feed.atom")
@unlisted
def feed() -> ResponseReturnValue:
    """The catalogue's opportunities, as filtered, the last published first."""
    from feedgen.feed import FeedGenerator

    form = requested_filters()
    filters = form.filters()
    opportunities = listed(form.query(), "published", FEED_LIMIT)

    atom = FeedGenerator()
    atom.id(external_url("trop.feed", **filters))
    atom.title(_("Training opportunities · OIC-VET"))
    atom.subtitle(_("Short courses, workshops and seminars that training institutions of OIC member countries "
                    "open to experienced staff from other member countries."))
    atom.link(href=external_url("trop.catalogue", **filters), rel="alternate", type="text/html")
    atom.link(href=external_url("trop.feed", **filters), rel="self", type=ATOM_TYPE)
    atom.language(current_language())
    atom.author(name=_("OIC-VET"), uri=external_url("trop.catalogue"))
    atom.generator(_("OIC-VET"))
    atom.updated(_last_change(opportunities))
    for opportunity in opportunities:
        _add_entry(atom, opportunity)
    return Response(atom.atom_str(pretty=True), mimetype=ATOM_TYPE)


def _last_change(opportunities: Iterable[TrainingOpportunity]) -> datetime:
    # An empty feed's date moves once a day, not on each request (it is part of its ETag).
    changes = [_utc(opportunity.updated_at) for opportunity in opportunities]
    return max(changes, default=datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0))


def _add_entry(atom: Any, opportunity: TrainingOpportunity) -> None:
    url = _page_url(opportunity)
    entry = atom.add_entry(order="append")
    entry.id(url)
    entry.title(opportunity.local_title().text)
    entry.link(href=url, rel="alternate", type="text/html")
    entry.updated(_utc(opportunity.updated_at))
    entry.published(_utc(opportunity.published_at or opportunity.created_at))
    entry.author(name=opportunity.institution.name,
                 uri=external_url("trop.institution", institution_id=opportunity.institution_id))
    where = opportunity_venue(opportunity).striptags()
    when = opportunity_dates(opportunity)
    entry.summary("\n\n".join(part for part in (f"{when} · {where}" if where else when,
                                                opportunity.local_description().text.strip()) if part))
