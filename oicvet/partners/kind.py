"""Partners as a kind of reviewed profile: what oicvet.profiles needs to know about them."""

from __future__ import annotations

from oicvet.accounts.models import Role
from oicvet.i18n import lazy_gettext as _l
from oicvet.partners.forms import PROFILE_FIELDS, PartnerForm
from oicvet.partners.models import Partner
from oicvet.profiles.kinds import Labels, Mails, ProfileKind
from oicvet.urls import external_url


def _owner_links(partner: Partner, language: str) -> dict[str, str]:
    return {
        "profile": external_url("partners.profile", lang=language),
        "search": external_url("partners.search", lang=language),
        "page": external_url("partners.partner", partner_id=partner.id, lang=language),
    }


PARTNERS = ProfileKind(
    key="partners",
    name="partner",
    model=Partner,
    form=PartnerForm,
    fields=PROFILE_FIELDS,
    role=Role.PARTNER,
    account_name_field="contact_name",
    reviewer_roles=(Role.ADMINISTRATOR,),
    summary_template="partners/_summary.html",
    owner_links=_owner_links,
    mails=Mails(
        waiting="partner_waiting",
        changes_waiting="partner_changes_waiting",
        approved="partner_approved",
        rejected="partner_rejected",
        changes_accepted="partner_changes_accepted",
        changes_refused="partner_changes_refused",
        already_registered="already_registered",
    ),
    labels=Labels(
        queue_title=_l("Partners to review"),
        name_column=_l("Organisation"),
        none_with_status=_l("No partner has this status."),
        changes_intro=_l("Approved partners whose edits wait for your review, oldest first. Their public pages "
                         "show the approved version until you accept the changes."),
        changed_fields=_l("Fields the partner changed"),
        reject_button=_l("Do not approve, and tell the partner why"),
        refuse_changes_button=_l("Refuse the changes, and tell the partner why"),
        reason=_l("Reason, sent to the partner"),
        changes_reason=_l("Why the changes are refused, sent to the partner"),
        reason_required=_l("Please give the reason: the partner will be told."),
        changes_moved=_l("These changes are no longer the ones waiting: the partner may have edited them again. "
                         "Nothing was changed; please look at them again."),
        approved=_l("%(name)s is approved and now listed in Partner Search."),
        rejected=_l("%(name)s is not approved; the partner has been told why."),
        changes_accepted=_l("The changes to %(name)s are accepted and now public."),
        changes_refused=_l("The changes to %(name)s are refused; the partner has been told why."),
        confirmed=_l("Your organisation's profile now waits for approval by the OIC-VET team. We will write to "
                     "you."),
        record=_l("Partner profile"),
    ),
)
