"""The staff panel's accounts and roles: finding accounts, staff roles and sectors, disabling
an account, and the rule that the site always keeps one enabled administrator."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from oicvet.accounts.models import Account, Role
from oicvet.extensions import db
from tests.conftest import PASSWORD, csrf_token, log_in, submit, unique_email
from tests.panel_helpers import create_account, logged_in

DISABLED = "This account has been disabled. Please contact OIC-VET."
LAST_ADMIN = "This is the last enabled administrator"


def _stored(app, account_id: int) -> Account:
    with app.app_context():
        account = db.session.get(Account, account_id)
        db.session.expunge(account)
        return account




def _roles_form(client, account_id: int, **fields):
    page = f"/en/admin/accounts/{account_id}/"
    return submit(client, page, fields)


# Finding accounts


def test_an_account_is_found_by_part_of_its_email_address(app):
    tag = uuid.uuid4().hex[:10]
    wanted = create_account(app, Role.EXPERT, email=f"someone.{tag}@example.org", name=f"Zed {tag}")
    other = create_account(app, Role.EXPERT, name=f"Other {tag}")
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    html = client.get(f"/en/admin/accounts/?q={tag.upper()}@EXAMPLE").get_data(as_text=True)
    assert wanted.email in html and f"<bdi>Zed {tag}</bdi>" in html
    assert other.email not in html and admin.email not in html
    assert "1 account found" in html
    # By its name too, whatever the case.
    html = client.get(f"/en/admin/accounts/?q=zed+{tag}").get_data(as_text=True)
    assert wanted.email in html and other.email not in html


def test_like_wildcards_in_a_search_are_taken_literally(app):
    tag = uuid.uuid4().hex[:10]
    percent = create_account(app, Role.EXPERT, name=f"Per_cent 100% {tag}")
    plain = create_account(app, Role.EXPERT, name=f"Percent 1000 {tag}")
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    html = client.get("/en/admin/accounts/", query_string={"q": f"100% {tag}"}).get_data(as_text=True)
    assert percent.email in html and plain.email not in html
    html = client.get("/en/admin/accounts/", query_string={"q": "Per_cent"}).get_data(as_text=True)
    assert percent.email in html and plain.email not in html


def test_accounts_are_filtered_by_role_and_by_disabled(app):
    tag = uuid.uuid4().hex[:10]
    editor = create_account(app, Role.SECTOR_EDITOR, sectors=("ict",), name=f"Editor {tag}")
    partner = create_account(app, Role.PARTNER, name=f"Partner {tag}")
    with app.app_context():
        stored = db.session.get(Account, partner.id)
        from oicvet.models import utcnow

        stored.disabled_at = utcnow()
        db.session.commit()
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    html = client.get(f"/en/admin/accounts/?q={tag}&role=sector_editor").get_data(as_text=True)
    assert editor.email in html and partner.email not in html
    assert "Sector editor" in html and "Information, Communication &amp; Transportation" in html
    html = client.get(f"/en/admin/accounts/?q={tag}&role=disabled").get_data(as_text=True)
    assert partner.email in html and editor.email not in html and "Disabled" in html


def test_the_list_is_sorted_by_name(app):
    tag = uuid.uuid4().hex[:10]
    for name in ("Charlie", "alice", "Bob"):
        create_account(app, Role.EXPERT, name=f"{name} {tag}")
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    html = client.get(f"/en/admin/accounts/?q={tag}").get_data(as_text=True)
    assert html.index(f"alice {tag}") < html.index(f"Bob {tag}") < html.index(f"Charlie {tag}")


# Roles and sectors


def test_an_administrator_makes_someone_a_sector_editor_of_two_sectors(audit, app):
    person = create_account(app, Role.PARTNER)
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    page = client.get(f"/en/admin/accounts/{person.id}/").get_data(as_text=True)
    assert "follow the review of the person's profile" in page and "/en/admin/partners/" in page
    response = _roles_form(client, person.id, sector_editor="y", sectors=["agriculture", "ict"])
    assert response.status_code == 302
    stored = _stored(app, person.id)
    assert stored.roles == {Role.PARTNER, Role.SECTOR_EDITOR}
    assert stored.edited_sectors == {"agriculture", "ict"}
    entries = audit.entries("account", person.id)
    assert [entry.action for entry in entries] == ["grant", "sectors"]
    assert entries[0].before == {"roles": ["partner"]} and entries[0].after == {"roles": ["partner", "sector_editor"]}
    assert entries[1].before == {"sectors": []} and entries[1].after == {"sectors": ["agriculture", "ict"]}
    assert entries[0].account_id == admin.id
    # Taking the role away takes the sectors with it.
    assert _roles_form(client, person.id).status_code == 302
    stored = _stored(app, person.id)
    assert stored.roles == {Role.PARTNER} and stored.edited_sectors == set()
    assert [entry.action for entry in audit.entries("account", person.id)][-2:] == ["revoke", "sectors"]


def test_a_sector_editor_needs_a_sector_and_sectors_need_the_role(audit, app):
    person = create_account(app, Role.EXPERT)
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    response = _roles_form(client, person.id, sector_editor="y")
    assert response.status_code == 200
    assert "Please choose at least one sector for the sector editor." in response.get_data(as_text=True)
    response = _roles_form(client, person.id, sectors=["social"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Sectors are for sector editors" in html
    assert re.search(r'<input checked id="sectors-\d+" name="sectors" type="checkbox" value="social">', html)
    stored = _stored(app, person.id)
    assert stored.roles == {Role.EXPERT} and stored.edited_sectors == set()
    assert audit.entries("account", person.id) == []


def test_a_new_role_takes_effect_on_the_persons_next_request(app):
    person = create_account(app, Role.EXPERT)
    theirs, _ = logged_in(app, person)
    assert theirs.get("/en/admin/").status_code == 403
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    assert _roles_form(client, person.id, sector_editor="y", sectors=["labour"]).status_code == 302
    assert theirs.get("/en/admin/").status_code == 200  # no new login needed
    assert _roles_form(client, person.id, administrator="y").status_code == 302
    assert theirs.get("/en/admin/accounts/").status_code == 200
    assert _roles_form(client, person.id).status_code == 302
    assert theirs.get("/en/admin/").status_code == 403


# Disabling


def test_a_disabled_account_is_logged_out_and_cannot_log_in_until_enabled(audit, app):
    person = create_account(app, Role.PARTNER)
    theirs, _ = logged_in(app, person)
    remembered = app.test_client()
    log_in(remembered, person.email, PASSWORD, remember="y")
    assert theirs.get("/en/account/").status_code == 200
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    response = submit(client, f"/en/admin/accounts/{person.id}/", {},
                      action=f"/en/admin/accounts/{person.id}/disable")
    assert response.status_code == 302
    assert _stored(app, person.id).disabled_at is not None
    assert [entry.action for entry in audit.entries("account", person.id)] == ["disable"]
    # Logged out at once, everywhere (the remember cookie too).
    assert theirs.get("/en/account/").status_code == 302
    assert remembered.get("/en/account/").status_code == 302
    # The message shows only with the right password.
    wrong = log_in(app.test_client(), person.email, "not the password at all")
    assert DISABLED not in wrong.get_data(as_text=True)
    again = app.test_client()
    right = log_in(again, person.email, PASSWORD)
    assert right.status_code == 200 and DISABLED in right.get_data(as_text=True)
    assert again.get("/en/account/").status_code == 302
    # Enabled again, it logs in.
    response = submit(client, f"/en/admin/accounts/{person.id}/", {},
                      action=f"/en/admin/accounts/{person.id}/enable")
    assert response.status_code == 302 and _stored(app, person.id).disabled_at is None
    assert log_in(again, person.email, PASSWORD).status_code == 302
    assert again.get("/en/account/").status_code == 200
    assert [entry.action for entry in audit.entries("account", person.id)] == ["disable", "enable"]


def test_a_login_link_does_not_log_a_disabled_account_in(app):
    from oicvet.accounts import tokens

    person = create_account(app, Role.PARTNER)
    with app.test_request_context():
        earlier = tokens.make_token(_stored(app, person.id), tokens.LOGIN_LINK)
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    submit(client, f"/en/admin/accounts/{person.id}/", {}, action=f"/en/admin/accounts/{person.id}/disable")
    theirs = app.test_client()
    # A link sent before is dead (disabling ended the account's sessions and links)...
    assert theirs.get(f"/en/account/login/{earlier}").status_code == 400
    # ...and one made since does not log it in either.
    with app.test_request_context():
        later = tokens.make_token(_stored(app, person.id), tokens.LOGIN_LINK)
    response = theirs.get(f"/en/account/login/{later}", follow_redirects=True)
    assert DISABLED in response.get_data(as_text=True)
    token = csrf_token(theirs.get("/en/account/login").get_data(as_text=True))
    theirs.post(f"/en/account/login/{later}", data={"csrf_token": token})
    assert theirs.get("/en/account/").status_code == 302
    assert _stored(app, person.id).last_login_at is None


def test_an_administrator_cannot_disable_themselves(app):
    admin = create_account(app, Role.ADMINISTRATOR)
    create_account(app, Role.ADMINISTRATOR)  # not the last one: still refused
    client, _ = logged_in(app, admin)
    page = client.get(f"/en/admin/accounts/{admin.id}/").get_data(as_text=True)
    assert f"/en/admin/accounts/{admin.id}/disable" not in page
    response = submit(client, f"/en/admin/accounts/{admin.id}/", {},
                      action=f"/en/admin/accounts/{admin.id}/disable", follow_redirects=True)
    assert "You cannot disable your own account" in response.get_data(as_text=True)
    assert _stored(app, admin.id).disabled_at is None


# The last administrator, on a database of its own


@pytest.fixture
def lonely(make_app, tmp_path):
    """An app on a new, empty database: its administrators are the test's own."""
    url = f"sqlite:///{tmp_path / 'lonely.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        from flask_migrate import upgrade

        from oicvet.cli import init_migrations

        init_migrations(app)
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_last_administrator_cannot_revoke_disable_or_delete_themselves(lonely):
    admin = create_account(lonely, Role.ADMINISTRATOR)
    client, _ = logged_in(lonely, admin)
    response = _roles_form(client, admin.id)
    assert response.status_code == 200 and LAST_ADMIN in response.get_data(as_text=True)
    assert _stored(lonely, admin.id).roles == {Role.ADMINISTRATOR}
    response = submit(client, f"/en/admin/accounts/{admin.id}/", {},
                      action=f"/en/admin/accounts/{admin.id}/disable", follow_redirects=True)
    assert _stored(lonely, admin.id).disabled_at is None
    response = submit(client, "/en/account/delete", {"password": PASSWORD})
    assert response.status_code == 200 and "only administrator" in response.get_data(as_text=True)
    assert _stored(lonely, admin.id) is not None
    # A disabled administrator does not count.
    other = create_account(lonely, Role.ADMINISTRATOR)
    with lonely.app_context():
        from oicvet.models import utcnow

        db.session.get(Account, other.id).disabled_at = utcnow()
        db.session.commit()
    response = _roles_form(client, admin.id)
    assert response.status_code == 200 and LAST_ADMIN in response.get_data(as_text=True)


