"""What an attacker tries with headers, numbers, text and timing, and what the site answers.

The Host header, a forwarded host, huge or foreign-script numbers in URLs,
control characters in forms, two registrations of one address at once, a
body sent without a length, a cookie left behind after logout, and a cached
page that sets a cookie.
"""

from __future__ import annotations

import io
import re

import pytest

from oicvet.accounts.models import Account
from oicvet.partners.models import Partner, Status
from tests.conftest import (
    PASSWORD,
    csrf_token,
    log_in,
    log_out,
    partner_fields,
    queries,
    submit,
    unique_email,
)
from tests.test_seo import read_sitemap

EVIL = "evil.example"


def _registration(email: str, **overrides) -> dict:
    return {**partner_fields(**overrides), "email": email, "password": PASSWORD, "confirm": PASSWORD,
            "consent": "y"}


@pytest.fixture
def public_app(make_app):
    """The site as configured for its public address (the test client's host stays allowed)."""
    return make_app(PUBLIC_URL="https://oicvet.example.org", ALLOWED_HOSTS=("localhost",))


# --- The Host header ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/en/", "/en/account/reset", "/sitemap.xml", "/robots.txt", "/ar/nowhere/"])
def test_a_request_for_another_host_is_refused_with_the_translated_400(client, path):
    response = client.get(path, headers={"Host": EVIL})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert EVIL not in html
    if path.startswith("/ar/"):
        assert 'dir="rtl"' in html
    assert "<h1" in html and "site-menu" in html  # the site's own layout, not a bare error


def test_a_reset_asked_for_with_a_forged_host_mails_nothing_and_links_stay_on_the_public_url(
        public_app, make_account, outbox):
    account = make_account()
    client = public_app.test_client()
    forged = submit(client, "/en/account/reset", {"email": account.email}, headers={"Host": EVIL})
    assert forged.status_code == 400 and outbox.messages(account.email) == []

    submit(client, "/en/account/reset", {"email": account.email})
    body = outbox.body(outbox.last(account.email))
    assert re.search(r"https://oicvet\.example\.org/en/account/reset/\S+", body)
    assert "localhost" not in body


def test_every_e_mail_link_starts_with_the_public_url(public_app, make_account, outbox):
    """Confirmation, "already registered", the confirmation sent again at login, "partner waits"."""
    from oicvet.accounts.models import Role

    admin = make_account(Role.ADMINISTRATOR)
    client = public_app.test_client()
    email = unique_email()
    submit(client, "/en/partners/register", _registration(email))
    submit(public_app.test_client(), "/en/partners/register", _registration(email))  # again: known address
    log_in(public_app.test_client(), email, PASSWORD)  # unconfirmed: the link is sent again
    mails = outbox.messages(email)
    assert len(mails) == 3
    confirm = outbox.link(email)
    submit(public_app.test_client(), confirm, {})
    mails.append(outbox.last(admin.email))  # a partner waits for approval
    for message in mails:
        links = re.findall(r"https?://\S+", outbox.body(message))
        assert links and all(link.startswith("https://oicvet.example.org/") for link in links), links


def test_sitemap_robots_and_page_links_use_the_public_url(public_app):
    client = public_app.test_client()
    headers = {"Host": "localhost"}
    entries = read_sitemap(client.get("/sitemap.xml", headers=headers).data)
    urls = set(entries) | {url for alternates in entries.values() for url in alternates.values()}
    assert urls and all(url.startswith("https://oicvet.example.org/") for url in urls)
    robots = client.get("/robots.txt", headers=headers).get_data(as_text=True)
    assert "Sitemap: https://oicvet.example.org/sitemap.xml" in robots
    html = client.get("/fr/archive/?year=2011", headers=headers).get_data(as_text=True)
    assert '<link rel="canonical" href="https://oicvet.example.org/fr/archive/?year=2011">' in html
    alternates = re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html)
    assert {code for code, _url in alternates} == {"en", "ar", "fr", "x-default"}
    assert all(url.startswith("https://oicvet.example.org/") for _code, url in alternates)
    home = client.get("/en/", headers=headers).get_data(as_text=True)
    assert 'hreflang="x-default" href="https://oicvet.example.org/"' in home


