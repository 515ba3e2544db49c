"""The programme's own pages: home, about, committee, focal points, links."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from oicvet.events import latest, listed_events
from oicvet.extensions import db
from oicvet.i18n import country_name, preferred_language
from oicvet.models import Event, FocalPoint
from oicvet.plugins.registry import get_registry

bp = Blueprint("pages", __name__, url_prefix="/<lang:lang>")
root = Blueprint("root", __name__)


@root.get("/")
def choose_language() -> ResponseReturnValue:
    """Send the visitor to the home page in the language they prefer."""
    response = redirect(url_for("pages.home", lang=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.get("/")
def home() -> ResponseReturnValue:
    events = listed_events(latest(5))
    return render_template("pages/home.html", sectors=get_registry().sectors, events=events)


@bp.get("/about/")
def about() -> ResponseReturnValue:
    return render_template("pages/about.html")


@bp.get("/programme-types/")
def programme_types() -> ResponseReturnValue:
    return render_template("pages/programme_types.html")


@bp.get("/committee/")
def committee() -> ResponseReturnValue:
    meetings = db.session.scalars(
        db.select(Event).where(Event.kind == "committee_meeting", Event.published)
        .order_by(Event.start_date, Event.id)
    ).all()
    return render_template("pages/committee.html", meetings=meetings)


@bp.get("/focal-points/")
def focal_points() -> ResponseReturnValue:
    points = db.session.scalars(db.select(FocalPoint)).all()
    points.sort(key=lambda point: country_name(point.country).casefold())
    return render_template("pages/focal_points.html", points=points)


@bp.get("/links/")
def links() -> ResponseReturnValue:
    return render_template("pages/links.html")