def test_with_two_administrators_one_can_revoke_the_other_but_not_the_last(lonely):
    first = create_account(lonely, Role.ADMINISTRATOR)
    second = create_account(lonely, Role.ADMINISTRATOR)
    client, _ = logged_in(lonely, first)
    theirs, _ = logged_in(lonely, second)
    assert _roles_form(client, second.id).status_code == 302
    assert _stored(lonely, second.id).roles == frozenset()
    assert theirs.get("/en/admin/accounts/").status_code == 403
    # Now alone, the first one cannot leave.
    response = _roles_form(client, first.id)
    assert response.status_code == 200 and LAST_ADMIN in response.get_data(as_text=True)
    # With another administrator again, giving up the role is allowed.
    assert _roles_form(client, second.id, administrator="y").status_code == 302
    assert _roles_form(client, first.id).status_code == 302
    assert _stored(lonely, first.id).roles == frozenset()
    assert client.get("/en/admin/accounts/").status_code == 403
    assert theirs.get("/en/admin/accounts/").status_code == 200


def test_an_administrator_can_disable_another(lonely):
    first = create_account(lonely, Role.ADMINISTRATOR)
    second = create_account(lonely, Role.ADMINISTRATOR)
    client, _ = logged_in(lonely, first)
    response = submit(client, f"/en/admin/accounts/{second.id}/", {},
                      action=f"/en/admin/accounts/{second.id}/disable")
    assert response.status_code == 302 and _stored(lonely, second.id).is_disabled


