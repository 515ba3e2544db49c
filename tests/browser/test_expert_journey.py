"""An expert's journey through the Roster of Experts in a real browser, in Arabic.

Join from the menu with a PDF CV, confirm through the e-mailed link, be approved
by an administrator, then be found by an approved partner, who sees the e-mail
address and downloads the very CV that was sent.
"""

from __future__ import annotations

import re
import uuid

import pytest

from oicvet.accounts.models import Role
from tests.conftest import PASSWORD, unique_email
from tests.expert_helpers import pdf_bytes

pytestmark = pytest.mark.browser

LANG = "ar"
ROSTER = "environment-water"
FIELD = f"{ROSTER}.water-resources"
# Written with short vowels and a shadda; searched for without them (the search folds Arabic).
PROFILE = "مُهَنْدِسَةٌ في إِدارةِ المَوارِدِ المائِيَّةِ والرَّيِّ منذ خمسة عشر عاماً، {word}."
QUERY = "مهندسة المائية {word}"


def _log_in(page, live_server, email):
    page.goto(f"{live_server}/{LANG}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{LANG}/account/$"))


def _assert_arabic(page) -> None:
    html = page.locator("html")
    assert (html.get_attribute("dir"), html.get_attribute("lang")) == ("rtl", "ar"), page.url


def test_join_with_a_cv_be_approved_and_be_found_by_a_partner(browser, page, live_server, outbox, make_account,
                                                             make_partner, artifacts, tmp_path):
    screenshots = artifacts / "screenshots"
    screenshots.mkdir(exist_ok=True)
    word = "zq" + uuid.uuid4().hex[:8]
    email = unique_email("expert-journey")
    name = f"أمينة الحسني {word}"
    cv = tmp_path / "السيرة الذاتية.pdf"
    cv.write_bytes(pdf_bytes(2))

    # 1. From the menu's roster, to the join form. Its words may not be translated yet: links are found by address.
    page.goto(f"{live_server}/{LANG}/")
    _assert_arabic(page)
    page.locator(f"nav.site-menu a[href='/{LANG}/experts/?roster={ROSTER}']").click()
    page.wait_for_url(re.compile(rf"/{LANG}/experts/\?roster={ROSTER}$"))
    _assert_arabic(page)
    page.locator(f"main a[href='/{LANG}/experts/join']").click()
    page.wait_for_url(re.compile(rf"/{LANG}/experts/join$"))
    _assert_arabic(page)

    # 2. Join, in Arabic, with the CV.
    form = page.locator("main form[action$='/experts/join']")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=nationality]").select_option("MA")
    form.locator("select[name=residence_country]").select_option("SN")
    form.locator("input[name=institution]").fill("المعهد الوطني للمياه")
    form.locator("input[name=position]").fill("مهندسة")
    form.locator(f"input[name=rosters][value={ROSTER}]").check()
    form.locator(f"input[name=expertise][value='{FIELD}']").check()
    form.locator("input[name=years_experience]").fill("15")
    form.locator("select[name=degree]").select_option("doctorate")
    form.locator("select[name=languages-0-language]").select_option("ar")
    form.locator("select[name=languages-0-level]").select_option("native")
    form.locator("select[name=work_countries]").select_option(["SN", "MA"])
    form.locator("textarea[name=profile]").fill(PROFILE.format(word=word))
    form.locator("input[name=phone]").fill("+221 33 000 00 00")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").fill(PASSWORD)
    form.locator("input[name=cv]").set_input_files(cv)
    form.locator("input[name=consent]").check()
    page.screenshot(path=str(screenshots / "expert-join-ar.png"), full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{LANG}/experts/join/sent$"))
    _assert_arabic(page)

    # 3. Confirm the address through the link that was sent.
    page.goto(live_server + outbox.link(email))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{LANG}/account/login$"))

    # 4. An administrator approves the expert.
    admin = make_account(Role.ADMINISTRATOR, language=LANG)
    staff = browser.new_page()
    _log_in(staff, live_server, admin.email)
    staff.goto(f"{live_server}/{LANG}/admin/experts/")
    _assert_arabic(staff)
    staff.get_by_role("link", name=name).click()
    staff.wait_for_url(re.compile(rf"/{LANG}/admin/experts/\d+/$"))
    staff.locator("button[value=approve]").click()
    staff.wait_for_url(re.compile(rf"/{LANG}/admin/experts/$"))
    staff.close()

    # 5. An approved partner finds the expert by words of the profile, typed without short vowels.
    partner_email = unique_email("partner-journey")
    make_partner(email=partner_email)
    reader = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    _log_in(reader, live_server, partner_email)
    reader.goto(f"{live_server}/{LANG}/experts/")
    _assert_arabic(reader)
    search = reader.locator("main form.filters")
    search.locator("input[name=q]").fill(QUERY.format(word=word))
    search.locator("button[type=submit]").click()
    reader.wait_for_url(re.compile(rf"/{LANG}/experts/\?"))
    results = reader.locator("ul.results h2")
    assert results.count() == 1 and results.first.inner_text() == name
    reader.screenshot(path=str(screenshots / "expert-search-ar.png"), full_page=True)
    results.first.get_by_role("link", name=name).click()
    reader.wait_for_url(re.compile(rf"/{LANG}/experts/\d+/$"))
    _assert_arabic(reader)
    assert reader.locator("h1").inner_text() == name

    # 6. The partner sees the address, and the CV downloads as it was sent.
    assert reader.locator(f"main a[href='mailto:{email}']").inner_text() == email
    with reader.expect_download() as download:
        reader.locator("main a[href$='/cv']").click()
    assert download.value.path().read_bytes() == cv.read_bytes()
    assert download.value.suggested_filename.endswith(".pdf")
    reader.context.close()
