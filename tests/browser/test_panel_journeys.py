"""Two journeys through the staff panel in a real browser.

In Arabic, a sector editor adds an event to one of the sector's programmes,
with a document and a photo, and finds it all on the public pages. In French,
an administrator makes someone a sector editor, who then logs in and opens the
panel's events. Fields are found by their name and pages by their URL: the
visible words change when the catalogs are translated.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest

from oicvet.accounts.models import Role
from tests.conftest import PASSWORD
from tests.panel_helpers import PROGRAMME, SECTOR, create_account, pdf_bytes, png_bytes

pytestmark = pytest.mark.browser


def _log_in(page, live_server: str, lang: str, email: str) -> None:
    page.goto(f"{live_server}/{lang}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/account/$"))


def _open_panel(page, lang: str) -> None:
    """From the account page, the link to the staff panel."""
    page.locator(f"main a[href='/{lang}/admin/']").click()
    page.wait_for_url(re.compile(rf"/{lang}/admin/$"))
    assert page.locator("main h1").count() == 1


def _send(page, form) -> None:
    """Submit ``form`` with its own button and wait for the page that answers."""
    with page.expect_navigation(wait_until="load"):
        form.locator("button[type=submit]").click()


def test_a_sector_editor_adds_an_event_with_a_document_and_a_photo_in_arabic(page, live_app, live_server,
                                                                              tmp_path):
    lang = "ar"
    word = uuid.uuid4().hex[:8]
    title_en = f"Workshop on safety at work {word}"
    title_ar = f"ورشة عمل حول السلامة في العمل {word}"
    editor = create_account(live_app, Role.SECTOR_EDITOR, sectors=(SECTOR,), language=lang,
                            name="محرر قطاع العمل")
    document = tmp_path / "terms-of-reference.pdf"
    document.write_bytes(pdf_bytes())
    photo = tmp_path / "workshop.png"
    photo.write_bytes(png_bytes(320, 200))

    # 1. The editor logs in and opens the panel, then the events, then a new event.
    _log_in(page, live_server, lang, editor.email)
    assert page.locator("html").get_attribute("dir") == "rtl"
    _open_panel(page, lang)
    page.locator(f"nav.panel-menu a[href='/{lang}/admin/events/']").click()
    page.wait_for_url(re.compile(rf"/{lang}/admin/events/$"))
    page.locator(f"main a[href='/{lang}/admin/events/new']").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/admin/events/new$"))

    # 2. The event, in English and Arabic, published at once.
    form = page.locator("form.event-form")
    form.locator("select[name=programme]").select_option(PROGRAMME)
    form.locator("select[name=kind]").select_option("workshop")
    form.locator("input[name=title-en]").fill(title_en)
    form.locator("input[name=title-ar]").fill(title_ar)
    form.locator("input[name=year]").fill(str(date.today().year))
    form.locator("input[name=publish]").check()
    _send(page, form)
    assert re.search(rf"/{lang}/admin/events/\d+/$", page.url), page.url
    assert page.locator(".notice--success[role=status]").count() == 1
    event_id = int(re.search(r"/events/(\d+)/", page.url).group(1))

    # 3. A document, then a photo.
    form = page.locator(f"form[action='/{lang}/admin/events/{event_id}/documents']")
    form.locator("input[name=document]").set_input_files(str(document))
    form.locator("input[name=document_title-en]").fill("Terms of reference")
    form.locator("input[name=document_title-ar]").fill("الشروط المرجعية")
    form.locator("select[name=document_language]").select_option("en")
    _send(page, form)
    assert page.locator(".notice--success[role=status]").count() == 1
    form = page.locator(f"form[action='/{lang}/admin/events/{event_id}/photos']")
    form.locator("input[name=photo]").set_input_files(str(photo))
    form.locator("input[name=photo_alt-en]").fill("Participants of the workshop")
    form.locator("input[name=photo_alt-ar]").fill("المشاركون في ورشة العمل")
    _send(page, form)
    assert page.locator(".notice--success[role=status]").count() == 1
    assert page.locator("#files img").count() == 1

    # 4. Visitors see the event on the programme's page, in Arabic.
    page.goto(f"{live_server}/{lang}/programmes/{PROGRAMME}/")
    link = page.locator(f"main a[href='/{lang}/events/{event_id}/']")
    assert link.count() == 1 and title_ar in link.inner_text()
    link.click()
    page.wait_for_url(re.compile(rf"/{lang}/events/{event_id}/$"))
    assert title_ar in page.locator("main h1").inner_text()

    # 5. Its photo loads, and its document downloads as an attachment.
    image = page.locator(".event-photos img")
    assert image.count() == 1
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.get_attribute("alt") == "المشاركون في ورشة العمل"
    download = page.locator(".event-documents a").first
    href = download.get_attribute("href")
    response = page.request.get(live_server + href)
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.body().startswith(b"%PDF-")


def test_an_administrator_makes_someone_a_sector_editor_in_french(page, browser, live_app, live_server):
    lang = "fr"
    admin = create_account(live_app, Role.ADMINISTRATOR, language=lang, name="Administratrice")
    person = create_account(live_app, language=lang, name=f"Future rédactrice {uuid.uuid4().hex[:6]}")

    # 1. The administrator finds the account by its e-mail address among the accounts.
    _log_in(page, live_server, lang, admin.email)
    _open_panel(page, lang)
    page.locator(f"nav.panel-menu a[href='/{lang}/admin/accounts/']").click()
    page.wait_for_url(re.compile(rf"/{lang}/admin/accounts/$"))
    search = page.locator("main form.filters")
    search.locator("input[name=q]").fill(person.email)
    _send(page, search)
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1 and person.email in rows.first.inner_text()
    rows.first.locator(f"a[href='/{lang}/admin/accounts/{person.id}/']").click()
    page.wait_for_url(re.compile(rf"/{lang}/admin/accounts/{person.id}/$"))

    # 2. Makes it a sector editor of Labour & Social Security, saves, and is told so.
    form = page.locator(f"main form[action='/{lang}/admin/accounts/{person.id}/']")
    form.locator("input[name=sector_editor]").check()
    form.locator(f"input[name=sectors][value={SECTOR}]").check()
    _send(page, form)
    assert page.locator(".notice--success[role=status]").count() == 1
    assert page.locator(f"input[name=sectors][value={SECTOR}]").is_checked()

    # 3. That person logs in, sees the link to the staff panel, and opens the events.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = context.new_page()
        _log_in(other, live_server, lang, person.email)
        assert other.locator(f"main a[href='/{lang}/admin/']").count() == 1
        _open_panel(other, lang)
        other.locator(f"nav.panel-menu a[href='/{lang}/admin/events/']").click()
        other.wait_for_url(re.compile(rf"/{lang}/admin/events/$"))
        assert other.locator("main h1").count() == 1
        assert other.locator(f"main a[href='/{lang}/admin/events/new']").count() >= 1
    finally:
        context.close()
