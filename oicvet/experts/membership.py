"""Joining the Roster of Experts, and the expert's own profile: edits, a new CV, withdrawal.

Someone joins with their profile and CV: a visitor makes an account with it (and
confirms the address), an account that has no expert profile (a partner, say)
joins with the account it has. Staff then approve it (``oicvet.profiles``). The
lifecycle, the e-mails and the moderation of an approved profile's edits are
those of every reviewed profile; these are the expert's pages around them.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from oicvet.accounts.models import Role
from oicvet.accounts.views import send_confirmation
from oicvet.experts import cv
from oicvet.experts.blueprint import bp
from oicvet.experts.forms import CV_MAX_BYTES, AccountJoinForm, CvForm, JoinForm, WithdrawForm
from oicvet.experts.kind import EXPERTS
from oicvet.experts.models import Expert
from oicvet.extensions import db, limiter
from oicvet.forms import form_expired
from oicvet.profiles import editing, registration
from oicvet.profiles.access import own_profile
from oicvet.profiles.status import STATUS_LABELS, Status
from oicvet.seo import unlisted
from oicvet.uploads import delete_upload

#: Room for the join form's other fields beside the CV.
FORM_OVERHEAD = 256 * 1024


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def join() -> ResponseReturnValue:
    # Before the form is read: the site's cap on request bodies is far smaller than a CV.
    request.max_content_length = CV_MAX_BYTES + FORM_OVERHEAD
    if current_user.is_authenticated:
        return _join_with_account()
    form = JoinForm()
    stored = cv.receive(form.cv) if form.validate_on_submit() else None
    if stored is None:
        return render_template("experts/join.html", form=form, expired=form_expired(form))
    if registration.register(EXPERTS, form, extra=cv.columns(stored)) is None:
        delete_upload(stored.name)  # a known address: its owner is told, and nothing is kept
    return redirect(url_for("experts.joined"))


def _join_with_account() -> ResponseReturnValue:
    """A logged-in account joins with itself: no second account, and the roles it has are kept."""
    if own_profile(Expert) is not None:
        flash(_("You have joined the Roster of Experts already: here is your profile."), "info")
        return redirect(url_for("experts.profile"))
    form = AccountJoinForm()
    stored = cv.receive(form.cv) if form.validate_on_submit() else None
    if stored is None:
        return render_template("experts/join.html", form=form, expired=form_expired(form))
    account = current_user._get_current_object()
    expert = registration.add_profile(EXPERTS, form, account, extra=cv.columns(stored))
    if expert is None:  # a second submission at the same moment: the first one counts
        delete_upload(stored.name)
        flash(_("You have joined the Roster of Experts already: here is your profile."), "info")
    elif expert.awaits_confirmation:
        send_confirmation(account)  # the profile waits for it; a failure is logged
        flash(_("Your profile is saved. Please confirm your e-mail address with the link we sent you: the profile "
                "then goes to the OIC-VET team for approval."), "info")
    else:
        flash(_("Thank you: your expert profile waits for approval by the OIC-VET team. We will write to you."),
              "success")
    return redirect(url_for("experts.profile"))


@bp.get("/join/sent")
@unlisted
def joined() -> ResponseReturnValue:
    return render_template("experts/joined.html")


def _own_expert() -> Expert:
    expert = own_profile(Expert)
    if expert is None:
        abort(404)
    return expert


def _profile_page(expert: Expert, form: object, cv_form: CvForm) -> ResponseReturnValue:
    return render_template(
        "experts/profile.html", expert=expert, form=form, cv_form=cv_form, Status=Status,
        status_labels=STATUS_LABELS, expired=form_expired(form) or form_expired(cv_form),
        changed=editing.changed_labels(expert, form),
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@unlisted
def profile() -> ResponseReturnValue:
    expert = _own_expert()
    form = editing.edit_form(expert)
    if form.validate_on_submit():
        editing.save_own_profile(expert, form)
        return redirect(url_for("experts.profile"))
    return _profile_page(expert, form, CvForm(formdata=None))


@bp.post("/profile/cv")
@login_required
def replace_cv() -> ResponseReturnValue:
    """A new CV replaces the kept one at once: it is not public, so no review waits for it."""
    request.max_content_length = CV_MAX_BYTES + FORM_OVERHEAD
    expert = _own_expert()
    cv_form = CvForm()
    stored = cv.receive(cv_form.cv) if cv_form.validate_on_submit() else None
    if stored is None:
        return _profile_page(expert, editing.edit_form(expert), cv_form)
    if cv.replace(expert, stored):
        flash(_("Your new CV is saved; it replaces the previous one."), "success")
    else:
        flash(_("Another CV was sent at the same moment and replaced yours first: please check the CV below."),
              "info")
    return redirect(url_for("experts.profile"))


@bp.route("/profile/withdraw", methods=["GET", "POST"])
@login_required
@unlisted
def withdraw() -> ResponseReturnValue:
    """Leave the roster: the profile and the CV are deleted, and nothing of them is kept (not even in the
    audit log, which records staff's changes); the account stays, with its other roles."""
    expert = _own_expert()
    form = WithdrawForm()
    if not form.validate_on_submit():
        return render_template("experts/withdraw.html", form=form, expert=expert, expired=form_expired(form))
    expert.account.revoke(Role.EXPERT)
    db.session.delete(expert)  # and the CV, once committed (see cv.py)
    try:
        db.session.commit()
    except StaleDataError:  # withdrawn by a second submission at the same moment: done all the same
        db.session.rollback()
    flash(_("You have left the Roster of Experts: your profile and your CV are deleted."), "success")
    return redirect(url_for("accounts.overview"))
