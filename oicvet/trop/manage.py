"""The Management Panel of a training institution: where it stands with TROP and, once it is a member,
the training opportunities it offers — new, edited, published, unpublished, copied and deleted.

Every opportunity is looked up within the logged-in account's own institution,
so the id of another institution's opportunity is a 404, whatever the action:
nothing tells it exists, and nothing about it changes. Staff may take an
opportunity off the catalogue with a reason (see ``oversight``); the panel
shows that reason until the institution publishes the opportunity again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from oicvet.extensions import db
from oicvet.forms import Form, form_expired
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import utcnow
from oicvet.panel.forms import EXPIRED, action_refused
from oicvet.profiles.access import own_profile
from oicvet.profiles.status import STATUS_LABELS, Status
from oicvet.seo import unlisted
from oicvet.trop.blueprint import bp
from oicvet.trop.models import TrainingOpportunity, TropInstitution
from oicvet.trop.opportunity_forms import TITLE_MAX, OpportunityForm

#: The columns the form edits (the languages of instruction are rows of their own).
FORM_COLUMNS = (
    "title", "description", "sector", "kind", "modality", "on_request", "start_date", "end_date",
    "duration_value", "duration_unit", "venue_country", "venue_city", "target_group", "places", "is_free",
    "fee_amount", "fee_currency", "application_deadline", "apply_url", "apply_email",
)

CONFLICT = _l("This opportunity was saved meanwhile (in another window, perhaps), so your changes were not "
              "saved. What you wrote is still in the form: save it again to replace the saved version, or "
              "open the saved version to keep it.")
CHANGED_MEANWHILE = _l("This opportunity was changed at the same moment elsewhere, so nothing was done. Please "
                       "look at it and try again.")
NOT_A_MEMBER_YET = _l("Your institution can offer training opportunities once the OIC-VET team has approved it "
                      "as a TROP member.")

View = Callable[..., ResponseReturnValue]


class DeleteForm(Form):
    """Deleting takes two steps: the button, then the confirmation page's button, which says so."""

    confirmed = HiddenField()


def member_page(approved: bool = True) -> Callable[[View], View]:
    """Guard a view of the panel: logged in, with an institution (else: apply first); with
    ``approved``, a TROP member. The view gets the institution as its first argument."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            institution = own_profile(TropInstitution)
            if institution is None:
                flash(_("The Management Panel is for training institutions that are members of TROP. "
                        "Apply here to become one."), "info")
                return redirect(url_for("trop.apply"))
            if approved and institution.status != Status.APPROVED:
                flash(str(NOT_A_MEMBER_YET), "error")
                return redirect(url_for("trop.manage"))
            return view(institution, *args, **kwargs)

        return login_required(unlisted(guarded))

    return decorator


def own_opportunity(institution: TropInstitution, opportunity_id: int) -> TrainingOpportunity:
    """The institution's opportunity; another institution's, or none, is a 404."""
    opportunity = db.session.get(TrainingOpportunity, opportunity_id)
    if opportunity is None or opportunity.institution_id != institution.id:
        abort(404)
    return opportunity


# The panel -------------------------------------------------------------------------------


@bp.get("/manage/")
@member_page(approved=False)
def manage(institution: TropInstitution) -> ResponseReturnValue:
    current: list[TrainingOpportunity] = []
    past: list[TrainingOpportunity] = []
    if institution.status == Status.APPROVED:
        # One query: the institution is loaded already, and the languages of instruction are not shown here.
        statement = (db.select(TrainingOpportunity)
                     .where(TrainingOpportunity.institution_id == institution.id)
                     .options(lazyload(TrainingOpportunity.institution), lazyload(TrainingOpportunity.language_rows))
                     .order_by(TrainingOpportunity.sort_date, TrainingOpportunity.id))
        today = date.today()
        for opportunity in db.session.scalars(statement):
            (past if opportunity.is_past(today) else current).append(opportunity)
        past.reverse()  # the latest first
    return render_template("trop/manage/panel.html", institution=institution, current=current, past=past,
                           Status=Status, status_label=STATUS_LABELS[institution.status])


# New and edited ----------------------------------------------------------------------------


def _form_values(opportunity: TrainingOpportunity) -> dict[str, Any]:
    values = {name: getattr(opportunity, name) for name in FORM_COLUMNS}
    values.update(version=str(opportunity.version), languages=opportunity.languages,
                  duration_unit=opportunity.duration_unit or "", venue_country=opportunity.venue_country or "",
                  fee_currency=opportunity.fee_currency or "")
    return values


def _apply(form: OpportunityForm, opportunity: TrainingOpportunity) -> None:
    """The valid form's values into the opportunity; what a choice makes irrelevant is cleared."""
    for name in FORM_COLUMNS:
        setattr(opportunity, name, getattr(form, name).data)
    opportunity.on_request = bool(form.on_request.data)
    opportunity.is_free = bool(form.is_free.data)
    if opportunity.on_request:
        opportunity.start_date = opportunity.end_date = None
    if opportunity.duration_value is None:
        opportunity.duration_unit = None
    opportunity.duration_unit = opportunity.duration_unit or None
    opportunity.venue_country = opportunity.venue_country or None
    if opportunity.is_free:
        opportunity.fee_amount = opportunity.fee_currency = None
    opportunity.languages = form.languages.data
    opportunity.apply_url = form.apply_url.data or ""
    opportunity.apply_email = form.apply_email.data or ""
    opportunity.venue_city = form.venue_city.data or ""
    opportunity.target_group = form.target_group.data or ""


