"""Profiles that staff review: the status rules, the moves and their e-mails, the declaration of a
kind, and who sees contact details.

The moves are tried on partners, the one kind the site has; a second, tiny kind
(over the partner table, so that it needs no migration) shows that the staff
pages follow a kind's declaration.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from oicvet.accounts.models import Account, Role
from oicvet.extensions import db
from oicvet.models import utcnow
from oicvet.partners.kind import PARTNERS
from oicvet.partners.models import Partner
from oicvet.profiles import lifecycle, register_kind
from oicvet.profiles.access import can_see_contacts
from oicvet.profiles.kinds import kind_of, kinds_of
from oicvet.profiles.review import review_blueprint
from oicvet.profiles.status import Status, Transition, allowed
from oicvet.trop.kind import INSTITUTIONS
from tests.conftest import PASSWORD, log_in

ROOT = Path(__file__).resolve().parent.parent

# --- The rules --------------------------------------------------------------------------------

#: Today's rules, written out: (move, from) pairs that are allowed once the address is confirmed.
ALLOWED = {
    (Transition.CONFIRM, Status.UNCONFIRMED),
    (Transition.APPROVE, Status.PENDING),
    (Transition.APPROVE, Status.REJECTED),  # a refusal can be reversed
    (Transition.REJECT, Status.PENDING),
    (Transition.REJECT, Status.APPROVED),  # a listed profile can be withdrawn
    (Transition.RESUBMIT, Status.REJECTED),
}


@pytest.mark.parametrize("transition", list(Transition))
@pytest.mark.parametrize("status", list(Status))
def test_the_status_rules(transition, status):
    assert allowed(transition, status, email_confirmed=True) == ((transition, status) in ALLOWED)
    assert not allowed(transition, status, email_confirmed=False)  # nothing moves until the address is confirmed


def test_the_status_changes_in_one_place():
    assignments = []
    for folder in ("oicvet/profiles", "oicvet/partners"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if re.search(r"\.status\s*=(?!=)", line):
                    assignments.append((path.relative_to(ROOT).as_posix(), line.strip()))
    assert assignments == [("oicvet/profiles/lifecycle.py", "profile.status = RULES[transition].target")]


def test_the_status_is_stored_as_the_lowercase_value_and_loaded_as_the_member(app, make_partner):
    partner = make_partner(Status.PENDING)
    with app.app_context():
        stored = db.session.execute(text("SELECT status FROM partner WHERE id = :id"), {"id": partner.id}).scalar()
        assert stored == "pending"
        assert db.session.get(Partner, partner.id).status is Status.PENDING
        assert partner.id in db.session.scalars(db.select(Partner.id).where(Partner.status == Status.PENDING))
        db.session.get(Partner, partner.id).status = "listed"  # not a status
        with pytest.raises(StatementError):
            db.session.flush()
        db.session.rollback()


# --- The moves --------------------------------------------------------------------------------


def _load(partner_id: int) -> Partner:
    db.session.expire_all()
    return db.session.get(Partner, partner_id)


def test_approve_stamps_the_time_commits_and_tells_the_owner(app, make_partner, outbox):
    partner = make_partner(Status.REJECTED, name="Approved By Lifecycle")
    with app.app_context():
        lifecycle.approve(_load(partner.id))
        db.session.rollback()  # undoes nothing: approve has committed
        stored = _load(partner.id)
        assert stored.status is Status.APPROVED and stored.reviewed_at is not None
        assert stored.rejection_reason == ""
    mail = outbox.last(partner.email)
    assert "now in the OIC-VET Partners Database" in mail["Subject"]
    assert "http://localhost/en/partners/\n" in outbox.body(mail)  # Partner Search, in the owner's language

    outbox.clear()
    with app.app_context(), pytest.raises(lifecycle.NotAllowed):
        lifecycle.approve(_load(partner.id))
    assert outbox.messages() == []


def test_reject_needs_a_reason_and_tells_the_owner_why(app, make_partner, outbox):
    partner = make_partner(Status.APPROVED)
    with app.app_context():
        with pytest.raises(ValueError):
            lifecycle.reject(_load(partner.id), "  ")
        db.session.rollback()
        assert _load(partner.id).status is Status.APPROVED
        lifecycle.reject(_load(partner.id), "The listing is withdrawn: the website is gone.")
        stored = _load(partner.id)
        assert stored.status is Status.REJECTED and stored.reviewed_at is not None
        assert stored.rejection_reason == "The listing is withdrawn: the website is gone."
        with pytest.raises(lifecycle.NotAllowed):
            lifecycle.reject(stored, "Again.")
    assert "the website is gone" in outbox.body(outbox.last(partner.email))
    assert len(outbox.messages(partner.email)) == 1


def test_resubmit_puts_a_rejected_profile_back_and_tells_the_reviewers(app, make_account, make_partner, outbox):
    admin = make_account(Role.ADMINISTRATOR)
    editor = make_account(Role.SECTOR_EDITOR)
    partner = make_partner(Status.REJECTED, name="Resubmitted By Lifecycle")
    with app.app_context():
        before = _load(partner.id).updated_at
        lifecycle.resubmit(_load(partner.id))
        stored = _load(partner.id)
        assert stored.status is Status.PENDING and stored.updated_at > before
        with pytest.raises(lifecycle.NotAllowed):
            lifecycle.resubmit(stored)
    mail = outbox.last(admin.email)
    assert "Resubmitted By Lifecycle" in mail["Subject"] and f"/en/admin/partners/{partner.id}/" in outbox.body(mail)
    assert outbox.messages(editor.email) == []  # partners are reviewed by administrators only
    assert outbox.messages(partner.email) == []


def test_confirm_waits_for_the_address_then_queues_the_profile(app, make_account, make_partner, outbox):
    admin = make_account(Role.ADMINISTRATOR)
    partner = make_partner(Status.UNCONFIRMED, name="Confirmed By Lifecycle")
    with app.app_context():
        with pytest.raises(lifecycle.NotAllowed):
            lifecycle.confirm(_load(partner.id))
        assert outbox.messages() == []
        db.session.get(Account, partner.account_id).email_confirmed_at = utcnow()
        db.session.commit()
        lifecycle.confirm(_load(partner.id))
        assert _load(partner.id).status is Status.PENDING
    assert "Confirmed By Lifecycle" in outbox.last(admin.email)["Subject"]


def test_nothing_moves_while_the_address_is_unconfirmed(app, make_partner, outbox):
    partner = make_partner(Status.PENDING)
    with app.app_context():
        db.session.get(Account, partner.account_id).email_confirmed_at = None
        db.session.commit()
        stored = _load(partner.id)
        assert stored.awaits_confirmation and not stored.can_be_approved and not stored.can_be_rejected
        for move in (lifecycle.approve, lifecycle.confirm, lifecycle.resubmit):
            with pytest.raises(lifecycle.NotAllowed):
                move(stored)
        with pytest.raises(lifecycle.NotAllowed):
            lifecycle.reject(stored, "No.")
        assert _load(partner.id).status is Status.PENDING
    assert outbox.messages() == []


# --- The declaration of a kind ---------------------------------------------------------------


def test_partners_training_institutions_and_experts_are_declared_as_kinds(app, make_partner):
    partner = make_partner()
    with app.app_context():
        assert [kind.key for kind in kinds_of(app)] == ["partners", "institutions", "experts"]
        assert kinds_of(app)[:2] == [PARTNERS, INSTITUTIONS]
        assert kind_of(Partner) is PARTNERS and kind_of(db.session.get(Partner, partner.id)) is PARTNERS
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert rules["partner_review.queue"] == "/<lang:lang>/admin/partners/"
    assert rules["partner_review.review"] == "/<lang:lang>/admin/partners/<int:profile_id>/"
    assert rules["institution_review.queue"] == "/<lang:lang>/admin/institutions/"
    assert rules["expert_review.queue"] == "/<lang:lang>/admin/experts/"


def test_a_kind_is_registered_once_and_a_model_has_one_kind(make_app):
    app = make_app()
    routes = len(list(app.url_map.iter_rules()))
    register_kind(app, PARTNERS)  # again: nothing changes
    kinds = kinds_of(app)
    assert len(list(app.url_map.iter_rules())) == routes and len(kinds) == 3
    with pytest.raises(ValueError):
        register_kind(app, dataclasses.replace(PARTNERS, key="others", name="other"))
    assert kinds_of(app) == kinds


#: A second kind, over the partner table, reviewed by sector editors and worded its own way.
TINY = dataclasses.replace(
    PARTNERS, key="tiny", name="tiny", reviewer_roles=(Role.SECTOR_EDITOR,),
    labels=dataclasses.replace(PARTNERS.labels, queue_title="Tiny profiles to review",
                               reject_button="Turn the tiny profile down"),
)


def test_the_staff_pages_follow_the_declaration_of_a_kind(make_app, make_account, make_partner):
    app = make_app()
    app.register_blueprint(review_blueprint(TINY))  # its pages only: the model already has its kind
    partner = make_partner(Status.PENDING, name="Seen Through The Tiny Kind")
    editor, admin = app.test_client(), app.test_client()
    log_in(editor, make_account(Role.SECTOR_EDITOR).email, PASSWORD)
    log_in(admin, make_account(Role.ADMINISTRATOR).email, PASSWORD)

    queue = editor.get("/en/admin/tiny/")
    html = queue.get_data(as_text=True)
    assert queue.status_code == 200 and "<h1>Tiny profiles to review</h1>" in html
    assert "Seen Through The Tiny Kind" in html and f'href="/en/admin/tiny/{partner.id}/"' in html
    review = editor.get(f"/en/admin/tiny/{partner.id}/").get_data(as_text=True)
    assert "Turn the tiny profile down" in review and 'action="/en/admin/tiny/' in review
    assert admin.get("/en/admin/tiny/").status_code == 403  # not a reviewer of this kind
    assert editor.get("/en/admin/partners/").status_code == 403
    assert admin.get("/en/admin/partners/").status_code == 200


# --- Contact details --------------------------------------------------------------------------


def test_who_sees_contact_details(app, make_account, make_partner):
    listed = make_partner(Status.APPROVED)
    pending = make_partner(Status.PENDING)
    other_approved = make_partner(Status.APPROVED)
    rejected = make_partner(Status.REJECTED)
    admin = make_account(Role.ADMINISTRATOR)
    editor = make_account(Role.SECTOR_EDITOR)
    expert = make_account(Role.EXPERT)
    with app.app_context():
        def viewer(account_id: int) -> Account:
            return db.session.get(Account, account_id)

        profile = db.session.get(Partner, listed.id)
        assert not can_see_contacts(None, profile)
        assert not can_see_contacts(AnonymousUserMixin(), profile)
        assert not can_see_contacts(viewer(pending.account_id), profile)  # a partner still waiting
        assert not can_see_contacts(viewer(rejected.account_id), profile)
        assert not can_see_contacts(viewer(expert.id), profile)  # logged in, but no approved partner profile
        assert can_see_contacts(viewer(other_approved.account_id), profile)  # an approved partner
        assert can_see_contacts(viewer(listed.account_id), profile)  # the owner
        assert can_see_contacts(viewer(admin.id), profile) and can_see_contacts(viewer(editor.id), profile)

        waiting = db.session.get(Partner, pending.id)
        assert can_see_contacts(viewer(pending.account_id), waiting)  # the owner, before approval too
        assert can_see_contacts(viewer(admin.id), waiting)
        assert can_see_contacts(viewer(other_approved.account_id), waiting)
        assert not can_see_contacts(viewer(rejected.account_id), waiting)
