"""Staff review of experts: administrators review every expert, a sector editor those of its sector's
rosters; approval, rejection with a reason, and who is told that an expert waits."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from flask import Flask

from oicvet.accounts.models import Account, Role
from oicvet.experts.models import Expert
from oicvet.extensions import db
from oicvet.profiles.status import Status
from tests.conftest import csrf_token, submit, unique_email
from tests.expert_helpers import ENVIRONMENT, SAFETY, create_expert, cv_path, expert_of, join_data, unique
from tests.panel_helpers import create_account, logged_in

QUEUE = "/en/admin/experts/"


def _review(expert: Expert | int) -> str:
    return f"/en/admin/experts/{expert if isinstance(expert, int) else expert.id}/"


def _expert(app: Flask, expert_id: int) -> Expert:
    with app.app_context():
        found = db.session.get(Expert, expert_id)
        _ = found.account.role_rows
        db.session.expunge_all()
        return found


def _row(html: str, name: str) -> str | None:
    """The words of the queue's row that names ``name``; None if no row does."""
    for row in re.findall(r"<tr>.*?</tr>", html, re.S):
        if name in row:
            return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", row)).split())
    return None


def _editor(app: Flask, *sectors: str, language: str = "en") -> Account:
    return create_account(app, Role.SECTOR_EDITOR, sectors=sectors, language=language)


def _staff(app: Flask, account: Account):
    client, _token = logged_in(app, account)
    return client


def _decide(client, expert: Expert, decision: str, **fields: str):
    """Post a decision with the session's CSRF token, whether or not the page offers it."""
    token = csrf_token(client.get("/en/account/").get_data(as_text=True))
    return client.post(_review(expert), data={"csrf_token": token, "decision": decision, **fields})


# Administrators


