"""Partner Registration, My Profile, Partner Search and a page per partner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import hash_password
from oicvet.accounts.views import find_account, send_confirmation
from oicvet.extensions import csrf, db, limiter
from oicvet.forms import form_expired
from oicvet.i18n import current_language
from oicvet.mail import send_mail
from oicvet.models import utcnow
from oicvet.partners import moderation
from oicvet.partners.forms import PROFILE_FIELDS, PartnerForm, RegistrationForm, SearchForm
from oicvet.partners.models import Partner, Status
from oicvet.partners.review import tell_administrators
from oicvet.partners.search import PartnerQuery, listed_partners
from oicvet.seo import unlisted
from oicvet.urls import external_url, number_arg

bp = Blueprint("partners", __name__, url_prefix="/<lang:lang>/partners")
# Each form checks its own CSRF token, so that an expired one gives the form
# back with what was typed instead of a bare 400 page.
csrf.exempt(bp)

def own_partner() -> Partner | None:
    if not current_user.is_authenticated:
        return None
    return db.session.execute(db.select(Partner).filter_by(account_id=current_user.id)).scalar_one_or_none()


def sees_contacts() -> bool:
    """Contact details are for staff and for approved partners, never for anyone else."""
    if not current_user.is_authenticated:
        return False
    if current_user.is_staff:
        return True
    partner = own_partner()
    return partner is not None and partner.is_listed


@bp.get("/")
def search() -> ResponseReturnValue:
    form = SearchForm(request.args)
    query = PartnerQuery(
        keywords=form.value("q"),
        country=form.value("country"),
        sector=form.value("sector"),
        organisation_type=form.value("type"),
    )
    page = db.paginate(
        listed_partners(query),
        page=number_arg(),
        per_page=current_app.config["PARTNER_PAGE_SIZE"],
        error_out=True,
    )
    filters = {name: form.value(name) for name in ("q", "country", "sector", "type") if form.value(name)}
    return render_template("partners/search.html", form=form, page=page, filters=filters, query=query)


@bp.get("/<int:partner_id>/")
def partner(partner_id: int) -> ResponseReturnValue:
    found = db.session.get(Partner, partner_id)
    if found is None:
        abort(404)
    own = current_user.is_authenticated and found.account_id == current_user.id
    staff = current_user.is_authenticated and current_user.is_staff
    if not (found.is_listed or own or staff):
        abort(404)
    # Owners and staff always see them; anyone else only with an approved profile of their own.
    show_contacts = own or staff or sees_contacts()
    return render_template("partners/partner.html", partner=found, show_contacts=show_contacts, own=own)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        flash(_("You are logged in already; your organisation's profile is here."), "info")
        return redirect(url_for("partners.profile"))
    form = RegistrationForm()
    if not form.validate_on_submit():
        return render_template("partners/register.html", form=form, expired=form_expired(form))
    # Hashed before the address is looked up, so that both answers take as long.
    password_hash = hash_password(form.password.data)
    existing = find_account(form.email.data)
    if existing is not None:
        return _already_registered(existing)
    account = Account(
        email=form.email.data.lower(),
        name=form.contact_name.data,
        password_hash=password_hash,
        language=current_language(),
    )
    account.grant(Role.PARTNER)
    partner = Partner(account=account, status=Status.UNCONFIRMED.value)
    _apply(form, partner)
    db.session.add_all([account, partner])
    try:
        db.session.commit()
    except IntegrityError:
        # Two registrations of one new address at the same moment: the second is
        # answered as any known address is.
        db.session.rollback()
        existing = find_account(form.email.data)
        if existing is None:
            raise
        return _already_registered(existing)
    send_confirmation(account)  # a failure is logged; the registration stays
    return redirect(url_for("partners.registered"))


def _already_registered(existing: Account) -> ResponseReturnValue:
    """The same answer as for a new address; the owner is told by e-mail."""
    send_mail(existing.email, "already_registered", existing.language, account=existing,
              login=external_url("accounts.login", lang=existing.language),
              reset=external_url("accounts.request_reset", lang=existing.language))
    return redirect(url_for("partners.registered"))


@bp.get("/register/sent")
@unlisted
def registered() -> ResponseReturnValue:
    return render_template("partners/registered.html")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@unlisted
def profile() -> ResponseReturnValue:
    partner = own_partner()
    if partner is None:
        abort(404)
    # The owner edits its latest version: the approved one with the changes that wait on top.
    form = PartnerForm(data=moderation.proposed_values(partner, PROFILE_FIELDS))
    if form.validate_on_submit():
        if partner.is_listed:
            return _propose_changes(form, partner)
        _apply(form, partner)
        moderation.discard(partner)  # left from before a rejection: this save replaces them
        partner.updated_at = utcnow()
        resubmitted = partner.status == Status.REJECTED
        if resubmitted:
            partner.status = Status.PENDING.value
        db.session.commit()
        if resubmitted:
            tell_administrators(partner)
            flash(_("Your profile is saved and submitted again for approval."), "success")
        else:
            flash(_("Your profile is saved."), "success")
        return redirect(url_for("partners.profile"))
    return render_template("partners/profile.html", form=form, partner=partner,
                           expired=form_expired(form),
                           changed=moderation.changed_labels(form, partner.pending_changes, PROFILE_FIELDS))


def _propose_changes(form: PartnerForm, partner: Partner) -> ResponseReturnValue:
    """An approved profile stays public as it is; the edits wait for staff."""
    outcome = moderation.propose(partner, form, PROFILE_FIELDS)
    db.session.commit()
    if outcome is moderation.Outcome.UNCHANGED:
        flash(_("Nothing was changed, so there was nothing to save."), "info")
    elif outcome is moderation.Outcome.WITHDRAWN:
        flash(_("Your profile is back to its approved version: the changes that waited for approval are "
                "withdrawn."), "info")
    else:
        if outcome is moderation.Outcome.PROPOSED:
            tell_administrators(partner, "partner_changes_waiting")
        flash(_("Your changes are saved. They wait for approval by the OIC-VET team; until then, your public "
                "page shows the approved version."), "success")
    return redirect(url_for("partners.profile"))


def listed_pages() -> Iterator[tuple[str, dict[str, Any]]]:
    """The page of every approved partner, for the sitemap."""
    ids = db.session.scalars(
        db.select(Partner.id).where(Partner.status == Status.APPROVED.value).order_by(Partner.id)
    )
    for partner_id in ids:
        yield "partners.partner", {"partner_id": partner_id}


def _apply(form: PartnerForm, partner: Partner) -> None:
    for name in PROFILE_FIELDS:
        value = form[name].data
        setattr(partner, name, value if value is not None else "")
