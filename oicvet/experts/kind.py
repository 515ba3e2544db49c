"""Experts as a kind of reviewed profile: what oicvet.profiles needs to know about them.

An expert belongs to the sectors whose rosters they joined: administrators and
the editors of those sectors review them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from oicvet.accounts.models import Role
from oicvet.experts.forms import EXPERT_FIELDS, ExpertForm
from oicvet.experts.models import Expert, ExpertRoster
from oicvet.i18n import lazy_gettext as _l
from oicvet.plugins.registry import get_registry
from oicvet.profiles.kinds import Labels, Mails, ProfileKind, SectorScope
from oicvet.urls import external_url


def _sectors_of(expert: Expert) -> frozenset[str]:
    registry = get_registry()
    return frozenset(entry.sector.key for key in expert.rosters if (entry := registry.roster(key)) is not None)


def _in_sectors(sectors: frozenset[str]) -> ColumnElement[bool]:
    rosters = sorted(entry.key for entry in get_registry().rosters if entry.sector.key in sectors)
    return Expert.id.in_(select(ExpertRoster.expert_id).where(ExpertRoster.roster.in_(rosters)))


def _roster_sectors() -> frozenset[str]:
    return frozenset(entry.sector.key for entry in get_registry().rosters)


def _owner_links(expert: Expert, language: str) -> dict[str, str]:
    return {
        "profile": external_url("experts.profile", lang=language),
        "page": external_url("experts.expert", expert_id=expert.id, lang=language),
    }


EXPERTS = ProfileKind(
    key="experts",
    name="expert",
    model=Expert,
    form=ExpertForm,
    fields=EXPERT_FIELDS,
    role=Role.EXPERT,
    role_on_approval=True,  # an expert is one the roster lists
    account_name_field="name",
    reviewer_roles=(Role.ADMINISTRATOR,),
    sector_scope=SectorScope(of_profile=_sectors_of, where=_in_sectors, sectors=_roster_sectors),
    contacts_seen_by=("partners",),  # staff and approved partners; not other experts
    summary_template="experts/_summary.html",
    owner_links=_owner_links,
    mails=Mails(
        waiting="expert_waiting",
        changes_waiting="expert_changes_waiting",
        approved="expert_approved",
        rejected="expert_rejected",
        changes_accepted="expert_changes_accepted",
        changes_refused="expert_changes_refused",
        already_registered="expert_already_registered",
    ),
    labels=Labels(
        queue_title=_l("Experts to review"),
        name_column=_l("Expert"),
        none_with_status=_l("No expert has this status."),
        changes_intro=_l("Approved experts whose edits wait for your review, oldest first. The roster shows the "
                         "approved version until you accept the changes."),
        changed_fields=_l("Fields the expert changed"),
        reject_button=_l("Do not approve, and tell the expert why"),
        refuse_changes_button=_l("Refuse the changes, and tell the expert why"),
        reason=_l("Reason, sent to the expert"),
        changes_reason=_l("Why the changes are refused, sent to the expert"),
        reason_required=_l("Please give the reason: the expert will be told."),
        changes_moved=_l("These changes are no longer the ones waiting: the expert may have edited them again. "
                         "Nothing was changed; please look at them again."),
        approved=_l("%(name)s is approved and now listed in the Roster of Experts."),
        rejected=_l("%(name)s is not approved; the expert has been told why."),
        changes_accepted=_l("The changes to %(name)s are accepted and now public."),
        changes_refused=_l("The changes to %(name)s are refused; the expert has been told why."),
        confirmed=_l("Your expert profile now waits for approval by the OIC-VET team. We will write to you."),
        record=_l("Expert profile"),
    ),
)
