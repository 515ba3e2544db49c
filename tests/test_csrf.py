"""CSRF: every form that changes something refuses a post without its token, and changes nothing."""

from __future__ import annotations

from oicvet.accounts import tokens
from oicvet.accounts.models import Account, Role
from oicvet.extensions import db
from oicvet.partners.models import Partner, Status
from tests.conftest import PASSWORD, log_in

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
        return (account.password_hash, account.session_token, account.email_confirmed_at, account.last_login_at,
                partner and (partner.name, partner.status, partner.pending_changes))


def _token(app, account_id: int, purpose: str) -> str:
    with app.test_request_context():
        return tokens.make_token(db.session.get(Account, account_id), purpose)


def test_every_post_without_a_token_is_refused(app, make_account, make_partner, outbox):
    admin = make_account(Role.ADMINISTRATOR)
    partner = make_partner(Status.PENDING)
    unconfirmed = make_account(confirmed=False)
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
