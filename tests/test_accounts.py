"""Accounts: roles, the first administrator, login, logout, passwords, reset by e-mail."""

from __future__ import annotations

import re

import pytest

from oicvet.accounts.models import Account, Role
from tests.conftest import PASSWORD, log_in, log_out, submit, unique_email


def _account(app, email: str) -> Account | None:
    from oicvet.extensions import db

    with app.app_context():
        return db.session.execute(db.select(Account).filter_by(email=email.lower())).scalar_one_or_none()


def test_every_role_exists_and_an_account_can_hold_several(app, make_account):
    assert {role.value for role in Role} == {
        "administrator", "sector_editor", "partner", "trop_member", "expert"
    }
    account = make_account(Role.PARTNER, Role.EXPERT)
    assert account.roles == {Role.PARTNER, Role.EXPERT}
    assert account.has_role(Role.EXPERT) and not account.is_staff


def test_create_admin_then_grant_a_sector_editor(app, make_account):
    runner = app.test_cli_runner()
    email = unique_email("admin")
    result = runner.invoke(args=["accounts", "create-admin", email, "--name", "First Admin",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    admin = _account(app, email)
    assert admin.has_role(Role.ADMINISTRATOR) and admin.email_confirmed_at is not None
    assert admin.password_hash.startswith("$argon2id$")

    again = runner.invoke(args=["accounts", "create-admin", email, "--name", "X", "--password", PASSWORD])
    assert again.exit_code != 0 and "already has an account" in again.output
    weak = runner.invoke(args=["accounts", "create-admin", unique_email(), "--name", "X", "--password", "password"])
    assert weak.exit_code != 0 and "common" in weak.output

    editor = make_account()
    missing = runner.invoke(args=["accounts", "grant", editor.email, "sector_editor"])
    assert missing.exit_code != 0 and "--sector" in missing.output
    unknown = runner.invoke(args=["accounts", "grant", editor.email, "sector_editor", "--sector", "nowhere"])
    assert unknown.exit_code != 0
    granted = runner.invoke(args=["accounts", "grant", editor.email, "sector_editor",
                                  "--sector", "ict", "--sector", "labour"])
    assert granted.exit_code == 0, granted.output
    stored = _account(app, editor.email)
    assert stored.has_role(Role.SECTOR_EDITOR) and stored.edited_sectors == {"ict", "labour"}
    revoked = runner.invoke(args=["accounts", "revoke", editor.email, "sector_editor"])
    assert revoked.exit_code == 0
    assert not _account(app, editor.email).roles


def test_the_first_administrator_logs_in_with_the_cli_password(app):
    email = unique_email("admin")
    app.test_cli_runner().invoke(args=["accounts", "create-admin", email, "--name", "Admin", "--password", PASSWORD])
    client = app.test_client()
    response = log_in(client, email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/en/account/"
    page = client.get("/en/account/").get_data(as_text=True)
    assert email in page and "Administrator" in page and "Partners to review" in page


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_login_and_logout_in_each_language(app, make_account, lang):
    account = make_account(name="Leila Test")
    client = app.test_client()
    assert log_in(client, account.email.upper(), PASSWORD, lang).headers["Location"] == f"/{lang}/account/"
    assert "Leila Test" in client.get(f"/{lang}/account/").get_data(as_text=True)
    response = log_out(client, lang)
    assert response.status_code == 302 and response.headers["Location"] == f"/{lang}/"
    assert client.get(f"/{lang}/account/").status_code == 302


def test_logout_needs_post_and_its_token(app, make_account):
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    assert client.get("/en/account/logout").status_code == 405
    assert client.post("/en/account/logout").status_code == 302  # refused: back to the account page
    assert client.get("/en/account/").status_code == 200  # still logged in


def test_unknown_email_and_wrong_password_get_the_same_answer(app, make_account):
    account = make_account()
    answers = []
    for email, password in ((unique_email(), PASSWORD), (account.email, "not the right one")):
        response = log_in(app.test_client(), email, password)
        html = response.get_data(as_text=True)
        html = re.sub(r'value="[^"]*"', "", html)  # the token and the typed address differ
        answers.append((response.status_code, html))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and "The e-mail address or the password is not right" in answers[0][1]


def test_passwords_are_argon2id_and_rehashed_when_the_cost_changes(make_app, make_account):
    account = make_account()
    assert account.password_hash.startswith("$argon2id$")
    stronger = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=16 * 1024)
    assert log_in(stronger.test_client(), account.email, PASSWORD).status_code == 302
    rehashed = _account(stronger, account.email).password_hash
    assert rehashed != account.password_hash
    assert rehashed.startswith("$argon2id$v=19$m=16384,t=2,")
    assert log_in(stronger.test_client(), account.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short12", False),  # 7 characters
        ("eightch8", True),
        ("x" * 64, True),
        ("correct horse battery staple", True),  # no digits, no capitals: no composition rules
        ("ÉtéÀDakar", True),  # any letters, pasted or typed
        ("x" * 128, True),
        ("x" * 129, False),
        ("password123", False),  # among the most common passwords
        ("Sunshine1", False),  # common, whatever the case
    ],
)
def test_password_rules(app, make_account, password, accepted):
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    response = submit(client, "/en/account/password", {
        "current_password": PASSWORD, "password": password, "confirm": password,
    })
    assert (response.status_code == 302) is accepted, response.get_data(as_text=True)[:200]
    if not accepted:
        html = response.get_data(as_text=True)
        assert 'aria-describedby="password-hint password-error"' in html


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)",
     "http:/evil.example", "/\t/evil.example", " //evil.example", "\\\\evil.example"],
)
def test_next_accepts_local_paths_only(app, make_account, target):
    account = make_account()
    response = log_in(app.test_client(), account.email, PASSWORD, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/account/"


def test_next_leads_back_to_a_local_page(app, make_account):
    account = make_account()
    client = app.test_client()
    asked = client.get("/fr/account/password")
    assert asked.status_code == 302
    login_page = asked.headers["Location"]
    assert login_page == "/fr/account/login?next=/fr/account/password"
    html = client.get(login_page).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/fr/account/password"' in html
    response = log_in(client, account.email, PASSWORD, "fr", next="/fr/account/password")
    assert response.headers["Location"] == "/fr/account/password"


def test_login_starts_a_new_session(app, make_account):
    account = make_account()
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    log_in(client, account.email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{account.id}:")


def _cookies(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _with_cookies(app, cookies: dict[str, str]):
    copy = app.test_client()
    for name, value in cookies.items():
        copy.set_cookie(name, value)
    return copy


def test_a_cookie_copied_before_logout_does_not_work_after_it(app, make_account):
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, PASSWORD, remember="y")
    cookies = _cookies(client)
    assert {"session", "remember_token"} <= set(cookies)
    session_only = _with_cookies(app, {"session": cookies["session"]})
    remember_only = _with_cookies(app, {"remember_token": cookies["remember_token"]})
    assert session_only.get("/en/account/").status_code == 200
    assert remember_only.get("/en/account/").status_code == 200

    log_out(client)
    for copy in (_with_cookies(app, {"session": cookies["session"]}),
                 _with_cookies(app, {"remember_token": cookies["remember_token"]}),
                 session_only, remember_only):
        response = copy.get("/en/account/")
        assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]


def test_a_password_change_ends_every_other_session(app, make_account):
    account = make_account()
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here, account.email, PASSWORD)
    log_in(elsewhere, account.email, PASSWORD, remember="y")
    copied = _cookies(elsewhere)
    response = submit(here, "/en/account/password", {
        "current_password": PASSWORD, "password": "another long password", "confirm": "another long password",
    })
    assert response.status_code == 302
    assert here.get("/en/account/").status_code == 200  # this browser stays logged in
    assert elsewhere.get("/en/account/").status_code == 302
    assert _with_cookies(app, {"remember_token": copied["remember_token"]}).get("/en/account/").status_code == 302
    assert log_in(app.test_client(), account.email, PASSWORD).status_code == 200
    assert log_in(app.test_client(), account.email, "another long password").status_code == 302


