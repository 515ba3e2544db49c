"""The roster as visitors, partners and staff read it: the search, a page per expert, and the CV.

Everyone sees an approved expert's professional profile; the e-mail address,
the telephone and the CV are for staff and approved partners (and the expert),
and appear on no page, nor in any link, for anyone else.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from oicvet.experts import cv
from oicvet.experts.blueprint import bp
from oicvet.experts.forms import SearchForm
from oicvet.experts.models import Expert
from oicvet.experts.search import ExpertQuery
from oicvet.experts.search import search as search_experts
from oicvet.extensions import db
from oicvet.plugins.registry import get_registry
from oicvet.profiles.access import can_see, can_see_contacts
from oicvet.seo import unlisted
from oicvet.urls import number_arg

FILTERS = ("q", "roster", "field", "country", "worked_in", "language", "years")


@bp.get("/")
def search() -> ResponseReturnValue:
    form = SearchForm(request.args)
    years = form.value("years")
    query = ExpertQuery(
        keywords=form.value("q"),
        roster=form.value("roster"),
        field=form.value("field"),
        country=form.value("country"),
        worked_in=form.value("worked_in"),
        language=form.value("language"),
        min_years=int(years) if years else 0,
    )
    page = search_experts(query, page=number_arg(), per_page=current_app.config["PARTNER_PAGE_SIZE"])
    filters = {name: form.value(name) for name in FILTERS if form.value(name)}
    return render_template("experts/search.html", form=form, page=page, filters=filters,
                           roster=get_registry().roster(query.roster))


def _visible(expert_id: int) -> Expert:
    expert = db.session.get(Expert, expert_id)
    if expert is None or not can_see(current_user, expert):
        abort(404)
    owner_or_staff = current_user.is_authenticated and (current_user.is_staff or current_user.id == expert.account_id)
    if not owner_or_staff and not _in_loaded_roster(expert):
        abort(404)  # every roster of the expert has left the site with its plugin
    return expert


def _in_loaded_roster(expert: Expert) -> bool:
    registry = get_registry()
    return any(registry.roster(key) is not None for key in expert.rosters)


@bp.get("/<int:expert_id>/")
@unlisted  # a person's page: found through the roster, not listed for search engines
def expert(expert_id: int) -> ResponseReturnValue:
    found = _visible(expert_id)
    own = current_user.is_authenticated and found.account_id == current_user.id
    return render_template("experts/expert.html", expert=found, own=own,
                           show_contacts=can_see_contacts(current_user, found))


@bp.get("/<int:expert_id>/cv")
@unlisted
def download_cv(expert_id: int) -> ResponseReturnValue:
    found = _visible(expert_id)
    if not can_see_contacts(current_user, found):
        abort(404)  # to those who may not have it, there is no CV here
    return cv.send(found)
