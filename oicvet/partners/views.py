"""Partner Registration, My Profile, Partner Search and a page per partner.

Registration, the profile's lifecycle and who sees what are those of every
reviewed profile (oicvet.profiles); these are the partner's pages around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from oicvet.accounts.models import Account
from oicvet.extensions import db, limiter
from oicvet.forms import form_expired, forms_check_their_own_csrf
from oicvet.partners.forms import RegistrationForm, SearchForm
from oicvet.partners.kind import PARTNERS
from oicvet.partners.models import Partner, Status
from oicvet.partners.search import PartnerQuery
from oicvet.partners.search import search as search_partners
from oicvet.profiles import editing, registration
from oicvet.profiles.access import can_see, can_see_contacts, own_profile
from oicvet.seo import unlisted
from oicvet.statements import prepared
from oicvet.urls import number_arg

bp = forms_check_their_own_csrf(Blueprint("partners", __name__, url_prefix="/<lang:lang>/partners"))


@bp.get("/")
def search() -> ResponseReturnValue:
    form = SearchForm(request.args)
    query = PartnerQuery(
        keywords=form.value("q"),
        country=form.value("country"),
        sector=form.value("sector"),
        organisation_type=form.value("type"),
    )
    page = search_partners(query, page=number_arg(), per_page=current_app.config["PARTNER_PAGE_SIZE"])
    filters = {name: form.value(name) for name in ("q", "country", "sector", "type") if form.value(name)}
    return render_template("partners/search.html", form=form, page=page, filters=filters, query=query)


@bp.get("/<int:partner_id>/")
def partner(partner_id: int) -> ResponseReturnValue:
    # The partner with its account and sectors in one query; the account's own roles are not needed here.
    statement = prepared("partner page", lambda: select(Partner).where(Partner.id == bindparam("id")).options(
        joinedload(Partner.account).lazyload(Account.role_rows),
        joinedload(Partner.account).lazyload(Account.sector_rows),
        joinedload(Partner.sector_rows),
    ))
    found = db.session.execute(statement, {"id": partner_id}).unique().scalar_one_or_none()
    if found is None or not can_see(current_user, found):
        abort(404)
    own = current_user.is_authenticated and found.account_id == current_user.id
    return render_template("partners/partner.html", partner=found, own=own,
                           show_contacts=can_see_contacts(current_user, found))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        flash(_("You are logged in already; your organisation's profile is here."), "info")
        return redirect(url_for("partners.profile"))
    form = RegistrationForm()
    if not form.validate_on_submit():
        return render_template("partners/register.html", form=form, expired=form_expired(form))
    registration.register(PARTNERS, form)  # the same answer for a known address
    return redirect(url_for("partners.registered"))


@bp.get("/register/sent")
@unlisted
def registered() -> ResponseReturnValue:
    return render_template("partners/registered.html")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@unlisted
def profile() -> ResponseReturnValue:
    partner = own_profile(Partner)
    if partner is None:
        abort(404)
    form = editing.edit_form(partner)
    if form.validate_on_submit():
        editing.save_own_profile(partner, form)
        return redirect(url_for("partners.profile"))
    return render_template("partners/profile.html", form=form, partner=partner, Status=Status,
                           expired=form_expired(form), changed=editing.changed_labels(partner, form))


def listed_pages() -> Iterator[tuple[str, dict[str, Any]]]:
    """The page of every approved partner, for the sitemap."""
    ids = db.session.scalars(db.select(Partner.id).where(Partner.status == Status.APPROVED).order_by(Partner.id))
    for partner_id in ids:
        yield "partners.partner", {"partner_id": partner_id}