def _publish(opportunity: TrainingOpportunity) -> None:
    """Published: in the catalogue. The staff's reason for holding it goes: the member corrected it."""
    opportunity.published = True
    opportunity.published_at = utcnow()
    opportunity.held_reason = ""
    opportunity.held_at = None


def _form_page(institution: TropInstitution, form: OpportunityForm, opportunity: TrainingOpportunity | None = None,
               conflict: bool = False, status: int = 200) -> ResponseReturnValue:
    html = render_template("trop/manage/opportunity.html", institution=institution, form=form,
                           opportunity=opportunity, expired=form_expired(form), conflict=conflict,
                           conflict_message=CONFLICT)
    return html, status


@bp.route("/manage/opportunities/new", methods=["GET", "POST"])
@member_page()
def new_opportunity(institution: TropInstitution) -> ResponseReturnValue:
    form = OpportunityForm(data={"is_free": True})  # most are free: the box starts ticked
    if not form.validate_on_submit():
        return _form_page(institution, form)
    opportunity = TrainingOpportunity(institution_id=institution.id, published=False)
    _apply(form, opportunity)
    if form.publish.data:
        _publish(opportunity)
    db.session.add(opportunity)
    db.session.commit()
    if opportunity.published:
        flash(_("The opportunity is saved and published: visitors see it in the catalogue."), "success")
    else:
        flash(_("The opportunity is saved as a draft: only your institution sees it. Publish it when it is "
                "ready."), "success")
    return redirect(url_for("trop.manage"))


@bp.route("/manage/opportunities/<int:opportunity_id>/", methods=["GET", "POST"])
@member_page()
def edit_opportunity(institution: TropInstitution, opportunity_id: int) -> ResponseReturnValue:
    opportunity = own_opportunity(institution, opportunity_id)
    form = OpportunityForm(data=_form_values(opportunity))
    del form.publish
    if not form.validate_on_submit():
        return _form_page(institution, form, opportunity)
    if form.version.data != str(opportunity.version):
        return _conflict(institution, opportunity, form)
    _apply(form, opportunity)
    try:
        db.session.commit()
    except StaleDataError:
        # Saved elsewhere between our read and our write.
        db.session.rollback()
        fresh = db.session.get(TrainingOpportunity, opportunity_id)
        if fresh is None:
            flash(_("This opportunity was deleted meanwhile."), "error")
            return redirect(url_for("trop.manage"))
        return _conflict(institution, fresh, form)
    flash(_("Your changes were saved."), "success")
    return redirect(url_for("trop.edit_opportunity", opportunity_id=opportunity.id))


