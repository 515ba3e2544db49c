"""The owner saves a reviewed profile.

An approved profile stays public as it is, and the edits wait for staff (see
``moderation``); any other is edited in place, and a rejected one goes back
to staff.
"""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from oicvet.extensions import db
from oicvet.forms import Form
from oicvet.models import utcnow
from oicvet.profiles import lifecycle, moderation
from oicvet.profiles.kinds import kind_of
from oicvet.profiles.models import ReviewedProfile
from oicvet.profiles.notify import tell_reviewers
from oicvet.profiles.status import Status


def edit_form(profile: ReviewedProfile) -> Form:
    """The owner's form: its latest version, the approved one with the changes that wait on top."""
    kind = kind_of(profile)
    return kind.form(data=moderation.proposed_values(profile, kind.fields))


def changed_labels(profile: ReviewedProfile, form: Form) -> list[str]:
    """The labels of the fields whose changes wait, for the owner's page."""
    return moderation.changed_labels(form, profile.pending_changes, kind_of(profile).fields)


def save_own_profile(profile: ReviewedProfile, form: Form) -> None:
    """Save the owner's valid ``form``, and say what became of it."""
    if profile.is_listed:
        _propose_changes(profile, form)
        return
    fields = kind_of(profile).fields
    moderation.apply_values(profile, moderation.form_values(form, fields))
    moderation.discard(profile)  # left from before a rejection: this save replaces them
    profile.updated_at = utcnow()
    if profile.status == Status.REJECTED:
        lifecycle.resubmit(profile)
        flash(_("Your profile is saved and submitted again for approval."), "success")
    else:
        db.session.commit()
        flash(_("Your profile is saved."), "success")


def _propose_changes(profile: ReviewedProfile, form: Form) -> None:
    kind = kind_of(profile)
    outcome = moderation.propose(profile, form, kind.fields)
    db.session.commit()
    if outcome is moderation.Outcome.UNCHANGED:
        flash(_("Nothing was changed, so there was nothing to save."), "info")
    elif outcome is moderation.Outcome.WITHDRAWN:
        flash(_("Your profile is back to its approved version: the changes that waited for approval are "
                "withdrawn."), "info")
    else:
        if outcome is moderation.Outcome.PROPOSED:
            tell_reviewers(kind, profile, kind.mails.changes_waiting)
        flash(_("Your changes are saved. They wait for approval by the OIC-VET team; until then, your public "
                "page shows the approved version."), "success")
