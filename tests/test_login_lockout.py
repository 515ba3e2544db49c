"""Failed logins: no stranger can lock an owner out, and guessing from many places meets a link by e-mail.

Failures are counted per (e-mail address, visitor's address): past its limit,
that pair alone gets a 429. They are also counted per e-mail address from
anywhere: past that limit, a password alone no longer logs in, and the owner
who types the right one is e-mailed a one-time link instead.
"""

from __future__ import annotations

import re

from config import Config
from oicvet.accounts.models import Account
from tests.conftest import PASSWORD, submit, unique_email

LOGIN = "/en/account/login"
ATTACKER = "203.0.113.5"
OWNER = "198.51.100.20"
#: Small limits: two failures per pair, six per address before a link is needed.
SMALL_LIMITS = {"LOGIN_FAILURES_PER_SOURCE": "2 per hour", "LOGIN_FAILURES_BEFORE_LINK": "6 per hour"}


def attempt(client, email: str, password: str, source: str):
    """A login from the visitor's address ``source``."""
    return submit(client, LOGIN, {"email": email, "password": password},
                  environ_overrides={"REMOTE_ADDR": source})


def guess_from_many_places(app, email: str, places: int = 3, each: int = 2) -> None:
    """Wrong passwords for ``email``, ``each`` from each of ``places`` addresses: none is refused."""
    for place in range(places):
        for _ in range(each):
            response = attempt(app.test_client(), email, "a wrong guess", f"192.0.2.{place + 1}")
            assert response.status_code == 200


def logged_in(client) -> bool:
    return client.get("/en/account/").status_code == 200