def test_production_refuses_to_start_without_a_public_url(monkeypatch):
    from config import ProductionConfig
    from oicvet import create_app

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 48)
    monkeypatch.setattr(ProductionConfig, "PUBLIC_URL", "")
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    monkeypatch.setattr(ProductionConfig, "PUBLIC_URL", "oicvet.example.org")
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    monkeypatch.setattr(ProductionConfig, "PUBLIC_URL", "https://oicvet.example.org")
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["TRUSTED_HOSTS"] == ["oicvet.example.org"]


# --- E-mails to addresses nobody has confirmed --------------------------------------------------


def test_text_typed_at_registration_never_reaches_an_unconfirmed_address(app, make_account, outbox):
    lure = "your account is locked, re-verify at https://evil.example/login"
    victim = unique_email("victim")
    client = app.test_client()
    submit(client, "/en/partners/register",
           _registration(victim, contact_name=lure[:120], name="Security Desk: " + lure[:150]))
    log_in(app.test_client(), victim, PASSWORD)  # the confirmation, sent again
    submit(app.test_client(), "/en/account/reset", {"email": victim})
    submit(app.test_client(), "/en/partners/register", _registration(victim, contact_name="Another " + lure[:100]))
    mails = outbox.messages(victim)
    assert len(mails) == 4
    for message in mails:
        text = message["Subject"] + "\n" + outbox.body(message)
        assert "evil.example" not in text and "locked" not in text and "Security Desk" not in text
        assert "Hello," in text


def test_a_confirmed_owner_is_greeted_by_name(app, make_account, outbox):
    account = make_account(name="Aminata Diallo")
    submit(app.test_client(), "/en/account/reset", {"email": account.email})
    assert "Hello Aminata Diallo," in outbox.body(outbox.last(account.email))


