"""Become a Member of TROP, and the institution's own profile.

An institution applies once, with its profile: a visitor makes an account with
it (and confirms the address), an account that has none of its own (a partner,
say) applies with the account it has. Staff then approve it (``oicvet.profiles``),
which makes the account a TROP member. The lifecycle, the e-mails and the
moderation of an approved profile's edits are those of every reviewed profile;
these are the institution's pages around them.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from oicvet.accounts.views import send_confirmation
from oicvet.extensions import limiter
from oicvet.forms import form_expired
from oicvet.profiles import editing, registration
from oicvet.profiles.access import own_profile
from oicvet.profiles.status import STATUS_LABELS, Status
from oicvet.seo import unlisted
from oicvet.trop.blueprint import bp
from oicvet.trop.forms import AccountApplicationForm, ApplicationForm
from oicvet.trop.kind import INSTITUTIONS
from oicvet.trop.models import TropInstitution


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def apply() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return _apply_with_account()
    form = ApplicationForm()
    if not form.validate_on_submit():
        return render_template("trop/apply.html", form=form, expired=form_expired(form))
    registration.register(INSTITUTIONS, form)  # the same answer for a known address
    return redirect(url_for("trop.applied"))


def _apply_with_account() -> ResponseReturnValue:
    """A logged-in account applies with itself: no second account, and the roles it has are kept."""
    if own_profile(TropInstitution) is not None:
        flash(_("Your institution has applied to TROP already: here is its Management Panel."), "info")
        return redirect(url_for("trop.manage"))
    form = AccountApplicationForm()
    if not form.validate_on_submit():
        return render_template("trop/apply.html", form=form, expired=form_expired(form))
    account = current_user._get_current_object()
    institution = registration.add_profile(INSTITUTIONS, form, account)
    if institution is None:  # a second submission at the same moment: the first one counts
        flash(_("Your institution has applied to TROP already: here is its Management Panel."), "info")
    elif institution.awaits_confirmation:
        send_confirmation(account)  # the application waits for it; a failure is logged
        flash(_("Your application is saved. Please confirm your e-mail address with the link we sent you: "
                "the application then goes to the OIC-VET team for approval."), "info")
    else:
        flash(_("Thank you: your institution's application waits for approval by the OIC-VET team. We will "
                "write to you."), "success")
    return redirect(url_for("trop.manage"))


@bp.get("/apply/sent")
@unlisted
def applied() -> ResponseReturnValue:
    return render_template("trop/applied.html")


@bp.route("/manage/profile", methods=["GET", "POST"])
@login_required
@unlisted
def manage_profile() -> ResponseReturnValue:
    institution = own_profile(TropInstitution)
    if institution is None:
        abort(404)
    form = editing.edit_form(institution)
    if form.validate_on_submit():
        editing.save_own_profile(institution, form)
        return redirect(url_for("trop.manage_profile"))
    return render_template(
        "trop/manage_profile.html", form=form, institution=institution, Status=Status,
        status_labels=STATUS_LABELS, expired=form_expired(form), changed=editing.changed_labels(institution, form),
    )
