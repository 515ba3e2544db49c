"""Staff review of a kind of profile: the queue, approving, rejecting with a reason, and
accepting or refusing the changes the owner of an approved profile made.

Each kind gets its own blueprint, ``<name>_review`` at ``/<lang>/admin/<key>/``,
made from its declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from oicvet.audit import record_change
from oicvet.extensions import db, login_manager
from oicvet.forms import form_expired, forms_check_their_own_csrf
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import utcnow
from oicvet.profiles import lifecycle, moderation
from oicvet.profiles.access import can_see_contacts
from oicvet.profiles.forms import ReviewForm
from oicvet.profiles.kinds import ProfileKind
from oicvet.profiles.models import ReviewedProfile
from oicvet.profiles.notify import tell_owner
from oicvet.profiles.status import STATUS_LABELS, Status
from oicvet.seo import unlisted

#: The queue's tab of approved profiles whose edits wait for review.
CHANGES = "changes"

Decision = Callable[[ProfileKind, ReviewedProfile, ReviewForm], ResponseReturnValue | None]

#: The decisions, as the audit log names them.
DECISIONS = {
    "approve": _l("Approved"),
    "reject": _l("Not approved"),
    "accept_changes": _l("Changes accepted"),
    "refuse_changes": _l("Changes refused"),
}


@cache
def review_blueprint(kind: ProfileKind) -> Blueprint:
    """The kind's staff pages (one blueprint per kind, whichever app mounts it)."""
    bp = Blueprint(kind.review_blueprint, __name__, url_prefix=f"/<lang:lang>/admin/{kind.key}",
                   template_folder="templates")
    forms_check_their_own_csrf(bp)
    reviewers_only = reviewers_of(kind)

    @bp.get("/")
    @reviewers_only
    @unlisted
    def queue() -> ResponseReturnValue:
        return _queue(kind)

    @bp.route("/<int:profile_id>/", methods=["GET", "POST"])
    @reviewers_only
    def review(profile_id: int) -> ResponseReturnValue:
        return _review(kind, profile_id)

    return bp


