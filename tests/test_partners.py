"""The Partners Database: registration, confirmation, approval, profile, search, privacy."""

from __future__ import annotations

import re
import uuid

import pytest

from oicvet.accounts.models import Account, Role
from oicvet.audit import AuditEntry
from oicvet.extensions import db
from oicvet.partners.models import Partner, Status
from tests.conftest import PASSWORD, log_in, log_out, partner_fields, submit, unique_email


def _registration(email: str, **overrides) -> dict:
    return {**partner_fields(**overrides), "email": email, "password": PASSWORD, "confirm": PASSWORD,
            "consent": "y"}


def _partner(app, email: str) -> Partner | None:
    with app.app_context():
        return db.session.execute(
            db.select(Partner).join(Account).where(Account.email == email.lower())
        ).scalar_one_or_none()


def _word() -> str:
    """A made-up word no other test uses, to find one partner among many."""
    return "zq" + uuid.uuid4().hex[:8]


@pytest.mark.parametrize(
    ("lang", "senegal", "label"),
    [("en", "Senegal", "Organisation name"), ("ar", "السنغال", 'dir="rtl"'), ("fr", "Sénégal", "Pays")],
)
def test_the_registration_form_in_each_language(client, lang, senegal, label):
    html = client.get(f"/{lang}/partners/register").get_data(as_text=True)
    assert label in html
    country = re.search(r'<select[^>]*name="country".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([A-Z]{2})"', country)
    assert len(options) == 57 and "SN" in options and "FR" not in options
    assert f">{senegal}</option>" in country
    for name in ("name", "acronym", "organisation_type", "city", "address", "website", "cooperation_areas",
                 "description", "contact_name", "contact_position", "email", "phone", "password", "consent"):
        assert f'name="{name}"' in html, name
    assert len(re.findall(r'name="organisation_type".*?</select>', html, re.S)) == 1
    assert html.count('name="sectors"') == 6  # one box per loaded sector plugin


def test_sectors_of_interest_come_from_the_loaded_plugins(make_app):
    html = make_app(OICVET_PLUGINS=["ict", "labour"]).test_client().get("/en/partners/register").get_data(
        as_text=True)
    assert re.findall(r'name="sectors"[^>]*value="(\w+)"', html) == ["ict", "labour"]