def _conflict(institution: TropInstitution, opportunity: TrainingOpportunity,
              form: OpportunityForm) -> ResponseReturnValue:
    """Nothing written; the person's input kept, now based on the saved version (saving again replaces it)."""
    db.session.refresh(opportunity)
    form.version.data = str(opportunity.version)
    return _form_page(institution, form, opportunity, conflict=True, status=409)


# The buttons ----------------------------------------------------------------------------


def _commit() -> bool:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(str(CHANGED_MEANWHILE), "error")
        return False
    return True


@bp.post("/manage/opportunities/<int:opportunity_id>/publish")
@member_page()
def publish_opportunity(institution: TropInstitution, opportunity_id: int) -> ResponseReturnValue:
    opportunity = own_opportunity(institution, opportunity_id)
    back = url_for("trop.manage")
    if refused := action_refused(back):
        return refused
    if not opportunity.published:
        _publish(opportunity)
        if _commit():
            flash(_("“%(title)s” is published: visitors see it in the catalogue.",
                    title=opportunity.local_title().text), "success")
    return redirect(back)


@bp.post("/manage/opportunities/<int:opportunity_id>/unpublish")
@member_page()
def unpublish_opportunity(institution: TropInstitution, opportunity_id: int) -> ResponseReturnValue:
    opportunity = own_opportunity(institution, opportunity_id)
    back = url_for("trop.manage")
    if refused := action_refused(back):
        return refused
    if opportunity.published:
        opportunity.published = False
        if _commit():
            flash(_("“%(title)s” is unpublished: only your institution sees it now.",
                    title=opportunity.local_title().text), "success")
    return redirect(back)


def _copy_title(title: dict[str, str]) -> dict[str, str]:
    """Each language's title marked as a copy, in that language."""
    marked = {}
    for language, text in title.items():
        with force_locale(language):
            room = TITLE_MAX - len(_("%(title)s (copy)", title=""))
            if len(text) > room:  # the mark stays whole; the title gives way
                text = text[: room - 1] + "…"
            marked[language] = _("%(title)s (copy)", title=text)
    return marked


@bp.post("/manage/opportunities/<int:opportunity_id>/duplicate")
@member_page()
def duplicate_opportunity(institution: TropInstitution, opportunity_id: int) -> ResponseReturnValue:
    opportunity = own_opportunity(institution, opportunity_id)
    if refused := action_refused(url_for("trop.manage")):
        return refused
    copy = TrainingOpportunity(institution_id=institution.id, published=False, held_reason="")
    for name in FORM_COLUMNS:
        setattr(copy, name, getattr(opportunity, name))
    copy.title = _copy_title(opportunity.title or {})
    copy.languages = opportunity.languages
    db.session.add(copy)
    db.session.commit()
    flash(_("A copy was made, as a draft. Change what differs (its dates, say), then publish it."), "success")
    return redirect(url_for("trop.edit_opportunity", opportunity_id=copy.id))


@bp.post("/manage/opportunities/<int:opportunity_id>/delete")
@member_page()
def delete_opportunity(institution: TropInstitution, opportunity_id: int) -> ResponseReturnValue:
    opportunity = own_opportunity(institution, opportunity_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        if form_expired(form):
            flash(str(EXPIRED), "error")
        return redirect(url_for("trop.manage"))
    if form.confirmed.data != "yes":
        # The first step: the page that asks; it changes nothing.
        return render_template("trop/manage/delete.html", opportunity=opportunity, form=form)
    title = opportunity.local_title().text
    db.session.delete(opportunity)
    if _commit():
        flash(_("“%(title)s” was deleted.", title=title), "success")
    return redirect(url_for("trop.manage"))
