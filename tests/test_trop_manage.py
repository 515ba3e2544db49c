"""The Management Panel of a TROP member: its opportunities made, corrected, published, copied, deleted."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from markupsafe import escape

from oicvet.extensions import db
from oicvet.profiles.status import Status
from oicvet.trop.models import NO_DATE, TrainingOpportunity
from tests.conftest import csrf_token, queries
from tests.panel_helpers import create_account, logged_in
from tests.trop_helpers import add_opportunity, create_institution, unique

TODAY = date.today()


def opportunity_fields(**overrides: object) -> dict[str, object]:
    """A complete, valid opportunity form (its title unique), changed by ``overrides``."""
    fields: dict[str, object] = {
        "title-en": unique("Welding instructors course"),
        "description-en": "Two weeks of practice in a training workshop.\n\nCertificates are given.",
        "sector": "labour", "kind": "course", "modality": "face_to_face",
        "start_date": (TODAY + timedelta(days=60)).isoformat(),
        "end_date": (TODAY + timedelta(days=64)).isoformat(),
        "duration_value": "5", "duration_unit": "days",
        "languages": ["en", "fr"], "venue_country": "TR", "venue_city": "Ankara",
        "target_group": "Instructors of vocational schools", "places": "20",
        "is_free": "y", "fee_amount": "", "fee_currency": "",
        "application_deadline": (TODAY + timedelta(days=30)).isoformat(),
        "apply_url": "https://www.example.org/apply", "apply_email": "",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def in_french(app: Flask, message: str) -> str:
    """``message`` as a French page shows it (escaped as in the HTML)."""
    with app.test_request_context("/fr/"), force_locale("fr"):
        return str(escape(gettext(message)))


def stored(app: Flask, opportunity_id: int) -> TrainingOpportunity | None:
    with app.app_context():
        found = db.session.get(TrainingOpportunity, opportunity_id)
        if found is not None:
            _ = found.language_rows, found.institution
        db.session.expunge_all()
        return found


def find_by_title(app: Flask, title: str) -> list[TrainingOpportunity]:
    with app.app_context():
        found = [row for row in db.session.scalars(db.select(TrainingOpportunity)) if title in (row.title or {}).values()]
        for row in found:
            _ = row.language_rows
        db.session.expunge_all()
        return found


@pytest.fixture
def member(app):
    """A TROP member (an approved institution), logged in: (client, CSRF token, institution)."""
    account, institution = create_institution(app)
    client, token = logged_in(app, account)
    return client, token, institution


# The panel ----------------------------------------------------------------------------------------


def test_the_panel_shows_the_institution_and_its_opportunities_marked(app, member):
    client, _token, institution = member
    draft = add_opportunity(app, institution, published=False)
    published = add_opportunity(app, institution)
    held = add_opportunity(app, institution, published=False, held_reason="The dates are wrong, please check.")
    past = add_opportunity(app, institution, start=TODAY - timedelta(days=90))
    html = client.get("/en/trop/manage/").get_data(as_text=True)
    assert institution.name in html and "Approved" in html
    assert 'href="/en/trop/manage/profile"' in html
    for item in (draft, published, held, past):
        assert item.title["en"] in html
        assert f"/en/trop/manage/opportunities/{item.id}/publish" in html or \
            f"/en/trop/manage/opportunities/{item.id}/unpublish" in html
    assert "Draft" in html and "Published" in html
    assert "The dates are wrong, please check." in html
    past_section = html.split("Past opportunities", 1)[1]
    assert past.title["en"] in past_section and draft.title["en"] not in past_section


def test_a_waiting_institution_sees_its_status_and_no_opportunities(app):
    account, institution = create_institution(app, Status.PENDING)
    client, token = logged_in(app, account)
    html = client.get("/en/trop/manage/").get_data(as_text=True)
    assert "Waiting for approval" in html and "Add a training opportunity" not in html
    response = client.get("/en/trop/manage/opportunities/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/trop/manage/")
    assert "once the OIC-VET team has approved it" in client.get("/en/trop/manage/").get_data(as_text=True)


def test_a_rejected_institution_sees_the_reason(app):
    account, _institution = create_institution(app, Status.REJECTED)
    client, _token = logged_in(app, account)
    html = client.get("/en/trop/manage/").get_data(as_text=True)
    assert "Made rejected by a test." in html and "Not approved" in html


def test_an_account_without_an_institution_is_sent_to_apply(app):
    client, _token = logged_in(app, create_account(app))
    response = client.get("/en/trop/manage/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/trop/apply")
    assert "Apply here to become one" in client.get("/en/account/").get_data(as_text=True)


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get("/en/trop/manage/")
    assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]


# Creating -----------------------------------------------------------------------------------------


def test_a_new_opportunity_with_errors_then_valid(app, member):
    client, token, institution = member
    response = client.post("/en/trop/manage/opportunities/new", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("Please write the title in at least one language.",
                    "Please describe the opportunity in at least one language.",
                    "Please choose the field of training.", "Please choose the type of opportunity.",
                    "Please choose at least one language of instruction.",
                    "Please enter the first day, or tick “On request”.",
                    "Please give a web page or an e-mail address where people apply.",
                    "Please enter the fee, or tick “Free of charge”."):
        assert str(escape(message)) in html, message
    assert 'id="title-error"' in html and 'aria-invalid="true"' in html

    fields = opportunity_fields(end_date=(TODAY + timedelta(days=50)).isoformat())
    html = client.post("/en/trop/manage/opportunities/new",
                       data={"csrf_token": token, **fields}).get_data(as_text=True)
    assert "The last day cannot come before the first." in html
    assert f'value="{fields["title-en"]}"' in html and "Ankara" in html  # what was typed is kept
    assert not find_by_title(app, fields["title-en"])

    fields = opportunity_fields()
    response = client.post("/en/trop/manage/opportunities/new", data={"csrf_token": token, **fields})
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/trop/manage/")
    (saved,) = find_by_title(app, fields["title-en"])
    assert saved.institution_id == institution.id and not saved.published
    assert saved.languages == ["en", "fr"] and saved.venue_country == "TR" and saved.duration_unit == "days"
    assert saved.start_date == TODAY + timedelta(days=60) and saved.sort_date == saved.start_date
    assert saved.is_free and saved.fee_amount is None and saved.places == 20
    html = client.get("/en/trop/manage/").get_data(as_text=True)
    assert "saved as a draft" in html and fields["title-en"] in html


def test_a_new_opportunity_may_be_published_at_once(app, member):
    client, token, _institution = member
    fields = opportunity_fields(publish="y")
    client.post("/en/trop/manage/opportunities/new", data={"csrf_token": token, **fields})
    (saved,) = find_by_title(app, fields["title-en"])
    assert saved.published and saved.published_at is not None


def test_an_opportunity_on_request_needs_no_dates(app, member):
    client, token, _institution = member
    fields = opportunity_fields(on_request="y", start_date="", end_date="", application_deadline="")
    response = client.post("/en/trop/manage/opportunities/new", data={"csrf_token": token, **fields})
    assert response.status_code == 302
    (saved,) = find_by_title(app, fields["title-en"])
    assert saved.on_request and saved.start_date is None and saved.end_date is None
    assert saved.sort_date == NO_DATE


def test_an_online_opportunity_needs_no_country(app, member):
    client, token, _institution = member
    html = client.post("/en/trop/manage/opportunities/new", data={
        "csrf_token": token, **opportunity_fields(venue_country="", venue_city="")}).get_data(as_text=True)
    assert "Please choose the country of the venue (not needed online)." in html
    fields = opportunity_fields(modality="online", venue_country="", venue_city="")
    response = client.post("/en/trop/manage/opportunities/new", data={"csrf_token": token, **fields})
    assert response.status_code == 302
    (saved,) = find_by_title(app, fields["title-en"])
    assert saved.modality == "online" and saved.venue_country is None


def test_the_fee_is_checked_in_french(app, member):
    client, _token, _institution = member
    page = client.get("/fr/trop/manage/opportunities/new").get_data(as_text=True)
    token = csrf_token(page)
    fields = opportunity_fields(is_free=None, fee_amount="", fee_currency="")
    response = client.post("/fr/trop/manage/opportunities/new", data={"csrf_token": token, **fields})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'lang="fr"' in html
    assert 'id="fee_amount-error"' in html
    assert in_french(app, "Please enter the fee, or tick “Free of charge”.") in html
    assert in_french(app, "Please choose the currency of the fee.") in html

    html = client.post("/fr/trop/manage/opportunities/new", data={
        "csrf_token": token, **opportunity_fields(is_free=None, fee_amount="-5", fee_currency="EUR"),
    }).get_data(as_text=True)
    assert in_french(app, "Please enter the fee as a number, with at most two decimals, such as 250 or 99.50.") in html
    assert 'value="-5"' in html

    fields = opportunity_fields(is_free=None, fee_amount="1 250,50", fee_currency="EUR")
    response = client.post("/fr/trop/manage/opportunities/new", data={"csrf_token": token, **fields})
    assert response.status_code == 302
    (saved,) = find_by_title(app, fields["title-en"])
    assert not saved.is_free and saved.fee_amount == Decimal("1250.50") and saved.fee_currency == "EUR"


def test_tampered_choices_get_messages_not_errors(app, member):
    client, token, _institution = member
    fields = opportunity_fields(sector="nope", kind="lecture", modality="telepathy", duration_unit="years",
                                languages=["en", "xx"], venue_country="QQ", is_free=None, fee_amount="10",
                                fee_currency="XYZ")
    response = client.post("/en/trop/manage/opportunities/new", data={"csrf_token": token, **fields})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("Please choose the field of training.", "Please choose the type of opportunity.",
                    "Please choose how it is given: face-to-face, online or blended.",
                    "Please choose the unit of the duration.", "Please choose at least one language of instruction.",
                    "Please choose the country of the venue.", "Please choose the currency of the fee."):
        assert message in html, message
    assert not find_by_title(app, fields["title-en"])


def test_numbers_and_dates_are_checked(app, member):
    client, token, _institution = member
    fields = opportunity_fields(duration_value="0", places="20000", start_date="31/12/2027",
                                application_deadline=(TODAY + timedelta(days=70)).isoformat())
    html = client.post("/en/trop/manage/opportunities/new",
                       data={"csrf_token": token, **fields}).get_data(as_text=True)
    assert "Please enter a number from 1 to 999." in html
    assert "Please enter a number from 1 to 10000." in html
    assert "Please enter the date as year-month-day, such as 2027-05-31." in html and 'value="31/12/2027"' in html
    fields = opportunity_fields(application_deadline=(TODAY + timedelta(days=70)).isoformat())
    html = client.post("/en/trop/manage/opportunities/new",
                       data={"csrf_token": token, **fields}).get_data(as_text=True)
    assert "The deadline for applications cannot come after the last day." in html
    assert not find_by_title(app, fields["title-en"])


def test_an_e_mail_address_is_enough_to_apply(app, member):
    client, token, _institution = member
    fields = opportunity_fields(apply_url="", apply_email="courses@example.org", duration_value="",
                                duration_unit="", places="")
    assert client.post("/en/trop/manage/opportunities/new",
                       data={"csrf_token": token, **fields}).status_code == 302
    (saved,) = find_by_title(app, fields["title-en"])
    assert saved.apply_email == "courses@example.org" and saved.apply_url == ""
    assert saved.duration_value is None and saved.duration_unit is None and saved.places is None


# Editing, and the conflict of two saves ----------------------------------------------------------


def test_an_opportunity_is_edited(app, member):
    client, token, institution = member
    item = add_opportunity(app, institution)
    page = client.get(f"/en/trop/manage/opportunities/{item.id}/").get_data(as_text=True)
    assert f'value="{item.title["en"]}"' in page and 'name="version"' in page
    new_title = unique("Renamed course")
    response = client.post(f"/en/trop/manage/opportunities/{item.id}/", data={
        "csrf_token": token, "version": str(item.version),
        **opportunity_fields(**{"title-en": new_title, "title-fr": "Cours renommé", "places": "35"}),
    })
    assert response.status_code == 302
    saved = stored(app, item.id)
    assert saved.title == {"en": new_title, "fr": "Cours renommé"} and saved.places == 35
    assert saved.published  # an edit keeps it published
    assert "Your changes were saved." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_save_based_on_an_older_version_is_a_conflict(app, member):
    client, token, institution = member
    item = add_opportunity(app, institution)
    old_version = str(item.version)
    # Saved meanwhile, in another window.
    other_title = unique("Saved meanwhile")
    client.post(f"/en/trop/manage/opportunities/{item.id}/", data={
        "csrf_token": token, "version": old_version, **opportunity_fields(**{"title-en": other_title})})
    assert stored(app, item.id).title["en"] == other_title

    mine = unique("My version")
    response = client.post(f"/en/trop/manage/opportunities/{item.id}/", data={
        "csrf_token": token, "version": old_version, **opportunity_fields(**{"title-en": mine})})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This opportunity was saved meanwhile" in html and f'value="{mine}"' in html
    saved = stored(app, item.id)
    assert saved.title["en"] == other_title
    # Saving again, now based on the saved version, replaces it.
    assert f'name="version" type="hidden" value="{saved.version}"' in html
    client.post(f"/en/trop/manage/opportunities/{item.id}/", data={
        "csrf_token": token, "version": str(saved.version), **opportunity_fields(**{"title-en": mine})})
    assert stored(app, item.id).title["en"] == mine


# The buttons ---------------------------------------------------------------------------------------


def test_publish_and_unpublish(app, member):
    client, token, institution = member
    item = add_opportunity(app, institution, published=False)
    response = client.post(f"/en/trop/manage/opportunities/{item.id}/publish", data={"csrf_token": token})
    assert response.status_code == 302
    saved = stored(app, item.id)
    assert saved.published and saved.published_at is not None
    assert "is published" in client.get("/en/trop/manage/").get_data(as_text=True)
    client.post(f"/en/trop/manage/opportunities/{item.id}/unpublish", data={"csrf_token": token})
    assert not stored(app, item.id).published
    assert "is unpublished" in client.get("/en/trop/manage/").get_data(as_text=True)


def test_every_post_without_its_token_changes_nothing(app, member):
    client, _token, institution = member
    draft = add_opportunity(app, institution, published=False)
    published = add_opportunity(app, institution)
    fields = opportunity_fields()
    posts = [
        ("new", fields),
        (f"{draft.id}/", {**fields, "version": str(draft.version)}),
        (f"{draft.id}/publish", {}),
        (f"{published.id}/unpublish", {}),
        (f"{draft.id}/duplicate", {}),
        (f"{draft.id}/delete", {"confirmed": "yes"}),
    ]
    for path, data in posts:
        response = client.post(f"/en/trop/manage/opportunities/{path}", data=data)
        assert response.status_code in (200, 302), path
    for item in (draft, published):
        saved = stored(app, item.id)
        assert saved is not None and (saved.version, saved.published) == (item.version, item.published)
    assert not find_by_title(app, fields["title-en"])
    assert not find_by_title(app, f'{draft.title["en"]} (copy)')
    assert "This page had expired, so nothing was changed." in client.get("/en/trop/manage/").get_data(as_text=True)


def test_publishing_a_held_opportunity_clears_the_staff_reason(app, member):
    client, token, institution = member
    item = add_opportunity(app, institution, published=False, held_reason="Wrong fee.")
    assert "Wrong fee." in client.get(f"/en/trop/manage/opportunities/{item.id}/").get_data(as_text=True)
    client.post(f"/en/trop/manage/opportunities/{item.id}/publish", data={"csrf_token": token})
    saved = stored(app, item.id)
    assert saved.published and saved.held_reason == "" and saved.held_at is None
    assert "Wrong fee." not in client.get("/en/trop/manage/").get_data(as_text=True)


def test_a_not_approved_institution_cannot_publish(app):
    account, institution = create_institution(app, Status.REJECTED)
    item = add_opportunity(app, institution, published=False)
    client, token = logged_in(app, account)
    response = client.post(f"/en/trop/manage/opportunities/{item.id}/publish", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/trop/manage/")
    assert not stored(app, item.id).published
    assert "once the OIC-VET team has approved it" in client.get("/en/trop/manage/").get_data(as_text=True)


def test_duplicate_makes_a_draft_copy(app, member):
    client, token, institution = member
    item = add_opportunity(app, institution, title={"en": unique("Solar technicians"), "fr": "Techniciens solaires"},
                           languages=("en", "ar"), held_reason="")
    response = client.post(f"/en/trop/manage/opportunities/{item.id}/duplicate", data={"csrf_token": token})
    assert response.status_code == 302
    copy_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    copy = stored(app, copy_id)
    assert copy.id != item.id and copy.institution_id == institution.id
    assert copy.title["en"] == f'{item.title["en"]} (copy)' and copy.title["fr"].startswith("Techniciens solaires")
    assert not copy.published and copy.published_at is None
    assert (copy.start_date, copy.end_date, copy.languages) == (item.start_date, item.end_date, ["ar", "en"])
    assert stored(app, item.id).published  # the original as it was
    assert "A copy was made, as a draft." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_delete_asks_first(app, member):
    client, token, institution = member
    item = add_opportunity(app, institution)
    response = client.post(f"/en/trop/manage/opportunities/{item.id}/delete", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "This cannot be undone." in html and item.title["en"] in html
    assert stored(app, item.id) is not None
    response = client.post(f"/en/trop/manage/opportunities/{item.id}/delete",
                           data={"csrf_token": csrf_token(html), "confirmed": "yes"})
    assert response.status_code == 302 and stored(app, item.id) is None
    assert "was deleted" in client.get("/en/trop/manage/").get_data(as_text=True)


def test_the_panel_costs_the_same_queries_however_many_opportunities(app, member):
    client, _token, institution = member
    counts = []
    for _ in range(2):
        for _new in range(3):
            add_opportunity(app, institution, published=False)
        with queries(app) as seen:
            assert client.get("/en/trop/manage/").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]