def test_the_queue_lists_pending_experts_with_their_rosters_and_country(app):
    admin = create_account(app, Role.ADMINISTRATOR)
    _account, pending = create_expert(app, Status.PENDING, rosters=(ENVIRONMENT, SAFETY), residence_country="JO")
    _account, unconfirmed = create_expert(app, Status.UNCONFIRMED)
    _account, approved = create_expert(app, Status.APPROVED)
    staff = _staff(app, admin)
    response = staff.get(QUEUE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    row = _row(page, pending.name)
    assert row is not None and f'href="{_review(pending)}"' in page
    assert "Environment and Water" in row and "Occupational Safety and Health" in row and "Jordan" in row
    assert _row(page, unconfirmed.name) is None and _row(page, approved.name) is None
    assert _row(staff.get(QUEUE, query_string={"status": "unconfirmed"}).get_data(as_text=True),
                unconfirmed.name) is not None


def test_the_review_page_shows_the_contacts_and_the_cv(app):
    admin = create_account(app, Role.ADMINISTRATOR)
    account, expert = create_expert(app, Status.PENDING, phone="+962 6 000 0000")
    staff = _staff(app, admin)
    page = htmllib.unescape(staff.get(_review(expert)).get_data(as_text=True))
    assert expert.name in page and account.email in page and "+962 6 000 0000" in page
    link = f'href="/en/experts/{expert.id}/cv"'
    assert link in page
    download = staff.get(f"/en/experts/{expert.id}/cv")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == cv_path(app, expert).read_bytes()
    # Nobody else gets the CV of an expert who is not listed.
    assert app.test_client().get(f"/en/experts/{expert.id}/cv").status_code == 404


def test_approval_gives_the_expert_role_and_tells_the_expert(app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR)
    account, expert = create_expert(app, Status.PENDING, language="fr")
    assert Role.EXPERT not in _expert(app, expert.id).account.roles
    staff = _staff(app, admin)
    response = submit(staff, _review(expert), {"decision": "approve"})
    assert response.status_code == 302 and response.headers["Location"] == QUEUE
    approved = _expert(app, expert.id)
    assert approved.status == Status.APPROVED and Role.EXPERT in approved.account.roles
    mail = outbox.last(account.email)
    assert mail["Content-Language"] == "fr"
    assert f"/fr/experts/{expert.id}/" in outbox.body(mail) and "/fr/experts/profile" in outbox.body(mail)
    assert app.test_client().get(f"/en/experts/{expert.id}/").status_code == 200


def test_rejection_needs_a_reason_and_tells_the_expert_why(app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR)
    account, expert = create_expert(app, Status.PENDING)
    staff = _staff(app, admin)
    empty = submit(staff, _review(expert), {"decision": "reject", "reason": "   "})
    assert empty.status_code == 200
    assert "Please give the reason: the expert will be told." in htmllib.unescape(empty.get_data(as_text=True))
    assert _expert(app, expert.id).status == Status.PENDING
    assert outbox.messages(account.email) == []

    reason = "The CV does not show the experience in water resources that the profile describes."
    response = submit(staff, _review(expert), {"decision": "reject", "reason": reason})
    assert response.status_code == 302
    rejected = _expert(app, expert.id)
    assert rejected.status == Status.REJECTED and rejected.rejection_reason == reason
    assert Role.EXPERT not in rejected.account.roles
    assert reason in outbox.body(outbox.last(account.email))
    assert app.test_client().get(f"/en/experts/{expert.id}/").status_code == 404


def test_an_unconfirmed_profile_cannot_be_decided_on(app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR)
    account, expert = create_expert(app, Status.UNCONFIRMED)
    staff = _staff(app, admin)
    page = staff.get(_review(expert)).get_data(as_text=True)
    assert 'value="approve"' not in page  # the page offers no decision
    for decision, fields in (("approve", {}), ("reject", {"reason": "Forged."})):
        response = _decide(staff, expert, decision, **fields)
        assert response.status_code == 409, decision
        unchanged = _expert(app, expert.id)
        assert unchanged.status == Status.UNCONFIRMED and Role.EXPERT not in unchanged.account.roles
    assert outbox.messages(account.email) == []


# Sector editors


@pytest.fixture
def three_experts(app) -> dict[str, Expert]:
    """Pending experts of the environment roster, of the safety roster, and of both."""
    return {
        "environment": create_expert(app, Status.PENDING, rosters=(ENVIRONMENT,))[1],
        "safety": create_expert(app, Status.PENDING, rosters=(SAFETY,))[1],
        "both": create_expert(app, Status.PENDING, rosters=(ENVIRONMENT, SAFETY))[1],
    }


@pytest.mark.parametrize(("sector", "theirs", "not_theirs"), [
    ("agriculture", ("environment", "both"), "safety"),
    ("labour", ("safety", "both"), "environment"),
])
def test_a_sector_editor_reviews_the_experts_of_its_sectors_rosters_only(app, three_experts, sector, theirs,
                                                                        not_theirs):
    editor = _staff(app, _editor(app, sector))
    response = editor.get(QUEUE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for key in theirs:
        assert _row(page, three_experts[key].name) is not None, key
        assert editor.get(_review(three_experts[key])).status_code == 200, key
    other = three_experts[not_theirs]
    assert _row(page, other.name) is None and other.name not in page

    # Another roster's expert is, to this editor, as good as absent: not shown, not decided on.
    assert editor.get(_review(other)).status_code == 404
    for decision, fields in (("approve", {}), ("reject", {"reason": "Not mine to decide."})):
        assert _decide(editor, other, decision, **fields).status_code == 404
    assert _expert(app, other.id).status == Status.PENDING

    # Its own sector's expert, it decides on.
    mine = three_experts[theirs[0]]
    assert submit(editor, _review(mine), {"decision": "approve"}).status_code == 302
    assert _expert(app, mine.id).status == Status.APPROVED


def test_an_expert_in_both_rosters_is_reviewed_by_the_editors_of_both(app, three_experts):
    both = three_experts["both"]
    for sector in ("agriculture", "labour"):
        editor = _staff(app, _editor(app, sector))
        assert _row(editor.get(QUEUE).get_data(as_text=True), both.name) is not None, sector
        assert editor.get(_review(both)).status_code == 200, sector


def test_an_editor_of_a_sector_without_a_roster_reviews_no_expert(app, three_experts):
    """Economy declares no roster: its editor reviews no expert, so the queue is not theirs."""
    editor = _staff(app, _editor(app, "economy"))
    assert editor.get(QUEUE).status_code == 403
    for expert in three_experts.values():
        assert editor.get(_review(expert)).status_code in (403, 404)
        assert _decide(editor, expert, "approve").status_code in (403, 404)
        assert _expert(app, expert.id).status == Status.PENDING


def test_people_who_are_not_staff_cannot_review(app, three_experts):
    expert = three_experts["environment"]
    visitor = app.test_client()
    for path in (QUEUE, _review(expert)):
        response = visitor.get(path)
        assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]
    approved_account, _approved = create_expert(app, Status.APPROVED)
    for account in (create_account(app), create_account(app, Role.PARTNER), approved_account):
        client = _staff(app, account)
        assert client.get(QUEUE).status_code == 403
        assert _decide(client, expert, "approve").status_code == 403
    assert _expert(app, expert.id).status == Status.PENDING


@pytest.mark.parametrize(("roster", "told", "not_told"), [
    (ENVIRONMENT, "agriculture", "labour"),
    (SAFETY, "labour", "agriculture"),
])
def test_an_expert_who_waits_is_announced_to_administrators_and_their_sectors_editors(app, outbox, roster, told,
                                                                                     not_told):
    admin = create_account(app, Role.ADMINISTRATOR)
    editors = {sector: _editor(app, sector, language="ar") for sector in (told, not_told, "economy")}
    email = unique_email("expert-waits")
    name = unique("Waiting Expert")
    visitor = app.test_client()
    token = csrf_token(visitor.get("/en/experts/join").get_data(as_text=True))
    field = {ENVIRONMENT: f"{ENVIRONMENT}.climate", SAFETY: f"{SAFETY}.mining"}[roster]
    response = visitor.post("/en/experts/join", data=join_data(token, email=email, name=name, rosters=[roster],
                                                               expertise=[field]))
    assert response.status_code == 302
    assert submit(visitor, outbox.link(email), {}).status_code == 302
    expert = expert_of(app, email)
    assert expert.status == Status.PENDING

    assert name in outbox.last(admin.email)["Subject"]
    mail = outbox.last(editors[told].email)
    assert name in mail["Subject"] and mail["Content-Language"] == "ar"
    assert outbox.link(editors[told].email) == f"/ar/admin/experts/{expert.id}/"
    assert outbox.messages(editors[not_told].email) == []
    assert outbox.messages(editors["economy"].email) == []


# The staff panel's home


@pytest.mark.parametrize("sector", ["agriculture", "labour"])
def test_the_panel_home_offers_the_experts_queue_to_an_editor_of_a_rosters_sector(app, sector):
    editor = _staff(app, _editor(app, sector))
    page = editor.get("/en/admin/").get_data(as_text=True)
    assert f'<a href="{QUEUE}">Experts to review</a>' in page


def test_the_panel_home_offers_no_experts_queue_to_an_editor_of_another_sector(app):
    editor = _staff(app, _editor(app, "economy"))
    response = editor.get("/en/admin/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="{QUEUE}"' not in page and "Experts to review" not in page
    # Nor does the account page link to it.
    assert f'href="{QUEUE}"' not in editor.get("/en/account/").get_data(as_text=True)