def reviewers_of(kind: ProfileKind) -> Callable:
    """Only the kind's reviewers (sector editors of some of its profiles included); others get the login
    page or a 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not kind.reviews(current_user):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def _tab() -> Status | str:
    value = request.args.get("status", "")
    if value == CHANGES:
        return CHANGES
    try:
        return Status(value)
    except ValueError:
        return Status.PENDING


def _queue(kind: ProfileKind) -> ResponseReturnValue:
    model = kind.model
    scope = kind.review_filter(current_user)
    mine = () if scope is None else (scope,)  # a sector editor's queue: the profiles of its sectors
    changes_waiting = (model.status == Status.APPROVED, model.changes_waiting(), *mine)
    tab = _tab()
    if tab == CHANGES:
        statement = db.select(model).where(*changes_waiting).order_by(
            model.changes_submitted_at.asc(), model.id.asc()
        )
    else:
        statement = db.select(model).filter_by(status=tab).where(*mine).order_by(
            model.updated_at.asc(), model.id.asc()
        )
    profiles = db.session.scalars(statement).all()
    counts: dict[Status | str, int] = dict(
        db.session.execute(db.select(model.status, db.func.count()).where(*mine).group_by(model.status)).all()
    )
    counts[CHANGES] = db.session.scalar(db.select(db.func.count(model.id)).where(*changes_waiting))
    return render_template(
        "profiles/review/queue.html", kind=kind, profiles=profiles, status=tab, counts=counts,
        statuses=list(Status), status_labels=STATUS_LABELS, Status=Status, changes_tab=CHANGES,
    )


def _review(kind: ProfileKind, profile_id: int) -> ResponseReturnValue:
    profile = db.session.get(kind.model, profile_id)
    if profile is None or not kind.reviews_profile(current_user, profile):
        abort(404)  # another sector's profile is, to its editor, as good as absent
    form = ReviewForm(kind.labels)
    if form.validate_on_submit():
        decide = _DECISIONS.get(request.form.get("decision", ""))
        if decide is not None:
            response = decide(kind, profile, form)
            if response is not None:
                return response
    return _review_page(kind, profile, form)


def _review_page(kind: ProfileKind, profile: ReviewedProfile, form: ReviewForm,
                 refused: str | None = None) -> ResponseReturnValue:
    changes = []
    if profile.has_changes_to_review:
        labels = kind.form(formdata=None, meta={"csrf": False})  # the fields' labels and choices
        changes = moderation.changes_for_review(profile, labels, kind.fields)
    html = render_template(
        "profiles/review/review.html", kind=kind, profile=profile, form=form, expired=form_expired(form),
        changes=changes, changes_version=moderation.fingerprint(profile.pending_changes), refused=refused,
        show_contacts=can_see_contacts(current_user, profile), status_labels=STATUS_LABELS,
    )
    # A decision that does not fit the profile's state is refused, and nothing changes.
    return (html, 409) if refused else html


def _said(text: object, profile: ReviewedProfile) -> str:
    return str(text) % {"name": profile.display_name}


def _log(kind: ProfileKind, profile: ReviewedProfile, decision: str, before: dict, after: dict) -> None:
    """The decision in the audit log, in the transaction that makes it."""
    record_change(kind.key, profile.id, decision, label=profile.display_name, before=before, after=after)


def _approve(kind: ProfileKind, profile: ReviewedProfile, form: ReviewForm) -> ResponseReturnValue | None:
    if not profile.can_be_approved:
        return _review_page(kind, profile, form, _not_possible(profile))
    _log(kind, profile, "approve", {"status": profile.status}, {"status": Status.APPROVED})
    lifecycle.approve(profile)
    flash(_said(kind.labels.approved, profile), "success")
    return redirect(url_for(".queue"))


def _reject(kind: ProfileKind, profile: ReviewedProfile, form: ReviewForm) -> ResponseReturnValue | None:
    if not profile.can_be_rejected:
        return _review_page(kind, profile, form, _not_possible(profile))
    if not form.reason.data:
        form.reason.errors.append(str(kind.labels.reason_required))
        return None
    _log(kind, profile, "reject", {"status": profile.status},
         {"status": Status.REJECTED, "reason": form.reason.data})
    lifecycle.reject(profile, form.reason.data)
    flash(_said(kind.labels.rejected, profile), "success")
    return redirect(url_for(".queue"))


def _accept_changes(kind: ProfileKind, profile: ReviewedProfile, form: ReviewForm) -> ResponseReturnValue | None:
    if not _same_changes(profile):
        return _review_page(kind, profile, form, str(kind.labels.changes_moved))
    changes = dict(profile.pending_changes or {})
    _log(kind, profile, "accept_changes", {name: getattr(profile, name, None) for name in changes}, changes)
    moderation.accept(profile)
    profile.updated_at = utcnow()
    db.session.commit()
    tell_owner(kind, profile, kind.mails.changes_accepted)
    flash(_said(kind.labels.changes_accepted, profile), "success")
    return redirect(url_for(".queue", status=CHANGES))


def _refuse_changes(kind: ProfileKind, profile: ReviewedProfile, form: ReviewForm) -> ResponseReturnValue | None:
    if not _same_changes(profile):
        return _review_page(kind, profile, form, str(kind.labels.changes_moved))
    if not form.changes_reason.data:
        form.changes_reason.errors.append(str(kind.labels.reason_required))
        return None
    _log(kind, profile, "refuse_changes", {"changes": profile.pending_changes},
         {"changes": None, "reason": form.changes_reason.data})
    moderation.refuse(profile, form.changes_reason.data)
    db.session.commit()
    tell_owner(kind, profile, kind.mails.changes_refused)
    flash(_said(kind.labels.changes_refused, profile), "success")
    return redirect(url_for(".queue", status=CHANGES))


def _same_changes(profile: ReviewedProfile) -> bool:
    # The owner may have edited the changes again since the page was opened.
    return profile.has_changes_to_review and request.form.get("changes") == moderation.fingerprint(
        profile.pending_changes
    )


def _not_possible(profile: ReviewedProfile) -> str:
    if profile.awaits_confirmation:
        return _("This profile can be neither approved nor refused until its e-mail address is confirmed. "
                 "Nothing was changed.")
    return _("This decision does not fit the profile's status, so nothing was changed. Please check the status "
             "below.")


_DECISIONS: dict[str, Decision] = {
    "approve": _approve,
    "reject": _reject,
    "accept_changes": _accept_changes,
    "refuse_changes": _refuse_changes,
}