def test_bad_input_comes_back_with_translated_errors_and_nothing_lost(app):
    client = app.test_client()
    email = unique_email()
    data = _registration(email, name="  Institut   de formation  ", website="not a site", phone="call me",
                         country="FR", description="x" * 2001, organisation_type="bank")
    data["confirm"] = "something else"
    response = submit(client, "/fr/partners/register", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Institut de formation"' in html  # kept, tidied
    assert 'value="call me"' in html and "x" * 2001 in html and f'value="{email}"' in html
    for field in ("website", "phone", "country", "description", "organisation_type", "confirm"):
        assert f'aria-describedby="{field}-error"' in html or f'{field}-error' in html, field
    assert 'aria-invalid="true"' in html
    assert _partner(app, email) is None


def test_an_expired_form_keeps_what_was_typed(app):
    email = unique_email()
    response = app.test_client().post("/en/partners/register", data=_registration(email, name="Kept Name"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "This form had expired" in html and 'value="Kept Name"' in html
    assert _partner(app, email) is None


def test_registration_confirmation_and_approval(app, make_account, outbox):
    admin = make_account(Role.ADMINISTRATOR, language="ar")
    email = unique_email("partner")
    client = app.test_client()
    response = submit(client, "/fr/partners/register", _registration(email, name="Institut Demo Inscription"))
    assert response.status_code == 302 and response.headers["Location"] == "/fr/partners/register/sent"
    partner = _partner(app, email)
    assert partner.status == Status.UNCONFIRMED and partner.account.language == "fr"
    assert partner.account.has_role(Role.PARTNER) and partner.sectors == ["ict", "labour"]
    assert partner.website == "https://dvi.example.org"

    link = outbox.link(email)
    assert link.startswith("/fr/account/confirm/")
    assert submit(client, link, {}).status_code == 302
    assert _partner(app, email).status == Status.PENDING
    waiting = outbox.last(admin.email)  # administrators are told, in their own language
    assert waiting["Content-Language"] == "ar" and "Institut Demo Inscription" in waiting["Subject"]

    staff = app.test_client()
    log_in(staff, admin.email, PASSWORD)
    queue = staff.get("/en/admin/partners/").get_data(as_text=True)
    assert "Institut Demo Inscription" in queue
    review = f"/en/admin/partners/{partner.id}/"
    assert email in staff.get(review).get_data(as_text=True)
    response = submit(staff, review, {"decision": "approve"})
    assert response.status_code == 302
    assert _partner(app, email).status == Status.APPROVED
    approved = outbox.last(email)
    assert approved["Content-Language"] == "fr" and "/fr/partners/" in outbox.body(approved)
    assert "Institut Demo Inscription" in client.get("/en/partners/?q=inscription").get_data(as_text=True)


def test_rejection_tells_the_partner_why_and_an_edit_resubmits(app, make_account, make_partner, outbox):
    admin = make_account(Role.ADMINISTRATOR)
    partner = make_partner(Status.PENDING, name="Rejected Demo Centre")
    staff = app.test_client()
    log_in(staff, admin.email, PASSWORD)
    review = f"/en/admin/partners/{partner.id}/"
    empty = submit(staff, review, {"decision": "reject", "reason": ""})
    assert empty.status_code == 200 and "Please give the reason" in empty.get_data(as_text=True)
    assert _partner(app, partner.email).status == Status.PENDING
    reason = "The website given does not open; please check it."
    assert submit(staff, review, {"decision": "reject", "reason": reason}).status_code == 302
    assert _partner(app, partner.email).status == Status.REJECTED
    assert reason in outbox.body(outbox.last(partner.email))
    with app.app_context():  # the decision, its author and its reason are in the audit log
        entry = db.session.scalars(db.select(AuditEntry).filter_by(
            kind="partners", record_id=str(partner.id), action="reject").order_by(AuditEntry.id.desc())).first()
        assert (entry.account_id, entry.before, entry.after) == (
            admin.id, {"status": "pending", "reason": None}, {"status": "rejected", "reason": reason})

    own = app.test_client()
    log_in(own, partner.email, PASSWORD)
    profile = own.get("/en/partners/profile").get_data(as_text=True)
    assert reason in profile and "Not approved" in profile
    fields = partner_fields(name="Rejected Demo Centre", website="https://fixed.example.org")
    assert submit(own, "/en/partners/profile", fields).status_code == 302
    assert _partner(app, partner.email).status == Status.PENDING
    assert "/en/admin/partners/" in outbox.body(outbox.last(admin.email))


def test_only_administrators_review(app, make_account, make_partner):
    partner = make_partner(Status.PENDING)
    anonymous = app.test_client().get("/en/admin/partners/")
    assert anonymous.status_code == 302 and "/en/account/login" in anonymous.headers["Location"]
    for roles in ((Role.PARTNER,), (Role.SECTOR_EDITOR,), (Role.EXPERT, Role.TROP_MEMBER)):
        account = make_account(*roles)
        client = app.test_client()
        log_in(client, account.email, PASSWORD)
        assert client.get("/en/admin/partners/").status_code == 403
        assert client.post(f"/en/admin/partners/{partner.id}/", data={"decision": "approve"}).status_code == 403
    assert _partner(app, partner.email).status == Status.PENDING


def test_registering_a_known_address_answers_the_same_and_tells_its_owner(app, make_partner, outbox):
    known = make_partner()
    new = unique_email()
    answers = []
    for email in (known.email, new):
        response = submit(app.test_client(), "/en/partners/register", _registration(email))
        answers.append((response.status_code, response.headers.get("Location")))
    assert answers[0] == answers[1] == (302, "/en/partners/register/sent")
    assert "already" in outbox.last(known.email)["Subject"]
    assert _partner(app, known.email).name == known.name  # nothing changed


def test_my_profile_edits_and_shows_the_last_update(app, make_partner):
    # A profile waiting for approval is edited in place (an approved one's edits wait for
    # review: see test_partner_moderation.py).
    partner = make_partner(Status.PENDING, name="Editable Demo Institute")
    client = app.test_client()
    log_in(client, partner.email, PASSWORD, "ar")
    html = client.get("/ar/partners/profile").get_data(as_text=True)
    assert 'value="Editable Demo Institute"' in html and 'dir="rtl"' in html
    fields = partner_fields(name="Edited Demo Institute", sectors=["social"], city="Rabat", country="MA")
    response = submit(client, "/ar/partners/profile", fields)
    assert response.status_code == 302
    stored = _partner(app, partner.email)
    assert (stored.name, stored.sectors, stored.country, stored.status) == (
        "Edited Demo Institute", ["social"], "MA", Status.PENDING)
    assert stored.updated_at > partner.updated_at


def test_a_partner_deletes_the_account_and_its_data(app, make_partner):
    word = _word()
    partner = make_partner(name=f"Deleted Demo {word}")
    assert _found(app.test_client(), q=word) == [f"Deleted Demo {word}"]
    client = app.test_client()
    log_in(client, partner.email, PASSWORD)
    assert submit(client, "/en/account/delete", {"password": PASSWORD}).status_code == 302
    assert _partner(app, partner.email) is None
    assert _found(app.test_client(), q=word) == []
    assert app.test_client().get(f"/en/partners/{partner.id}/").status_code == 404


def _page(client, lang: str = "en", **query) -> str:
    return client.get(f"/{lang}/partners/", query_string=query).get_data(as_text=True)


def _found(client, lang: str = "en", **query) -> list[str]:
    """The names in the list of results (the query itself is echoed elsewhere on the page)."""
    html = _page(client, lang, **query)
    results = re.search(r'<ul class="results">(.*?)</ul>', html, re.S)
    return re.findall(r"<h2><a [^>]*><bdi>(.*?)</bdi>", results.group(1)) if results else []


def test_search_lists_approved_partners_only(app, make_partner):
    word = _word()
    for status in Status:
        make_partner(status, name=f"{status.value} {word}")
    assert _found(app.test_client(), q=word) == [f"approved {word}"]
    assert "1 partner found" in _page(app.test_client(), q=word)


def test_search_filters_by_country_sector_and_type(app, make_partner):
    word = _word()
    make_partner(name=f"Alpha {word}", country="MA", sectors=["agriculture"], organisation_type="university")
    make_partner(name=f"Beta {word}", country="ID", sectors=["ict", "economy"], organisation_type="ngo")
    client = app.test_client()
    alpha, beta = f"Alpha {word}", f"Beta {word}"
    assert sorted(_found(client, q=word)) == [alpha, beta]
    assert _found(client, q=word, country="MA") == [alpha]
    assert _found(client, q=word, sector="ict") == [beta]
    assert _found(client, q=word, type="university") == [alpha]
    assert _found(client, q=word, country="MA", sector="ict") == []
    assert "0 partners found" in _page(client, q=word, country="MA", sector="ict")
    # A stale or edited filter is ignored rather than failing.
    assert sorted(_found(client, q=word, country="XX", sector="gone", type="?")) == [alpha, beta]


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("الجامعة الإسلاميّة للتكنولوجيا", "اسلامية"),  # hamza and shadda on the stored side
        ("الجامعة الاسلامية للتكنولوجيا", "الإسلاميَّة"),  # and on the query side
        ("مؤسسة التدريب المهني", "موسسه"),  # hamza on waw, ta marbuta
        ("جامعة القاهرة", "الجامعة"),  # the article on the query only
        ("المدرسة الوطنية", "مدرسة"),  # the article on the stored word only
        ("École supérieure polytechnique", "ecole superieure"),
        ("Centre de formation professionnelle", "FORMATION profess"),  # prefixes, any case
        ("Œuvre sociale", "oeuvre"),
    ],
)
def test_keyword_search_ignores_diacritics_hamza_forms_and_accents(app, make_partner, stored, query):
    word = _word()
    make_partner(name=f"{stored} {word}")
    assert _found(app.test_client(), "ar", q=f"{query} {word}") == [f"{stored} {word}"]
    assert _found(app.test_client(), "ar", q=f"{query}x {word}") == []  # every word must match


def test_keywords_search_acronym_description_and_areas(app, make_partner):
    word = _word()
    make_partner(name=f"By acronym {word}", acronym=f"AC{word}")
    make_partner(name=f"By description {word}", description=f"We train welders in {word}desc.")
    make_partner(name=f"By areas {word}", cooperation_areas=f"Apprenticeship in {word}area")
    client = app.test_client()
    assert _found(client, q=f"ac{word}") == [f"By acronym {word}"]
    assert _found(client, q=f"{word}desc") == [f"By description {word}"]
    assert _found(client, q=f"{word}area") == [f"By areas {word}"]


def test_search_text_with_query_syntax_is_harmless(client):
    for query in ('"unbalanced', "a AND OR NOT", "x:* & !y | (", "col:term", "' OR 1=1 --", "*"):
        response = client.get("/en/partners/", query_string={"q": query})
        assert response.status_code == 200, query


def test_search_is_paginated_and_shows_the_last_update(make_app, make_partner):
    app = make_app(PARTNER_PAGE_SIZE=2)
    word = _word()
    for number in range(3):
        make_partner(name=f"Paged {number} {word}")
    client = app.test_client()
    assert _found(client, q=word) == [f"Paged 2 {word}", f"Paged 1 {word}"]  # newest first
    assert "page=2" in _page(client, q=word)
    assert _found(client, q=word, page=2) == [f"Paged 0 {word}"]
    second = _page(client, "fr", q=word, page=2)
    assert "Dernière mise à jour" in second
    assert re.search(r"\d{1,2}\u00a0\w+\u00a020\d\d", second)  # the date of the last update, in words
    assert client.get("/fr/partners/", query_string={"q": word, "page": 9}).status_code == 404


def test_contact_details_are_only_for_approved_partners_and_staff(app, make_account, make_partner):
    word = _word()
    listed = make_partner(name=f"Listed {word}", phone="+90 312 000 11 22")
    pending = make_partner(Status.PENDING)
    admin = make_account(Role.ADMINISTRATOR)
    editor = make_account(Role.SECTOR_EDITOR)
    expert = make_account(Role.EXPERT)

    def shows(client) -> bool:
        pages = _page(client, q=word) + client.get(f"/en/partners/{listed.id}/").get_data(as_text=True)
        has_email, has_phone = listed.email in pages, "312 000 11 22" in pages
        assert has_email == has_phone
        return has_email

    assert not shows(app.test_client())
    for account_email in (pending.email, expert.email):
        client = app.test_client()
        log_in(client, account_email, PASSWORD)
        assert not shows(client), account_email
    for account_email in (make_partner().email, admin.email, editor.email):
        client = app.test_client()
        log_in(client, account_email, PASSWORD)
        assert shows(client), account_email
    assert listed.email not in _page(app.test_client(), q=word)


def test_unlisted_profiles_are_not_public(app, make_account, make_partner):
    pending = make_partner(Status.PENDING)
    assert app.test_client().get(f"/en/partners/{pending.id}/").status_code == 404
    own = app.test_client()
    log_in(own, pending.email, PASSWORD)
    assert own.get(f"/en/partners/{pending.id}/").status_code == 200
    admin = app.test_client()
    log_in(admin, make_account(Role.ADMINISTRATOR).email, PASSWORD)
    assert admin.get(f"/en/partners/{pending.id}/").status_code == 200


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_the_menu_leads_to_the_partners_database(client, lang):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    for path in ("partners/register", "partners/", "account/login"):
        assert f'href="/{lang}/{path}"' in html, path


def test_user_text_is_escaped(app, make_partner):
    word = _word()
    partner = make_partner(name=f"<script>alert(1)</script> {word}", description="<img src=x onerror=alert(1)>")
    html = app.test_client().get(f"/en/partners/{partner.id}/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_log_out_from_a_partner_page(app, make_partner):
    partner = make_partner()
    client = app.test_client()
    log_in(client, partner.email, PASSWORD)
    assert log_out(client).status_code == 302
    assert client.get("/en/partners/profile").status_code == 302