def test_a_wrong_current_password_changes_nothing(app, make_account):
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    response = submit(client, "/en/account/password", {
        "current_password": "wrong one", "password": "another long password", "confirm": "another long password",
    })
    assert response.status_code == 200
    assert "This is not your current password." in response.get_data(as_text=True)
    assert _account(app, account.email).password_hash == account.password_hash


def test_password_reset_by_a_link_that_works_once(app, make_account, outbox):
    account = make_account(language="fr")
    response = submit(app.test_client(), "/en/account/reset", {"email": account.email})
    assert response.status_code == 302 and response.headers["Location"] == "/en/account/login"
    message = outbox.last(account.email)
    assert message["Content-Language"] == "fr"  # written in the account's language
    link = outbox.link(account.email)
    assert link.startswith("/fr/account/reset/")

    client = app.test_client()
    assert client.get(link).status_code == 200
    new = "a brand new passphrase"
    response = submit(client, link, {"password": new, "confirm": new})
    assert response.status_code == 302
    assert log_in(app.test_client(), account.email, new).status_code == 302
    assert log_in(app.test_client(), account.email, PASSWORD).status_code == 200

    again = app.test_client().get(link)
    assert again.status_code == 400 and '<html lang="fr"' in again.get_data(as_text=True)
    assert "/fr/account/reset" in again.get_data(as_text=True)  # a way to ask for a new link


