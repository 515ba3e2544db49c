"""Staff's view of every training opportunity, and taking one off the catalogue with a reason.

TROP members publish without waiting for a review; staff keep an eye on what
they publish. Administrators, and the sector editors of an opportunity's sector,
may unpublish it with a reason: the institution is told by e-mail and sees the
reason in its Management Panel, and may correct the opportunity and publish it
again. Every unpublishing is in the audit log.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from oicvet.audit import record_change, snapshot
from oicvet.choices import sector_choices
from oicvet.extensions import db
from oicvet.forms import Form, form_expired, strip
from oicvet.i18n import lazy_gettext as _l
from oicvet.i18n import lazy_ngettext
from oicvet.mail import send_mail
from oicvet.models import utcnow
from oicvet.panel.access import staff_only
from oicvet.panel.event_forms import ChoiceField
from oicvet.search.folding import query_terms
from oicvet.search.searchable import matching
from oicvet.seo import unlisted
from oicvet.trop.blueprint import staff_bp
from oicvet.trop.models import TrainingOpportunity, TropInstitution
from oicvet.urls import external_url, number_arg

PER_PAGE = 25
REASON_MAX = 2000
#: What the audit log keeps of an unpublishing.
HELD_FIELDS = ("published", "held_reason", "held_at")

#: The list's statuses: published, a draft its institution has not published, or held by staff.
STATUSES = {
    "published": _l("Published"),
    "draft": _l("Draft"),
    "held": _l("Taken off by staff"),
}


class OpportunityFilter(Form):
    """The list's filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = ChoiceField(_l("Status"))
    sector = ChoiceField(_l("Field of training"))
    q = StringField(_l("Institution"), validators=[Optional()])


class UnpublishForm(Form):
    reason = TextAreaField(
        _l("Reason, sent to the institution"), filters=[strip],
        validators=[DataRequired(_l("Please give the reason: the institution will be told.")),
                    Length(max=REASON_MAX, message=lazy_ngettext("Please keep this under %(num)d character.",
                                                                 "Please keep this under %(num)d characters.", REASON_MAX))],
        description=_l("Say what is wrong, so that the institution can correct it and publish it again."),
    )


def _filter_form() -> OpportunityFilter:
    form = OpportunityFilter(request.args)
    every = ("", _("All"))
    form.status.choices = (every, *((key, str(label)) for key, label in STATUSES.items()))
    form.sector.choices = (every, *sector_choices())
    form.validate()
    return form


@staff_bp.get("/")
@staff_only
@unlisted
def opportunities() -> ResponseReturnValue:
    form = _filter_form()
    filters = {name: field.data for name, field in form._fields.items()
               if name != "q" and field.data and not field.errors}
    # Words of the institution (its name, acronym, city or description), matched as the directory does.
    keyword = " ".join((form.q.data or "").split())[:100]
    terms = query_terms(keyword)
    if terms:
        filters["q"] = keyword
    # The institution's name and status come with each row; nothing else of it, nor the languages.
    statement = select(TrainingOpportunity).options(
        lazyload(TrainingOpportunity.language_rows),
        joinedload(TrainingOpportunity.institution).lazyload(TropInstitution.field_rows),
        joinedload(TrainingOpportunity.institution).lazyload(TropInstitution.account),
    )
    status = filters.get("status")
    if status == "published":
        statement = statement.where(TrainingOpportunity.published.is_(True))
    elif status in ("draft", "held"):
        held = TrainingOpportunity.held_reason != ""
        statement = statement.where(TrainingOpportunity.published.is_(False), held if status == "held" else ~held)
    if sector := filters.get("sector"):
        statement = statement.where(TrainingOpportunity.sector == sector)
    if terms:
        statement = statement.where(TrainingOpportunity.institution_id.in_(
            select(TropInstitution.id).where(matching(TropInstitution, terms))))
    statement = statement.order_by(TrainingOpportunity.created_at.desc(), TrainingOpportunity.id.desc())
    page = db.paginate(statement, page=number_arg(), per_page=PER_PAGE, error_out=True)
    return render_template("trop/staff/list.html", form=form, page=page, filters=filters, statuses=STATUSES,
                           today=date.today())


@staff_bp.route("/<int:opportunity_id>/", methods=["GET", "POST"])
@staff_only
@unlisted
def opportunity(opportunity_id: int) -> ResponseReturnValue:
    item = db.session.get(TrainingOpportunity, opportunity_id) or abort(404)
    may_unpublish = current_user.edits_sector(item.sector)
    form = UnpublishForm()
    if request.method == "POST":
        if not may_unpublish:
            abort(403)
        if form.validate_on_submit():
            if not item.published:
                flash(_("This opportunity is not published, so nothing was changed."), "info")
                return redirect(url_for(".opportunity", opportunity_id=item.id))
            return _unpublish(item, form.reason.data)
    return render_template("trop/staff/opportunity.html", opportunity=item, form=form, expired=form_expired(form),
                           may_unpublish=may_unpublish, statuses=STATUSES, today=date.today())


def _unpublish(item: TrainingOpportunity, reason: str) -> ResponseReturnValue:
    back = url_for(".opportunity", opportunity_id=item.id)
    before = snapshot(item, HELD_FIELDS)
    item.published = False
    item.held_reason = reason
    item.held_at = utcnow()
    record_change("training_opportunity", item.id, "unpublish", label=item.local_title("en").text,
                  sector=item.sector, before=before, after=snapshot(item, HELD_FIELDS))
    try:
        db.session.commit()
    except StaleDataError:
        # Its institution saved it at the same moment: nothing is done, staff look again.
        db.session.rollback()
        flash(_("The institution changed this opportunity at the same moment, so nothing was done. Please look "
                "at it again."), "error")
        return redirect(back)
    _tell_institution(item)
    flash(_("“%(title)s” is unpublished; its institution has been told why.", title=item.local_title().text),
          "success")
    return redirect(back)


def _tell_institution(item: TrainingOpportunity) -> None:
    """The institution's account gets the reason, in its own language, with a link to its panel."""
    institution = item.institution
    account = institution.account
    send_mail(account.email, "trop_opportunity_unpublished", account.language, account=account,
              institution=institution, title=item.local_title(account.language).text, reason=item.held_reason,
              manage=external_url("trop.manage", lang=account.language))