# --- Numbers in URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/en/archive/?page=99999999999999999999",
    "/en/archive/?page=2147483648",
    "/en/archive/?page=%D9%A3",
    "/en/archive/?page=-1",
    "/en/partners/?page=99999999999999999999",
    "/en/partners/9223372036854775808/",
    "/en/partners/2147483648/",
    "/en/partners/%D9%A3/",
    "/en/partners/007/",
    "/en/events/99999999999999999999/",
    "/en/events/2147483648/",
    "/en/events/%D9%A1/",
    "/en/programmes/e-government-working-group/?year=99999999999999999999",
    "/en/programmes/e-government-working-group/?year=%D9%A2%D9%A0%D9%A1%D9%A1",
    "/en/admin/partners/9223372036854775808/",
])
def test_out_of_range_and_foreign_digit_numbers_are_a_translated_404(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    assert "Page not found" in response.get_data(as_text=True)


def test_ids_in_range_still_work(app, make_partner, client):
    partner = make_partner(Status.APPROVED)
    assert client.get(f"/en/partners/{partner.id}/").status_code == 200
    assert client.get("/en/archive/?page=1").status_code == 200
    assert client.get("/en/programmes/e-government-working-group/?year=2011").status_code == 200


# --- Text in forms ---------------------------------------------------------------------------------


def test_control_characters_are_dropped_from_every_text_field(app, make_partner):
    from oicvet.extensions import db

    email = unique_email()
    fields = {name: value + "\x00\x07" for name, value in partner_fields().items() if isinstance(value, str)}
    fields["description"] = "Line one\x00\r\nLine\x0b two\ttabbed"
    fields["organisation_type"] = "tvet"
    fields["country"] = "SN"
    fields["website"] = "https://dvi.example.org"
    fields["phone"] = "+221 33 000 00 00"
    response = submit(app.test_client(), "/en/partners/register", _registration(email, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        partner = db.session.execute(
            db.select(Partner).join(Account).where(Account.email == email)
        ).scalar_one()
        assert partner.name == "Demo Vocational Institute"
        assert partner.contact_name == "Demo Contact"
        assert partner.description == "Line one\r\nLine two\ttabbed"  # line breaks and tabs stay


def test_two_registrations_of_one_new_address_at_once_get_the_same_answer(app, outbox, monkeypatch):
    """The second insert meets the unique address of the first: it is answered as a known address."""
    import oicvet.profiles.registration as views

    email = unique_email()
    first = submit(app.test_client(), "/en/partners/register", _registration(email))
    # Both requests looked the address up before either had committed it.
    real = views.find_account
    calls: list[str] = []

    def raced(address: str) -> Account | None:
        calls.append(address)
        return None if len(calls) == 1 else real(address)

    monkeypatch.setattr(views, "find_account", raced)
    second = submit(app.test_client(), "/en/partners/register", _registration(email, name="Second"))
    assert second.status_code == first.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    subjects = [message["Subject"] for message in outbox.messages(email)]
    assert subjects == ["Confirm your e-mail address for OIC-VET", "Your address is already registered with OIC-VET"]
    assert len(calls) == 2  # looked up once before the insert, once after it failed


# --- Bodies without a length ----------------------------------------------------------------------


def test_a_chunked_body_over_the_limit_is_refused_whole(make_app):
    app = make_app(MAX_CONTENT_LENGTH=4096)
    client = app.test_client()
    token = csrf_token(client.get("/en/contact/").get_data(as_text=True))

    def post(message: str):
        body = f"csrf_token={token}&name=A&email=a%40example.org&subject=Hello&message={message}".encode()
        return client.post("/en/contact/", input_stream=io.BytesIO(body),
                           content_type="application/x-www-form-urlencoded",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})

    too_large = post("x" * 5000)
    assert too_large.status_code == 413
    assert "Request too large" in too_large.get_data(as_text=True)
    fits = post("A message of a sensible length.")
    assert fits.status_code == 302  # read whole, token and all, and accepted


# --- Cookies ------------------------------------------------------------------------------------


def test_logout_deletes_the_remember_cookie(app, make_account):
    account = make_account()
    client = app.test_client()
    log_in(client, account.email, PASSWORD, remember="y")
    assert client.get_cookie("remember_token") is not None
    response = log_out(client)
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert client.get_cookie("remember_token") is None


def test_a_response_that_sets_a_cookie_is_never_public(app):
    first_visit = app.test_client().get("/en/")
    assert "lang=en" in first_visit.headers.get("Set-Cookie", "")
    assert "public" not in first_visit.headers["Cache-Control"]
    assert "ETag" not in first_visit.headers

    returning = app.test_client()
    returning.set_cookie("lang", "en")
    again = returning.get("/en/")
    assert "Set-Cookie" not in again.headers
    assert again.headers["Cache-Control"].startswith("public") and again.headers["ETag"]


# --- The time a reset takes -------------------------------------------------------------------


def test_a_reset_does_the_same_work_for_known_and_unknown_addresses(make_app, make_account, outbox, monkeypatch):
    """The same queries and the same message written; only a known address's message is sent.

    Mail leaves after the answer (see tests/test_mail_queue.py), so what remains in the
    answer's time is this work, which must not depend on whether the address has an account.
    """
    import oicvet.mail as mail
    app = make_app(WTF_CSRF_ENABLED=False)
    account = make_account()
    written: list[str] = []
    real_compose = mail.compose
    monkeypatch.setattr(mail, "compose", lambda to, *args, **kw: written.append(to) or real_compose(to, *args, **kw))

    def work(email: str) -> list[str]:
        with queries(app) as statements:
            response = app.test_client().post("/en/account/reset", data={"email": email})
        assert response.status_code == 302
        return statements

    unknown = unique_email("nobody")
    assert work(account.email) == work(unknown)
    assert written == [account.email, unknown]
    assert len(outbox.messages(account.email)) == 1 and outbox.messages(unknown) == []