def test_a_reset_link_expires(make_app, make_account, outbox):
    account = make_account()
    app = make_app(PASSWORD_RESET_MAX_AGE=-1)  # every link is already too old
    submit(app.test_client(), "/en/account/reset", {"email": account.email})
    response = app.test_client().get(outbox.link(account.email))
    assert response.status_code == 400 and "The link has expired" in response.get_data(as_text=True)


def test_a_changed_reset_link_is_refused(app, make_account, outbox):
    account = make_account()
    submit(app.test_client(), "/en/account/reset", {"email": account.email})
    link = outbox.link(account.email)
    response = app.test_client().get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert response.status_code == 400 and "The link is not valid" in response.get_data(as_text=True)


def test_a_reset_ends_every_session(app, make_account, outbox):
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    submit(app.test_client(), "/en/account/reset", {"email": account.email})
    submit(app.test_client(), outbox.link(account.email), {"password": "reset long password", "confirm": "reset long password"})
    assert client.get("/en/account/").status_code == 302


def test_reset_answers_the_same_for_known_and_unknown_addresses(app, make_account, outbox):
    account = make_account()
    unknown = unique_email()
    answers = []
    for email in (account.email, unknown):
        client = app.test_client()
        response = submit(client, "/en/account/reset", {"email": email})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"],
                        re.sub(r'value="[^"]*"', "", page).replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    assert outbox.messages(account.email) and not outbox.messages(unknown)


