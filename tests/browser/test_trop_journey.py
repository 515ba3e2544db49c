"""A training institution's journey through TROP in a real browser, in French.

Apply to become a member, confirm through the e-mailed link, be approved by an
administrator, publish a training opportunity from the Management Panel, then,
as a visitor, find it in the catalogue and download its calendar file.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from icalendar import Calendar

from oicvet.accounts.models import Role
from tests.conftest import PASSWORD, unique_email

pytestmark = pytest.mark.browser

LANG = "fr"


def _log_in(page, live_server, email):
    page.goto(f"{live_server}/{LANG}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{LANG}/account/$"))


def test_apply_be_approved_publish_and_be_found_with_a_calendar_file(browser, page, live_server, outbox,
                                                                    make_account, artifacts):
    screenshots = artifacts / "screenshots"
    screenshots.mkdir(exist_ok=True)
    word = "zq" + uuid.uuid4().hex[:8]
    email = unique_email("trop-journey")
    name = f"Institut de formation des métiers de l’eau {word}"
    title = f"Atelier sur la gestion de l’irrigation {word}"
    start = date.today() + timedelta(days=60)
    end = start + timedelta(days=4)

    # 1. Apply, from the menu's entry.
    page.goto(f"{live_server}/{LANG}/")
    page.locator("nav.site-menu").get_by_role("link", name="Devenir membre de TROP").click()
    page.wait_for_url(re.compile(rf"/{LANG}/trop/apply$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("input[name=name]", name)
    page.fill("input[name=acronym]", "IFME")
    page.select_option("select[name=institution_type]", "public_tvet")
    page.select_option("select[name=country]", "SN")
    page.fill("input[name=city]", "Thiès")
    page.fill("input[name=contact_name]", "Aminata Diallo")
    page.check("input[name=fields][value=agriculture]")
    page.fill("textarea[name=description]", "Un établissement de formation aux métiers de l’eau et de l’irrigation.")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.check("input[name=consent]")
    page.screenshot(path=str(screenshots / "trop-application-fr.png"), full_page=True)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{LANG}/trop/apply/sent$"))

    # 2. Confirm the address through the link that was sent, in French.
    page.goto(live_server + outbox.link(email))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{LANG}/account/login$"))

    # 3. An administrator approves the application.
    admin = make_account(Role.ADMINISTRATOR, language=LANG)
    staff = browser.new_page()
    _log_in(staff, live_server, admin.email)
    staff.goto(f"{live_server}/{LANG}/admin/institutions/")
    staff.get_by_role("link", name=name).click()
    staff.locator("button[value=approve]").click()
    staff.wait_for_url(re.compile(rf"/{LANG}/admin/institutions/$"))
    staff.close()
    assert "/fr/trop/manage/" in outbox.body(outbox.last(email))  # told, in French, where its panel is

    # 4. The member publishes an opportunity from its Management Panel.
    _log_in(page, live_server, email)
    page.goto(f"{live_server}/{LANG}/trop/manage/")
    page.get_by_role("link", name="Ajouter une offre de formation").click()
    page.fill("input[name=title-fr]", title)
    page.fill("textarea[name=description-fr]", "Cinq jours de pratique sur les réseaux d’irrigation goutte à goutte.")
    page.select_option("select[name=sector]", "agriculture")
    page.select_option("select[name=kind]", "workshop")
    page.select_option("select[name=modality]", "face_to_face")
    page.check("input[name=languages][value=fr]")
    page.fill("input[name=start_date]", start.isoformat())
    page.fill("input[name=end_date]", end.isoformat())
    page.select_option("select[name=venue_country]", "SN")
    page.fill("input[name=venue_city]", "Thiès")
    page.fill("input[name=apply_url]", "https://www.example.org/candidature")
    page.check("input[name=publish]")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/{LANG}/trop/manage/"))
    assert page.get_by_text(title).count() >= 1

    # 5. A visitor finds it in the catalogue, with its dates in French, and downloads its calendar file.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    visitor.goto(f"{live_server}/{LANG}/trop/")
    visitor.fill("input[name=q]", f"irrigation {word}")
    visitor.locator("main form button[type=submit]").first.click()
    visitor.wait_for_url(re.compile(rf"/{LANG}/trop/\?"))
    results = visitor.locator("ul.results h2")
    assert results.count() == 1 and results.first.inner_text() == title
    visitor.screenshot(path=str(screenshots / "trop-catalogue-fr.png"), full_page=True)
    results.first.get_by_role("link").click()
    visitor.wait_for_url(re.compile(rf"/{LANG}/trop/opportunities/\d+/$"))
    assert format_date(end, format="long", locale="fr").replace(" ", "\u00a0") in visitor.locator("main").inner_text()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == end + timedelta(days=1)  # all day: the end is exclusive
    assert download.value.suggested_filename.endswith(".ics")
    visitor.context.close()
