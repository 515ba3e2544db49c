"""What a visitor does in a real browser: read, switch language, choose a year, open an event."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    "en": "OIC Vocational Education and Training Programme",
    "ar": None,  # checked through the direction and the language below
    "fr": None,
}


@pytest.mark.parametrize("lang,direction", [("en", "ltr"), ("ar", "rtl"), ("fr", "ltr")])
def test_home_page_in_each_language(page, live_server, lang, direction):
    page.goto(f"{live_server}/{lang}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == direction
    heading = page.locator("h1")
    assert heading.count() == 1 and heading.inner_text().strip()
    if HOME_HEADINGS[lang]:
        assert heading.inner_text() == HOME_HEADINGS[lang]
    # In Arabic the menu sits on the left of the content, mirrored from English.
    main_box = page.locator("main").bounding_box()
    menu_box = page.locator("nav.site-menu").bounding_box()
    if direction == "rtl":
        assert menu_box["x"] < main_box["x"]
    else:
        assert menu_box["x"] > main_box["x"]


def test_switching_language_on_a_programme_page_keeps_the_programme(page, live_server):
    page.goto(f"{live_server}/en/programmes/e-government-working-group/")
    assert page.locator("h1").inner_text() == "E-Government Working Group"
    page.locator("nav.languages a[lang=ar]").click()
    page.wait_for_url(re.compile(r"/ar/programmes/e-government-working-group/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    arabic_title = page.locator("h1").inner_text()
    assert arabic_title and arabic_title != "E-Government Working Group"
    page.locator("nav.languages a[lang=fr]").click()
    page.wait_for_url(re.compile(r"/fr/programmes/e-government-working-group/$"))
    assert page.locator("html").get_attribute("lang") == "fr"


def test_choosing_a_year_then_opening_an_event(page, live_server):
    page.goto(f"{live_server}/en/programmes/e-government-working-group/")
    table = page.locator("table.events")
    assert "First Meeting of the OIC E-Government Working Group" in table.inner_text()
    page.select_option("#year", "2009")  # the page reloads by itself on change
    page.wait_for_url(re.compile(r"year=2009"))
    assert "eGOVsharE2009" in page.locator("table.events").inner_text()
    page.select_option("#year", "2011")
    page.wait_for_url(re.compile(r"year=2011"))
    page.get_by_role("link", name="First Meeting of the OIC E-Government Working Group").click()
    page.wait_for_url(re.compile(r"/en/events/\d+/$"))
    assert page.locator("h1").inner_text() == "First Meeting of the OIC E-Government Working Group"
    facts = page.locator("dl.facts").inner_text()
    assert "Ankara, Türkiye" in facts and "5–6\u00a0July\u00a02011" in facts


def test_year_selector_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/fr/programmes/e-government-working-group/")
    page.select_option("#year", "2009")
    page.locator("form.year-select button").click()
    page.wait_for_url(re.compile(r"year=2009"))
    assert "eGOVsharE2009" in page.locator("table.events").inner_text()
    context.close()


def test_contact_form_in_arabic(page, live_server):
    page.goto(f"{live_server}/ar/contact/")
    page.fill("#name", "اختبار المتصفح")
    page.fill("#email", "bad-address")
    page.fill("#subject", "سؤال")
    page.fill("#message", "رسالة اختبار من المتصفح.")
    page.locator("form button[type=submit]").click()
    assert page.locator("#email-error").is_visible()
    assert page.input_value("#name") == "اختبار المتصفح"
    page.fill("#email", "browser-test@example.org")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ar/contact/$"))
    assert page.locator(".notice--success").is_visible()