@pytest.mark.parametrize(
    ("setting", "url", "data"),
    [
        ("LOGIN_RATE_LIMIT", "/en/account/login", {"email": "someone@example.org", "password": "whatever"}),
        ("RESET_RATE_LIMIT", "/en/account/reset", {"email": "someone@example.org"}),
        ("REGISTER_RATE_LIMIT", "/en/partners/register", {"name": "X"}),
    ],
)
def test_login_registration_and_reset_are_rate_limited(make_app, setting, url, data):
    app = make_app(**{setting: "3 per minute"})
    client = app.test_client()
    statuses = [submit(client, url, data).status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    html = submit(client, url.replace("/en/", "/ar/"), data).get_data(as_text=True)
    assert 'dir="rtl"' in html  # the translated 429 page


def test_failed_logins_are_also_counted_per_email_and_source(make_app, make_account):
    # The rest of the rule (other sources, many sources) is in tests/test_login_lockout.py.
    account = make_account()
    app = make_app(LOGIN_FAILURES_PER_SOURCE="3 per minute")
    for _ in range(3):
        assert log_in(app.test_client(), account.email, "wrong password!").status_code == 200
    assert log_in(app.test_client(), account.email, PASSWORD).status_code == 429
    other = make_account()
    assert log_in(app.test_client(), other.email, PASSWORD).status_code == 302


def test_session_and_remember_cookies_are_httponly_and_lax(app, make_account):
    account = make_account()
    response = log_in(app.test_client(), account.email, PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_in_production(database_url, mail_folder, make_account):
    from oicvet import create_app

    account = make_account()
    app = create_app("production", SECRET_KEY="p" * 40, SQLALCHEMY_DATABASE_URI=database_url,
                     MAIL_FOLDER=str(mail_folder), RATELIMIT_STORAGE_URI="memory://",
                     PUBLIC_URL="https://localhost")
    response = log_in(app.test_client(), account.email, PASSWORD, remember="y")
    assert response.status_code == 302
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie


def test_account_pages_are_private_and_carry_the_security_headers(app, make_account):
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    response = client.get("/en/account/")
    assert "private" in response.headers["Cache-Control"]
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_an_unconfirmed_account_is_sent_the_link_again_at_login(app, make_account, outbox):
    account = make_account(confirmed=False)
    response = log_in(app.test_client(), account.email, PASSWORD)
    assert response.status_code == 200
    assert "Please confirm your e-mail address first" in response.get_data(as_text=True)
    assert outbox.link(account.email).startswith("/en/account/confirm/")


def test_opening_a_confirmation_link_changes_nothing_until_the_button(app, make_account, outbox):
    account = make_account(confirmed=False)
    log_in(app.test_client(), account.email, PASSWORD)
    link = outbox.link(account.email)
    client = app.test_client()
    assert client.get(link).status_code == 200
    assert _account(app, account.email).email_confirmed_at is None
    assert submit(client, link, {}).status_code == 302
    assert _account(app, account.email).email_confirmed_at is not None
    assert client.post(link).status_code == 400  # used


def test_deleting_an_account_needs_the_password(app, make_account):
    account = make_account(Role.EXPERT)
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    assert submit(client, "/en/account/delete", {"password": "wrong"}).status_code == 200
    assert _account(app, account.email) is not None
    response = submit(client, "/en/account/delete", {"password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/en/"
    assert _account(app, account.email) is None
    assert client.get("/en/account/").status_code == 302


def test_the_only_administrator_cannot_delete_their_account(make_app, make_account, monkeypatch):
    from oicvet.accounts import views

    account = make_account(Role.ADMINISTRATOR)
    app = make_app()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    monkeypatch.setattr(views, "_administrators", lambda: 1)
    response = submit(client, "/en/account/delete", {"password": PASSWORD})
    assert response.status_code == 200 and "only administrator" in response.get_data(as_text=True)
    assert _account(app, account.email) is not None


def test_rate_limits_live_in_redis_when_redis_url_is_set(make_app, monkeypatch):
    import subprocess
    import sys

    url = "redis://127.0.0.1:6379/15"
    chosen = subprocess.run(
        [sys.executable, "-c", "from config import Config; print(Config.RATELIMIT_STORAGE_URI)"],
        env={"REDIS_URL": url, "PATH": ""}, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert chosen == url
    unset = subprocess.run(
        [sys.executable, "-c", "from config import Config; print(Config.RATELIMIT_STORAGE_URI)"],
        env={"PATH": ""}, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert unset == "None"  # the app factory then picks the instance folder's shared file

    import redis

    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (the machines that run CI have one)")
    server.flushdb()
    try:
        app = make_app(RATELIMIT_STORAGE_URI=url, LOGIN_RATE_LIMIT="2 per minute")
        client = app.test_client()
        statuses = [log_in(client, "nobody@example.org", "whatever").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert server.keys("*login*")  # the counter is in Redis, shared by every worker
    finally:
        server.flushdb()
        make_app()  # the limiter is shared: give it back its in-memory storage


def test_behind_a_proxy_links_use_the_public_url_and_limits_the_visitor(make_app, make_account, outbox):
    account = make_account()
    app = make_app(PROXY_COUNT=1, RESET_RATE_LIMIT="1 per minute", PUBLIC_URL="https://oicvet.example.org",
                   ALLOWED_HOSTS=("localhost",))
    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "oicvet.example.org"}
    first = submit(client, "/en/account/reset", {"email": account.email},
                   headers={**forwarded, "X-Forwarded-For": "203.0.113.7"})
    assert first.status_code == 302
    assert "https://oicvet.example.org/en/account/reset/" in outbox.body(outbox.last(account.email))
    # A forwarded host that is not the site's is refused, as a Host header would be.
    spoofed = submit(client, "/en/account/reset", {"email": account.email},
                     headers={**forwarded, "X-Forwarded-Host": "evil.example", "X-Forwarded-For": "192.0.2.1"})
    assert spoofed.status_code == 400
    # The limit counts each visitor, not the proxy that all requests come through.
    again = submit(client, "/en/account/reset", {"email": account.email},
                   headers={**forwarded, "X-Forwarded-For": "203.0.113.7"})
    other = submit(client, "/en/account/reset", {"email": account.email},
                   headers={**forwarded, "X-Forwarded-For": "198.51.100.9"})
    assert (again.status_code, other.status_code) == (429, 302)
