"""CSRF: every form that changes something refuses a post without its token, and changes nothing."""

from __future__ import annotations

import io

from oicvet.accounts import tokens
from oicvet.accounts.models import Account, Role
from oicvet.experts.models import Expert
from oicvet.extensions import db
from oicvet.partners.models import Partner, Status
from tests.conftest import PASSWORD, log_in, unique_email
from tests.expert_helpers import SAFETY, create_expert, join_data, pdf_bytes

#: Checked in tests/test_contact.py, and the staff panel's in tests/test_panel_access.py.
COVERED_ELSEWHERE = {
    "contact.form",
    # TROP: tests/test_trop_membership.py, tests/test_trop_manage.py, and the staff routes in
    # tests/test_panel_access.py, post each of these without its token.
    "trop.apply", "trop.manage_profile", "trop.new_opportunity", "trop.edit_opportunity",
    "trop.publish_opportunity", "trop.unpublish_opportunity", "trop.duplicate_opportunity",
    "trop.delete_opportunity", "trop_staff.opportunity", "institution_review.review",
}
PANEL = "panel."


def _state(app, account_id: int) -> tuple:
    with app.app_context():
        account = db.session.get(Account, account_id)
        if account is None:
            return ("deleted",)
        partner = db.session.execute(db.select(Partner).filter_by(account_id=account_id)).scalar_one_or_none()
        expert = db.session.execute(db.select(Expert).filter_by(account_id=account_id)).scalar_one_or_none()
        return (account.password_hash, account.session_token, account.email_confirmed_at, account.last_login_at,
                partner and (partner.name, partner.status, partner.pending_changes),
                expert and (expert.name, expert.status, expert.pending_changes, expert.cv_name, account.roles))


def _token(app, account_id: int, purpose: str) -> str:
    with app.test_request_context():
        return tokens.make_token(db.session.get(Account, account_id), purpose)


def _expert_fields(**overrides: object) -> dict[str, object]:
    """A valid expert profile (the joining form's fields without the account, CV and token)."""
    fields = join_data("")
    for name in ("csrf_token", "email", "password", "confirm", "cv", "consent"):
        del fields[name]
    return {**fields, **overrides}


def test_every_post_without_a_token_is_refused(app, make_account, make_partner, outbox):
    admin = make_account(Role.ADMINISTRATOR)
    partner = make_partner(Status.PENDING)
    unconfirmed = make_account(confirmed=False)
    expert_account, _expert = create_expert(app)
    applicant_account, applicant = create_expert(app, Status.PENDING, rosters=(SAFETY,))
    joining = join_data("", email=unique_email("csrf-expert"))
    del joining["csrf_token"]
    posts = {
        "accounts.login": (None, "/en/account/login", {"email": admin.email, "password": PASSWORD}, admin),
        "accounts.logout": (admin, "/en/account/logout", {}, admin),
        "accounts.change_password": (admin, "/en/account/password",
                                     {"current_password": PASSWORD, "password": "x new password x",
                                      "confirm": "x new password x"}, admin),
        "accounts.request_reset": (None, "/en/account/reset", {"email": admin.email}, admin),
        "accounts.reset_password": (None, f"/en/account/reset/{_token(app, admin.id, tokens.RESET_PASSWORD)}",
                                    {"password": "x new password x", "confirm": "x new password x"}, admin),
        "accounts.login_link": (None, f"/en/account/login/{_token(app, admin.id, tokens.LOGIN_LINK)}", {}, admin),
        "accounts.welcome": (None, f"/en/account/welcome/{_token(app, admin.id, tokens.WELCOME)}",
                             {"password": "x new password x", "confirm": "x new password x"}, admin),
        "accounts.confirm_email": (None, f"/en/account/confirm/{_token(app, unconfirmed.id, tokens.CONFIRM_EMAIL)}",
                                   {}, unconfirmed),
        "accounts.delete": (admin, "/en/account/delete", {"password": PASSWORD}, admin),
        "partners.register": (None, "/en/partners/register", {"email": "csrf@example.org"}, admin),
        "partners.profile": (partner.account, "/en/partners/profile", {"name": "Changed"}, partner.account),
        "partner_review.review": (admin, f"/en/admin/partners/{partner.id}/", {"decision": "approve"},
                                  partner.account),
        # The expert's forms are complete and valid: only the missing token refuses them.
        "experts.join": (None, "/en/experts/join", joining, admin),
        "experts.profile": (expert_account, "/en/experts/profile", _expert_fields(name="Changed Expert"),
                            expert_account),
        "experts.replace_cv": (expert_account, "/en/experts/profile/cv",
                               {"cv": (io.BytesIO(pdf_bytes(2)), "new.pdf")}, expert_account),
        "experts.withdraw": (expert_account, "/en/experts/profile/withdraw", {"confirm": "y"}, expert_account),
        "expert_review.review": (admin, f"/en/admin/experts/{applicant.id}/", {"decision": "approve"},
                                 applicant_account),
    }
    posting = {
        rule.endpoint for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.endpoint.startswith(PANEL)
    } - COVERED_ELSEWHERE
    assert posting == set(posts), "a new form needs its CSRF test here"

    for endpoint, (who, url, data, watched) in posts.items():
        client = app.test_client()
        if who is not None:
            assert log_in(client, who.email, PASSWORD).status_code == 302
        before = _state(app, watched.id)
        outbox.clear()
        response = client.post(url, data=data)
        assert response.status_code in (200, 302, 400), endpoint
        assert _state(app, watched.id) == before, endpoint
        assert outbox.messages() == [], endpoint
        if endpoint == "accounts.login":
            assert client.get("/en/account/").status_code == 302  # not logged in
        elif who is not None:
            assert client.get("/en/account/").status_code == 200, endpoint  # still logged in
