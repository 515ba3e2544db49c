"""A partner's journey in a real browser, in English and in Arabic.

Register, confirm through the e-mailed link, get approved by an administrator,
log in, edit the profile, have the edit accepted by the administrator, and be
found by Partner Search.
"""

from __future__ import annotations

import re
import uuid

import pytest

from oicvet.accounts.models import Role
from tests.conftest import PASSWORD, unique_email

pytestmark = pytest.mark.browser

TEXT = {
    "en": {"name": "Journey Demo Training Centre", "description": "A demonstration institute for welding.",
           "edited": "A demonstration institute for welding and electrical installation, {word}.",
           "query": "electrical {word}"},
    "ar": {"name": "مركز التدريب التجريبي", "description": "معهد تجريبي للتدريب المهني.",
           "edited": "معهد تجريبي لتدريب المعلّمين في الجامعةِ الإسلاميّة، {word}.",
           "query": "اسلامية {word}"},
}


def _log_in(page, live_server, lang, email):
    page.goto(f"{live_server}/{lang}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/account/$"))


def _log_out(page):
    page.locator(".account-links button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_register_confirm_approve_edit_and_be_found(browser, page, live_server, outbox, make_account,
                                                     artifacts, lang):
    text = TEXT[lang]
    screenshots = artifacts / "screenshots"
    screenshots.mkdir(exist_ok=True)
    word = "zq" + uuid.uuid4().hex[:8]
    email = unique_email("journey")
    name = f"{text['name']} {word}"

    # 1. Register.
    page.goto(f"{live_server}/{lang}/partners/register")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    _check_form_direction(page, lang)
    page.fill("input[name=name]", name)
    page.fill("input[name=acronym]", "JDTC")
    page.select_option("select[name=organisation_type]", "tvet")
    page.select_option("select[name=country]", "MA")
    page.fill("input[name=city]", "Rabat")
    page.check("input[name=sectors][value=labour]")
    page.fill("textarea[name=cooperation_areas]", "Training of trainers")
    page.fill("textarea[name=description]", text["description"])
    page.fill("input[name=contact_name]", "Demo Contact")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.check("input[name=consent]")
    page.screenshot(path=str(screenshots / f"partner-registration-{lang}.png"), full_page=True)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/partners/register/sent$"))

    # 2. Confirm through the link that was sent.
    link = outbox.link(email)
    page.goto(live_server + link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/account/login$"))

    # 3. An administrator approves.
    admin = make_account(Role.ADMINISTRATOR, language=lang)
    staff = browser.new_page()
    _log_in(staff, live_server, lang, admin.email)
    staff.goto(f"{live_server}/{lang}/admin/partners/")
    staff.get_by_role("link", name=name).click()
    staff.locator("button[value=approve]").click()
    staff.wait_for_url(re.compile(rf"/{lang}/admin/partners/$"))
    assert "/partners/" in outbox.body(outbox.last(email))

    # 4. The partner logs in and edits the profile.
    _log_in(page, live_server, lang, email)
    page.goto(f"{live_server}/{lang}/partners/profile")
    assert page.locator("textarea[name=description]").input_value() == text["description"]
    page.fill("textarea[name=description]", text["edited"].format(word=word))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/partners/profile$"))
    assert page.locator(".notice--success[role=status]").count() == 1  # "saved, waiting for approval"
    _log_out(page)

    # 5. The edit of an approved profile waits for the administrator, who accepts it.
    staff.goto(f"{live_server}/{lang}/admin/partners/?status=changes")
    staff.get_by_role("link", name=name).click()
    assert staff.locator("table").inner_text().count(text["description"]) == 1  # before, beside after
    staff.locator("button[value=accept_changes]").click()
    staff.wait_for_url(re.compile(rf"/{lang}/admin/partners/\?status=changes$"))
    staff.close()

    # 6. A visitor finds the partner by search.
    page.goto(f"{live_server}/{lang}/partners/")
    page.fill("input[name=q]", text["query"].format(word=word))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/partners/\?"))
    results = page.locator("ul.results h2")
    assert results.count() == 1 and results.first.inner_text().startswith(text["name"])
    assert email not in page.content()  # contact details are not for visitors
    page.screenshot(path=str(screenshots / f"partner-search-{lang}.png"), full_page=True)
    results.first.get_by_role("link").click()
    assert page.locator("h1").inner_text().startswith(text["name"])


def _check_form_direction(page, lang):
    """Labels and fields start on the right in Arabic, on the left in English."""
    label = page.locator("label[for=name]").bounding_box()
    field = page.locator("input[name=name]").bounding_box()
    if lang == "ar":
        assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 3
    else:
        assert abs(label["x"] - field["x"]) < 3
