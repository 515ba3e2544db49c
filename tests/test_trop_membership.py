"""Become a Member of TROP: applying, confirming, staff's approval or rejection, and the institution's profile."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import func, select

from oicvet.accounts.models import Account, Role
from oicvet.extensions import db
from oicvet.partners.models import Status as PartnerStatus
from oicvet.profiles.status import Status
from oicvet.trop.models import TropInstitution
from tests.conftest import PASSWORD, log_in, submit, unique_email
from tests.panel_helpers import create_account, logged_in
from tests.trop_helpers import create_institution, unique

APPLY = "/{lang}/trop/apply"
PROFILE = "/en/trop/manage/profile"


def _profile(**overrides) -> dict:
    """A complete, valid institution profile, as the form sends it."""
    fields = {
        "name": unique("Applying Training Institute"),
        "acronym": "ATI",
        "institution_type": "public_tvet",
        "country": "SN",
        "city": "Dakar",
        "address": "",
        "website": "https://ati.example.org",
        "phone": "+221 33 000 11 22",
        "public_email": "enquiries@ati.example.org",
        "contact_name": "Awa Ndiaye",
        "contact_position": "Director of training",
        "fields": ["labour", "ict"],
        "description": "Vocational courses for technicians and trainers.",
        "consent": "y",
    }
    fields.update(overrides)
    return fields


def _application(email: str, **overrides) -> dict:
    return {**_profile(**overrides), "email": email, "password": PASSWORD, "confirm": PASSWORD}


def _institution(app, email: str) -> TropInstitution | None:
    with app.app_context():
        found = db.session.execute(
            select(TropInstitution).join(Account, TropInstitution.account_id == Account.id)
            .where(Account.email == email.lower())
        ).scalar_one_or_none()
        if found is not None:
            _ = found.account.roles, found.field_rows
            db.session.expunge_all()
        return found


def _institutions_of(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(TropInstitution).join(Account, TropInstitution.account_id == Account.id)
            .where(Account.email == email.lower())
        )


def _accounts_with(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Account).where(Account.email == email.lower()))


def _staff(app, language: str = "en"):
    admin = create_account(app, Role.ADMINISTRATOR, language=language)
    client, _token = logged_in(app, admin)
    return admin, client


def _flashes(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(("lang", "senegal"), [("en", "Senegal"), ("ar", "السنغال"), ("fr", "Sénégal")])
def test_the_apply_page_explains_trop_and_asks_for_the_profile_and_a_login(client, lang, senegal):
    response = client.get(APPLY.format(lang=lang))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    if lang == "en":
        assert "Become a Member of TROP" in html and "training institutions of OIC member countries" in html
        assert "SESRIC" in html
    country = re.search(r'<select[^>]*name="country".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([A-Z]{2})"', country)
    assert len(options) == 57 and "FR" not in options and f">{senegal}</option>" in country
    for name in ("name", "acronym", "institution_type", "city", "address", "website", "phone", "public_email",
                 "contact_name", "contact_position", "description", "email", "password", "confirm", "consent"):
        assert f'name="{name}"' in html, name
    assert html.count('name="fields"') == 6  # one box per loaded sector plugin


def test_applying_confirming_and_approval_make_a_trop_member(app, outbox):
    admin, staff = _staff(app, "ar")
    email = unique_email("trop-apply")
    values = _application(email)
    name = values["name"]
    visitor = app.test_client()
    response = submit(visitor, APPLY.format(lang="fr"), values)
    assert response.status_code == 302 and response.headers["Location"] == "/fr/trop/apply/sent"
    assert "Check your e-mail" in app.test_client().get("/en/trop/apply/sent").get_data(as_text=True)

    institution = _institution(app, email)
    assert institution.status == Status.UNCONFIRMED and institution.account.language == "fr"
    assert institution.fields == ["ict", "labour"] and institution.public_email == "enquiries@ati.example.org"
    assert Role.TROP_MEMBER not in institution.account.roles  # a member once approved, not before
    assert institution.account.name == "Awa Ndiaye"
    # Not yet in the queue of what waits for approval.
    assert name not in staff.get("/en/admin/institutions/").get_data(as_text=True)

    link = outbox.link(email)
    assert link.startswith("/fr/account/confirm/")
    button_page = visitor.get(link).get_data(as_text=True)
    assert 'type="submit"' in button_page
    assert submit(visitor, link, {}).status_code == 302
    assert _institution(app, email).status == Status.PENDING
    waiting = outbox.last(admin.email)  # administrators are told, in their own language
    assert waiting["Content-Language"] == "ar" and name in waiting["Subject"]
    assert outbox.link(admin.email) == f"/ar/admin/institutions/{institution.id}/"

    queue = staff.get("/en/admin/institutions/").get_data(as_text=True)
    assert name in queue and "Senegal" in queue and "Public TVET institution" in queue
    review = f"/en/admin/institutions/{institution.id}/"
    page = staff.get(review).get_data(as_text=True)
    assert email in page and "+221 33 000 11 22" in page and "Information, Communication" in page
    assert submit(staff, review, {"decision": "approve"}).status_code == 302

    approved = _institution(app, email)
    assert approved.status == Status.APPROVED and Role.TROP_MEMBER in approved.account.roles
    mail = outbox.last(email)
    assert mail["Content-Language"] == "fr" and name in outbox.body(mail)
    assert f"/fr/trop/institutions/{institution.id}/" in outbox.body(mail)
    assert "/fr/trop/manage/" in outbox.body(mail)
    assert name in app.test_client().get("/en/trop/institutions/", query_string={
        "q": name.split()[-1]}).get_data(as_text=True)


def test_a_known_address_gets_the_same_answer_and_its_owner_is_told(app, outbox):
    known = create_account(app)
    answers = []
    for email in (known.email, unique_email("trop-new")):
        response = submit(app.test_client(), APPLY.format(lang="en"), _application(email))
        answers.append((response.status_code, response.headers.get("Location")))
    assert answers[0] == answers[1] == (302, "/en/trop/apply/sent")
    assert "already" in outbox.last(known.email)["Subject"]
    assert _institution(app, known.email) is None and _accounts_with(app, known.email) == 1


def test_rejection_needs_a_reason_tells_the_owner_and_takes_the_role_back(app, outbox):
    account, institution = create_institution(app, Status.APPROVED, language="fr")
    assert Role.TROP_MEMBER in _institution(app, account.email).account.roles
    admin, staff = _staff(app)
    review = f"/en/admin/institutions/{institution.id}/"
    empty = submit(staff, review, {"decision": "reject", "reason": "  "})
    assert empty.status_code == 200 and "Please give the reason: the institution will be told." in empty.get_data(
        as_text=True)
    assert _institution(app, account.email).status == Status.APPROVED

    reason = "The website given is not your institution's; please give your own."
    assert submit(staff, review, {"decision": "reject", "reason": reason}).status_code == 302
    rejected = _institution(app, account.email)
    assert rejected.status == Status.REJECTED and Role.TROP_MEMBER not in rejected.account.roles
    mail = outbox.last(account.email)
    assert mail["Content-Language"] == "fr" and reason in outbox.body(mail)
    assert "/fr/trop/manage/" in outbox.body(mail)
    # Off the directory, and its page is gone for visitors.
    visitor = app.test_client()
    assert visitor.get(f"/en/trop/institutions/{institution.id}/").status_code == 404

    own, _token = logged_in(app, account)
    page = htmllib.unescape(own.get(PROFILE).get_data(as_text=True))
    assert reason in page and "Not approved" in page
    # Corrected and saved, it goes back to staff.
    assert submit(own, PROFILE, _profile(name=institution.name, website="https://fixed.example.org")
                  ).status_code == 302
    assert _institution(app, account.email).status == Status.PENDING
    assert f"/en/admin/institutions/{institution.id}/" in outbox.body(outbox.last(admin.email))


def test_a_partner_applies_with_its_account_and_keeps_its_partner_role(app, make_partner, outbox):
    partner = make_partner(PartnerStatus.APPROVED)
    admin, staff = _staff(app)
    client = app.test_client()
    assert log_in(client, partner.email, PASSWORD).status_code == 302
    with app.app_context():
        accounts_before = db.session.scalar(select(func.count()).select_from(Account))

    form = client.get(APPLY.format(lang="en")).get_data(as_text=True)
    assert "You apply with your account" in form and partner.email in form
    assert 'name="password"' not in form and 'name="email"' not in form
    values = _profile()
    response = submit(client, APPLY.format(lang="en"), values)
    assert response.status_code == 302 and response.headers["Location"] == "/en/trop/manage/"
    page = _flashes(client.get(PROFILE).get_data(as_text=True))
    assert "waits for approval by the OIC-VET team" in page

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Account)) == accounts_before
    institution = _institution(app, partner.email)
    # Its address is confirmed already: the application waits for staff at once, who are told.
    assert institution.status == Status.PENDING and institution.name == values["name"]
    assert institution.account.roles == {Role.PARTNER}
    assert values["name"] in outbox.last(admin.email)["Subject"]

    # A second application makes no second institution.
    again = client.get(APPLY.format(lang="en"))
    assert again.status_code == 302 and again.headers["Location"] == "/en/trop/manage/"
    assert "applied to TROP already" in _flashes(client.get(PROFILE).get_data(as_text=True))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(PROFILE).get_data(
        as_text=True)).group(1)
    second = client.post(APPLY.format(lang="en"), data={"csrf_token": token, **_profile()})
    assert second.status_code == 302 and _institutions_of(app, partner.email) == 1

    assert submit(staff, f"/en/admin/institutions/{institution.id}/", {"decision": "approve"}).status_code == 302
    approved = _institution(app, partner.email)
    assert approved.status == Status.APPROVED and approved.account.roles == {Role.PARTNER, Role.TROP_MEMBER}
    assert _accounts_with(app, partner.email) == 1


def test_an_account_with_an_institution_is_sent_to_its_management_panel(app):
    account, _institution_ = create_institution(app, Status.PENDING)
    client, _token = logged_in(app, account)
    response = client.get(APPLY.format(lang="fr"))
    assert response.status_code == 302 and response.headers["Location"] == "/fr/trop/manage/"


def test_bad_input_comes_back_with_translated_errors_and_nothing_lost(app):
    email = unique_email("trop-bad")
    data = _application(email, name="  Institut   de formation  ", country="FR", institution_type="bank",
                        fields=["labour", "astrology"], website="not a site", city="", description="x" * 2001,
                        contact_name="")
    data["confirm"] = "something else"
    response = submit(app.test_client(), APPLY.format(lang="fr"), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Institut de formation"' in html  # kept, tidied
    assert "x" * 2001 in html and f'value="{email}"' in html and 'value="+221 33 000 11 22"' in html
    assert "Veuillez choisir votre pays." in html and "Veuillez saisir votre ville." in html
    assert "Veuillez saisir une adresse web" in html and "Les deux mots de passe ne sont pas identiques." in html
    assert "Veuillez saisir le nom de la personne à contacter." in html
    for field in ("country", "institution_type", "fields", "website", "city", "description", "contact_name",
                  "confirm"):
        assert f'id="{field}-error"' in html, field
    assert 'aria-invalid="true"' in html
    assert _institution(app, email) is None and _accounts_with(app, email) == 0

    # A logged-in account's form answers the same way, in English here, and keeps its input.
    account = create_account(app)
    client, _token = logged_in(app, account)
    response = submit(client, APPLY.format(lang="en"), _profile(country="XX", fields=[], consent=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please choose your country." in html and "Please choose at least one field of training." in html
    assert "Please agree, so that your institution can be listed." in html
    assert 'value="Awa Ndiaye"' in html
    assert _institution(app, account.email) is None


def test_an_expired_form_keeps_what_was_typed(app):
    email = unique_email("trop-expired")
    response = app.test_client().post(APPLY.format(lang="en"), data=_application(email, city="Kept City"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "This form had expired" in html and 'value="Kept City"' in html
    assert _institution(app, email) is None


def test_applications_are_rate_limited(make_app):
    app = make_app(REGISTER_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [submit(client, "/en/trop/apply", _application(unique_email("trop-limit"))).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]


def test_the_profile_page_is_the_owners_alone(app):
    assert app.test_client().get(PROFILE).status_code == 302  # to the login page
    for account in (create_account(app), create_account(app, Role.ADMINISTRATOR)):
        client, token = logged_in(app, account)
        assert client.get(PROFILE).status_code == 404
        assert client.post(PROFILE, data={"csrf_token": token, **_profile()}).status_code == 404


def test_an_approved_institution_edits_and_the_changes_wait_for_staff(app, outbox):
    account, institution = create_institution(app, Status.APPROVED)
    admin, staff = _staff(app)
    own, _token = logged_in(app, account)
    page = own.get(PROFILE).get_data(as_text=True)
    assert "Approved" in page and f'value="{institution.name}"' in page
    assert f'href="/en/trop/institutions/{institution.id}/"' in page and 'href="/en/trop/manage/"' in page

    renamed = unique("Renamed Training Institute")
    response = submit(own, PROFILE, _profile(name=renamed, institution_type="public_tvet", fields=["labour"]))
    assert response.status_code == 302 and response.headers["Location"] == PROFILE
    page = own.get(PROFILE).get_data(as_text=True)
    assert "Your changes wait for approval" in page and f'value="{renamed}"' in page
    assert "Changed: Name of the institution" in _flashes(page)
    # The public page shows the approved version meanwhile; staff are told, and find it in the queue.
    public = app.test_client().get(f"/en/trop/institutions/{institution.id}/").get_data(as_text=True)
    assert institution.name in public and renamed not in public
    assert institution.name in outbox.last(admin.email)["Subject"]
    assert institution.name in staff.get("/en/admin/institutions/?status=changes").get_data(as_text=True)


def test_a_pending_institution_edits_in_place(app):
    account, institution = create_institution(app, Status.PENDING)
    own, _token = logged_in(app, account)
    page = own.get(PROFILE).get_data(as_text=True)
    assert "Waiting for approval" in page
    renamed = unique("Corrected Training Institute")
    assert submit(own, PROFILE, _profile(name=renamed)).status_code == 302
    saved = _institution(app, account.email)
    assert saved.name == renamed and saved.status == Status.PENDING


def test_posts_without_their_token_change_nothing(app, outbox):
    """The application, the profile and the staff's decision each refuse a post without its CSRF token."""
    email = unique_email("trop-csrf")
    response = app.test_client().post(APPLY.format(lang="en"), data=_application(email))
    assert response.status_code == 200 and "This form had expired" in response.get_data(as_text=True)
    assert _accounts_with(app, email) == 0

    account, institution = create_institution(app, Status.PENDING)
    own, _token = logged_in(app, account)
    response = own.post(PROFILE, data=_profile(name="Changed without a token"))
    assert response.status_code == 200 and "This form had expired" in response.get_data(as_text=True)
    partner = create_account(app, Role.PARTNER)
    applicant, _token = logged_in(app, partner)
    assert applicant.post(APPLY.format(lang="en"), data=_profile()).status_code == 200
    assert _institution(app, partner.email) is None

    _admin, staff = _staff(app)
    assert staff.post(f"/en/admin/institutions/{institution.id}/", data={"decision": "approve"}).status_code == 200
    unchanged = _institution(app, account.email)
    assert unchanged.status == Status.PENDING and unchanged.name == institution.name
    assert outbox.messages(account.email) == []


def test_an_account_whose_address_is_unconfirmed_is_asked_to_confirm_it(app, outbox):
    account = create_account(app, Role.PARTNER)
    client, _token = logged_in(app, account)
    with app.app_context():  # its address changed since it logged in, say
        db.session.get(Account, account.id).email_confirmed_at = None
        db.session.commit()
    response = submit(client, APPLY.format(lang="en"), _profile())
    assert response.status_code == 302 and response.headers["Location"] == "/en/trop/manage/"
    page = _flashes(client.get(PROFILE).get_data(as_text=True))
    assert "Your application is saved. Please confirm your e-mail address" in page
    assert _institution(app, account.email).status == Status.UNCONFIRMED
    assert outbox.link(account.email).startswith("/en/account/confirm/")