def answer(response, email: str) -> tuple:
    """What a visitor can see of a login answer, without the CSRF token and the typed address."""
    html = re.sub(r'value="[^"]*"', "", response.get_data(as_text=True)).replace(email, "EMAIL")
    headers = tuple(response.headers.get(name) for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining"))
    return response.status_code, headers, html


def test_wrong_passwords_from_one_place_never_lock_the_owner_out(make_app, make_account):
    # The limits as shipped, not the suite's generous ones. Counted per address
    # alone, these 27 failures used to answer the owner's right password with a 429.
    app = make_app(**{key: getattr(Config, key) for key in dir(Config) if key.startswith("LOGIN_")})
    account = make_account()
    attacker = app.test_client()
    statuses = [attempt(attacker, account.email, f"guess number {n}", ATTACKER).status_code for n in range(27)]
    assert set(statuses) == {200, 429}  # the attacker is stopped...
    owner = app.test_client()
    response = attempt(owner, account.email, PASSWORD, OWNER)
    assert response.status_code == 302  # ...and the owner logs in from elsewhere
    assert logged_in(owner)


def test_past_its_limit_the_guessing_pair_alone_is_refused(make_app, make_account):
    app = make_app(LOGIN_FAILURES_PER_SOURCE="3 per hour", LOGIN_FAILURES_BEFORE_LINK="100 per hour")
    account, other = make_account(), make_account()
    client = app.test_client()
    for _ in range(3):
        assert attempt(client, account.email, "a wrong guess", ATTACKER).status_code == 200
    assert attempt(client, account.email, PASSWORD, ATTACKER).status_code == 429  # even the right password
    # The same address typed differently is the same pair.
    assert attempt(client, f"  {account.email.upper()} ", PASSWORD, ATTACKER).status_code == 429
    # Another address from the same place, and the same address from elsewhere, are not refused.
    assert attempt(app.test_client(), other.email, PASSWORD, ATTACKER).status_code == 302
    assert attempt(app.test_client(), account.email, PASSWORD, OWNER).status_code == 302


def test_guessing_from_many_places_needs_a_link_that_logs_the_owner_in_once(make_app, make_account, outbox):
    app = make_app(**SMALL_LIMITS)
    account = make_account()
    unknown = unique_email()
    guess_from_many_places(app, account.email)
    guess_from_many_places(app, unknown)
    assert outbox.messages() == []

    # One answer, whatever was typed; no one is logged in and no one is refused.
    answers = {}
    for name, email, password, source in (
        ("right", account.email, PASSWORD, OWNER),
        ("wrong", account.email, "yet another wrong guess", "192.0.2.101"),
        ("unknown", unknown, PASSWORD, "192.0.2.102"),
    ):
        client = app.test_client()
        response = attempt(client, email, password, source)
        assert not logged_in(client), name
        answers[name] = answer(response, email)
    assert answers["right"] == answers["wrong"] == answers["unknown"]
    assert answers["right"][0] == 200
    assert "a password alone is not enough" in answers["right"][2]

    # The owner tries again: still no second e-mail to fill the inbox.
    assert attempt(app.test_client(), account.email, PASSWORD, OWNER).status_code == 200
    messages = outbox.messages(account.email)
    assert len(messages) == 1 and outbox.messages(unknown) == []
    assert messages[0]["Subject"] == "Your link to log in to OIC-VET"
    assert "Hello Test Person," in outbox.body(messages[0])
    assert "/en/account/reset" in outbox.body(messages[0])  # in case it was not the owner
    link = outbox.link(account.email)
    assert link.startswith("/en/account/login/")

    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 200 and "<button" in page.get_data(as_text=True)
    assert account.email in page.get_data(as_text=True)
    assert not logged_in(client)
    response = submit(client, link, {})
    assert response.status_code == 302 and response.headers["Location"] == "/en/account/"
    assert logged_in(client)

    # Used once, the link is spent.
    again = app.test_client()
    refused = again.get(link)
    assert refused.status_code == 400 and "The link is not valid" in refused.get_data(as_text=True)
    assert "Log in again with your e-mail address and password" in refused.get_data(as_text=True)
    assert again.post(link).status_code == 400
    assert not logged_in(again)


def test_opening_a_login_link_logs_nobody_in(make_app, make_account, outbox):
    app = make_app(**SMALL_LIMITS)
    account = make_account()
    guess_from_many_places(app, account.email)
    attempt(app.test_client(), account.email, PASSWORD, OWNER)
    link = outbox.link(account.email)

    client = app.test_client()
    for _ in range(2):  # a mail scanner, then its second look
        assert client.get(link).status_code == 200
    assert not logged_in(client)
    # A post without the form's CSRF token does not log in either.
    assert client.post(link, data={}).status_code == 200
    assert not logged_in(client)
    # The link still works for its owner.
    assert submit(app.test_client(), link, {}).status_code == 302


def test_an_expired_login_link_is_refused(make_app, make_account, outbox):
    app = make_app(LOGIN_LINK_MAX_AGE=-1, **SMALL_LIMITS)  # every link is already too old
    account = make_account()
    guess_from_many_places(app, account.email)
    attempt(app.test_client(), account.email, PASSWORD, OWNER)
    link = outbox.link(account.email)

    client = app.test_client()
    response = client.get(link)
    assert response.status_code == 400 and "The link has expired" in response.get_data(as_text=True)
    assert client.post(link).status_code == 400
    assert not logged_in(client)


def test_no_link_goes_to_an_address_that_is_not_confirmed(make_app, make_account, outbox):
    app = make_app(**SMALL_LIMITS)
    account = make_account(confirmed=False)
    guess_from_many_places(app, account.email)
    response = attempt(app.test_client(), account.email, PASSWORD, OWNER)
    assert response.status_code == 200 and "a password alone is not enough" in response.get_data(as_text=True)
    assert outbox.messages(account.email) == []


def test_a_login_link_ends_with_a_new_password(make_app, make_account, outbox):
    from oicvet.accounts.passwords import hash_password
    from oicvet.extensions import db

    app = make_app(**SMALL_LIMITS)
    account = make_account()
    guess_from_many_places(app, account.email)
    attempt(app.test_client(), account.email, PASSWORD, OWNER)
    link = outbox.link(account.email)
    with app.app_context():
        stored = db.session.get(Account, account.id)
        stored.password_hash = hash_password("a new and different password")
        stored.end_sessions()
        db.session.commit()
    assert app.test_client().get(link).status_code == 400
