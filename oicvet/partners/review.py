"""Staff review of partners: the queue, approving, and rejecting with a reason.

Also what happens to a partner when its account changes: a confirmed address
puts the profile in the queue, and a deleted account takes the profile with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from oicvet.accounts.auth import roles_required
from oicvet.accounts.models import Account, AccountRole, Role
from oicvet.accounts.signals import account_deleting, email_confirmed
from oicvet.extensions import csrf, db
from oicvet.forms import form_expired
from oicvet.mail import send_mail
from oicvet.models import utcnow
from oicvet.partners.forms import ReviewForm
from oicvet.partners.models import Partner, Status
from oicvet.seo import unlisted
from oicvet.urls import external_url

bp = Blueprint("partner_review", __name__, url_prefix="/<lang:lang>/admin/partners")
csrf.exempt(bp)  # the forms check their own tokens


@bp.get("/")
@roles_required(Role.ADMINISTRATOR)
@unlisted
def queue() -> ResponseReturnValue:
    status = request.args.get("status", Status.PENDING.value)
    if status not in {s.value for s in Status}:
        status = Status.PENDING.value
    partners = db.session.scalars(
        db.select(Partner).filter_by(status=status).order_by(Partner.updated_at.asc(), Partner.id.asc())
    ).all()
    counts = dict(
        db.session.execute(db.select(Partner.status, db.func.count()).group_by(Partner.status)).all()
    )
    return render_template(
        "partners/review/queue.html", partners=partners, status=status, counts=counts,
        statuses=list(Status),
    )


@bp.route("/<int:partner_id>/", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def review(partner_id: int) -> ResponseReturnValue:
    partner = db.session.get(Partner, partner_id) or abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        decision = request.form.get("decision")
        if decision == "approve":
            partner.status = Status.APPROVED.value
            partner.rejection_reason = ""
            partner.reviewed_at = utcnow()
            db.session.commit()
            _tell_partner(partner, "partner_approved")
            flash(_("%(name)s is approved and now listed in Partner Search.", name=partner.name), "success")
            return redirect(url_for("partner_review.queue"))
        if decision == "reject":
            if not form.reason.data:
                form.reason.errors.append(_("Please give the reason: the partner will be told."))
            else:
                partner.status = Status.REJECTED.value
                partner.rejection_reason = form.reason.data
                partner.reviewed_at = utcnow()
                db.session.commit()
                _tell_partner(partner, "partner_rejected")
                flash(_("%(name)s is not approved; the partner has been told why.", name=partner.name), "success")
                return redirect(url_for("partner_review.queue"))
    return render_template(
        "partners/review/review.html", partner=partner, form=form,
        expired=form_expired(form),
    )


def _tell_partner(partner: Partner, template: str) -> None:
    account = partner.account
    send_mail(
        account.email, template, account.language, partner=partner, account=account,
        profile=external_url("partners.profile", lang=account.language),
        search=external_url("partners.search", lang=account.language),
    )


def tell_administrators(partner: Partner) -> None:
    """Let every administrator know that a partner waits for approval."""
    administrators = db.session.scalars(
        db.select(Account).join(AccountRole).where(AccountRole.role == Role.ADMINISTRATOR.value)
    ).all()
    for admin in administrators:
        send_mail(
            admin.email, "partner_waiting", admin.language, partner=partner,
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