def test_the_cli_refuses_to_revoke_the_last_administrator(lonely):
    email = unique_email("admin")
    admin = create_account(lonely, Role.ADMINISTRATOR, email=email)
    runner = lonely.test_cli_runner()
    result = runner.invoke(args=["accounts", "revoke", email, "administrator"])
    assert result.exit_code != 0 and "last enabled administrator" in result.output
    assert _stored(lonely, admin.id).roles == {Role.ADMINISTRATOR}
    other = unique_email("admin")
    create_account(lonely, Role.ADMINISTRATOR, email=other)
    result = runner.invoke(args=["accounts", "revoke", email, "administrator"])
    assert result.exit_code == 0, result.output
    assert _stored(lonely, admin.id).roles == frozenset()
    result = runner.invoke(args=["accounts", "revoke", other, "administrator"])
    assert result.exit_code != 0 and "last enabled administrator" in result.output


# A new staff account


def test_an_administrator_makes_a_sector_editor_who_chooses_a_password_and_edits(audit, app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    email = unique_email("editor")
    page = "/en/admin/accounts/new"
    response = submit(client, page, {"name": "New Sector Editor", "email": email.upper(), "language": "fr",
                                     "sector_editor": "y", "sectors": ["labour"]})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(select(Account).where(Account.email == email))
        assert person.roles == {Role.SECTOR_EDITOR} and person.edited_sectors == {"labour"}
        assert person.language == "fr" and person.email_confirmed_at is None
        person_id = person.id
    entry = audit.entries("account", person_id)[-1]
    assert (entry.action, entry.after["roles"], entry.after["sectors"]) == ("create", ["sector_editor"], ["labour"])

    # The e-mail, in the person's language, greets without the name an administrator typed, and links.
    mail = outbox.last(email)
    assert mail["Content-Language"] == "fr" and "New Sector Editor" not in outbox.body(mail)
    link = outbox.link(email)
    assert link.startswith("/fr/account/welcome/")
    # Nobody can log in before the password is chosen.
    assert log_in(app.test_client(), email, PASSWORD).status_code == 200
    person_client = app.test_client()
    assert person_client.get(link).status_code == 200
    response = submit(person_client, link, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert person_client.get(link).status_code == 400  # the link works once
    assert log_in(person_client, email, PASSWORD).status_code == 302
    assert "/fr/admin/" in person_client.get("/fr/account/").get_data(as_text=True)
    assert person_client.get("/fr/admin/events/").status_code == 200
    assert person_client.get("/fr/admin/accounts/").status_code == 403
    with app.app_context():
        assert db.session.get(Account, person_id).email_confirmed_at is not None  # the link proved the address


def test_a_new_staff_account_needs_a_role_and_a_free_address(app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    page = "/en/admin/accounts/new"
    response = submit(client, page, {"name": "Nobody In Particular", "email": unique_email(), "language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tick a staff role" in html and 'value="Nobody In Particular"' in html
    taken = create_account(app, Role.PARTNER)
    response = submit(client, page, {"name": "Someone", "email": taken.email, "language": "en", "administrator": "y"})
    assert response.status_code == 200 and "An account already uses this address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Account, taken.id).roles == {Role.PARTNER}
    assert outbox.messages(taken.email) == []


def test_a_new_link_can_be_sent_until_the_person_logs_in(audit, app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    email = unique_email("late")
    submit(client, "/en/admin/accounts/new", {"name": "Late Reader", "email": email, "language": "en",
                                               "administrator": "y"})
    with app.app_context():
        person_id = db.session.scalar(select(Account.id).where(Account.email == email))
    page = f"/en/admin/accounts/{person_id}/"
    assert "Send a new link to choose a password" in client.get(page).get_data(as_text=True)
    assert submit(client, page, {}, action=f"/en/admin/accounts/{person_id}/welcome").status_code == 302
    assert len(outbox.messages(email)) == 2 and outbox.link(email).startswith("/en/account/welcome/")
    assert audit.entries("account", person_id)[-1].action == "welcome"


def test_two_administrators_making_one_address_at_once_get_a_field_error(app, monkeypatch, outbox):
    # The other administrator's account for the address is saved between the check and the save.
    from oicvet.panel import accounts as panel_accounts

    admin = create_account(app, Role.ADMINISTRATOR)
    client, _ = logged_in(app, admin)
    email = unique_email("race")
    create_account(app, Role.PARTNER, email=email)
    real_scalar = panel_accounts.db.session.scalar
    monkeypatch.setattr(panel_accounts.db.session, "scalar",
                        lambda statement, *args, **kwargs: None if "account.email" in str(statement)
                        else real_scalar(statement, *args, **kwargs))
    response = submit(client, "/en/admin/accounts/new", {"name": "Raced", "email": email, "language": "en",
                                                        "administrator": "y"})
    assert response.status_code == 200 and "An account already uses this address" in response.get_data(as_text=True)
    assert outbox.messages(email) == []
