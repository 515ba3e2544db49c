"""Training institutions as a kind of reviewed profile: what oicvet.profiles needs to know about them."""

from __future__ import annotations

from oicvet.accounts.models import Role
from oicvet.i18n import lazy_gettext as _l
from oicvet.profiles.kinds import Labels, Mails, ProfileKind
from oicvet.trop.forms import INSTITUTION_FIELDS, InstitutionForm
from oicvet.trop.models import TropInstitution
from oicvet.urls import external_url


def _owner_links(institution: TropInstitution, language: str) -> dict[str, str]:
    return {
        "manage": external_url("trop.manage", lang=language),
        "page": external_url("trop.institution", institution_id=institution.id, lang=language),
    }


INSTITUTIONS = ProfileKind(
    key="institutions",
    name="institution",
    model=TropInstitution,
    form=InstitutionForm,
    fields=INSTITUTION_FIELDS,
    role=Role.TROP_MEMBER,
    role_on_approval=True,  # a TROP member is an approved institution
    account_name_field="contact_name",
    reviewer_roles=(Role.ADMINISTRATOR,),
    summary_template="trop/_summary.html",
    owner_links=_owner_links,
    mails=Mails(
        waiting="trop_waiting",
        changes_waiting="trop_changes_waiting",
        approved="trop_approved",
        rejected="trop_rejected",
        changes_accepted="trop_changes_accepted",
        changes_refused="trop_changes_refused",
        already_registered="trop_already_registered",
    ),
    labels=Labels(
        queue_title=_l("Training institutions to review"),
        name_column=_l("Institution"),
        none_with_status=_l("No training institution has this status."),
        changes_intro=_l("TROP members whose edits wait for your review, oldest first. Their public pages show "
                         "the approved version until you accept the changes."),
        changed_fields=_l("Fields the institution changed"),
        reject_button=_l("Do not approve, and tell the institution why"),
        refuse_changes_button=_l("Refuse the changes, and tell the institution why"),
        reason=_l("Reason, sent to the institution"),
        changes_reason=_l("Why the changes are refused, sent to the institution"),
        reason_required=_l("Please give the reason: the institution will be told."),
        changes_moved=_l("These changes are no longer the ones waiting: the institution may have edited them "
                         "again. Nothing was changed; please look at them again."),
        approved=_l("%(name)s is approved: it is now a TROP member, listed among the Training Institutions."),
        rejected=_l("%(name)s is not approved; the institution has been told why."),
        changes_accepted=_l("The changes to %(name)s are accepted and now public."),
        changes_refused=_l("The changes to %(name)s are refused; the institution has been told why."),
        confirmed=_l("Your institution's application to TROP now waits for approval by the OIC-VET team. We will "
                     "write to you."),
        record=_l("Training institution"),
    ),
)
