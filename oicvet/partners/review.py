"""Staff review of partners: the queue, approving, rejecting with a reason, and
accepting or refusing the changes an approved partner made to its profile.

Also what happens to a partner when its account changes: a confirmed address
puts the profile in the queue, and a deleted account takes the profile with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import ColumnElement

from oicvet.accounts.auth import roles_required
from oicvet.accounts.models import Account, AccountRole, Role
from oicvet.accounts.signals import account_deleting, email_confirmed
from oicvet.extensions import csrf, db
from oicvet.forms import form_expired
from oicvet.mail import send_mail
from oicvet.models import utcnow
from oicvet.partners import moderation
from oicvet.partners.forms import PROFILE_FIELDS, PartnerForm, ReviewForm
from oicvet.partners.models import Partner, Status
from oicvet.seo import unlisted
from oicvet.urls import external_url

bp = Blueprint("partner_review", __name__, url_prefix="/<lang:lang>/admin/partners")
csrf.exempt(bp)  # the forms check their own tokens


#: The queue's tab of approved partners whose edits wait for review.
CHANGES = "changes"


@bp.get("/")
@roles_required(Role.ADMINISTRATOR)
@unlisted
def queue() -> ResponseReturnValue:
    status = request.args.get("status", Status.PENDING.value)
    if status not in {s.value for s in Status} | {CHANGES}:
        status = Status.PENDING.value
    if status == CHANGES:
        statement = db.select(Partner).where(*_changes_waiting()).order_by(
            Partner.changes_submitted_at.asc(), Partner.id.asc()
        )
    else:
        statement = db.select(Partner).filter_by(status=status).order_by(Partner.updated_at.asc(), Partner.id.asc())
    partners = db.session.scalars(statement).all()
    counts = dict(
        db.session.execute(db.select(Partner.status, db.func.count()).group_by(Partner.status)).all()
    )
    counts[CHANGES] = db.session.scalar(db.select(db.func.count(Partner.id)).where(*_changes_waiting()))
    return render_template(
        "partners/review/queue.html", partners=partners, status=status, counts=counts,
        statuses=list(Status), changes_tab=CHANGES,
    )


def _changes_waiting() -> tuple[ColumnElement[bool], ...]:
    """Listed partners whose edits wait for review."""
    return Partner.status == Status.APPROVED.value, Partner.changes_waiting()


@bp.route("/<int:partner_id>/", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def review(partner_id: int) -> ResponseReturnValue:
    partner = db.session.get(Partner, partner_id) or abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        decide = _DECISIONS.get(request.form.get("decision", ""))
        if decide is not None:
            response = decide(partner, form)
            if response is not None:
                return response
    return _review_page(partner, form)


def _review_page(partner: Partner, form: ReviewForm, refused: str | None = None) -> ResponseReturnValue:
    changes = []
    if partner.has_changes_to_review:
        labels = PartnerForm(formdata=None, meta={"csrf": False})  # the fields' labels and choices
        changes = moderation.changes_for_review(partner, labels, PROFILE_FIELDS)
    html = render_template(
        "partners/review/review.html", partner=partner, form=form, expired=form_expired(form),
        changes=changes, changes_version=moderation.fingerprint(partner.pending_changes), refused=refused,
    )
    # A decision that does not fit the profile's state is refused, and nothing changes.
    return (html, 409) if refused else html


def _approve(partner: Partner, form: ReviewForm) -> ResponseReturnValue | None:
    if not partner.can_be_approved:
        return _review_page(partner, form, _not_possible(partner))
    partner.status = Status.APPROVED.value
    partner.rejection_reason = ""
    partner.reviewed_at = utcnow()
    db.session.commit()
    _tell_partner(partner, "partner_approved")
    flash(_("%(name)s is approved and now listed in Partner Search.", name=partner.name), "success")
    return redirect(url_for("partner_review.queue"))


def _reject(partner: Partner, form: ReviewForm) -> ResponseReturnValue | None:
    if not partner.can_be_rejected:
        return _review_page(partner, form, _not_possible(partner))
    if not form.reason.data:
        form.reason.errors.append(_("Please give the reason: the partner will be told."))
        return None
    partner.status = Status.REJECTED.value
    partner.rejection_reason = form.reason.data
    partner.reviewed_at = utcnow()
    db.session.commit()
    _tell_partner(partner, "partner_rejected")
    flash(_("%(name)s is not approved; the partner has been told why.", name=partner.name), "success")
    return redirect(url_for("partner_review.queue"))


def _accept_changes(partner: Partner, form: ReviewForm) -> ResponseReturnValue | None:
    if not _same_changes(partner):
        return _review_page(partner, form, _changes_moved())
    moderation.accept(partner)
    partner.updated_at = utcnow()
    db.session.commit()
    _tell_partner(partner, "partner_changes_accepted")
    flash(_("The changes to %(name)s are accepted and now public.", name=partner.name), "success")
    return redirect(url_for("partner_review.queue", status=CHANGES))


def _refuse_changes(partner: Partner, form: ReviewForm) -> ResponseReturnValue | None:
    if not _same_changes(partner):
        return _review_page(partner, form, _changes_moved())
    if not form.changes_reason.data:
        form.changes_reason.errors.append(_("Please give the reason: the partner will be told."))
        return None
    moderation.refuse(partner, form.changes_reason.data)
    db.session.commit()
    _tell_partner(partner, "partner_changes_refused")
    flash(_("The changes to %(name)s are refused; the partner has been told why.", name=partner.name), "success")
    return redirect(url_for("partner_review.queue", status=CHANGES))


def _same_changes(partner: Partner) -> bool:
    # The partner may have edited the changes again since the page was opened.
    return partner.has_changes_to_review and request.form.get("changes") == moderation.fingerprint(
        partner.pending_changes
    )


def _not_possible(partner: Partner) -> str:
    if partner.awaits_confirmation:
        return _("This profile can be neither approved nor refused until its e-mail address is confirmed. "
                 "Nothing was changed.")
    return _("This decision does not fit the profile's status, so nothing was changed. Please check the status "
             "below.")


def _changes_moved() -> str:
    return _("These changes are no longer the ones waiting: the partner may have edited them again. Nothing "
             "was changed; please look at them again.")


_DECISIONS: dict[str, Callable[[Partner, ReviewForm], ResponseReturnValue | None]] = {
    "approve": _approve,
    "reject": _reject,
    "accept_changes": _accept_changes,
    "refuse_changes": _refuse_changes,
}


def _tell_partner(partner: Partner, template: str) -> None:
    account = partner.account
    send_mail(
        account.email, template, account.language, partner=partner, account=account,
        profile=external_url("partners.profile", lang=account.language),
        search=external_url("partners.search", lang=account.language),
        page=external_url("partners.partner", partner_id=partner.id, lang=account.language),
    )


def tell_administrators(partner: Partner, template: str = "partner_waiting") -> None:
    """Let every administrator know that a partner, or changes to its profile, wait for review."""
    administrators = db.session.scalars(
        db.select(Account).join(AccountRole).where(AccountRole.role == Role.ADMINISTRATOR.value)
    ).all()
    for admin in administrators:
        send_mail(
            admin.email, template, admin.language, partner=partner,
            review=external_url("partner_review.review", partner_id=partner.id, lang=admin.language),
        )


def _on_email_confirmed(sender: Flask, account: Account, **extra: Any) -> Callable[[], None] | None:
    partner = db.session.execute(db.select(Partner).filter_by(account_id=account.id)).scalar_one_or_none()
    if partner is None or partner.status != Status.UNCONFIRMED:
        return None
    partner.status = Status.PENDING.value
    partner.updated_at = utcnow()

    def then() -> None:
        flash(_("Your organisation's profile now waits for approval by the OIC-VET team. We will write to you."),
              "info")
        tell_administrators(partner)

    return then


def _on_account_deleting(sender: Flask, account: Account, **extra: Any) -> None:
    partner = db.session.execute(db.select(Partner).filter_by(account_id=account.id)).scalar_one_or_none()
    if partner is not None:
        db.session.delete(partner)


def init_app(app: Flask) -> None:
    email_confirmed.connect(_on_email_confirmed, sender=app)
    account_deleting.connect(_on_account_deleting, sender=app)
