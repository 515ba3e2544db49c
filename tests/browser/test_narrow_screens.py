"""On a phone-sized screen (390 px wide) the menu follows the page's content: a link at the top leads
to it, and one at its end leads back, without JavaScript, in English and in Arabic."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
MENU = {"en": "Menu", "ar": "القائمة"}
BACK = {"en": "Back to the top", "ar": "العودة إلى أعلى الصفحة"}


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()  # relative to the viewport
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_menu_is_reached_from_the_top_and_left_for_the_top(browser, live_server, artifacts, lang):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/{lang}/archive/")
        menu_link = page.get_by_role("link", name=MENU[lang], exact=True)
        assert menu_link.is_visible()
        assert _in_view(page, "a.menu-link")  # on the first screen
        first_menu_link = "nav.site-menu > ul > li > a"
        assert not _in_view(page, first_menu_link)  # the menu is further down, after the content

        # Within the first few Tab presses, not twenty.
        for _press in range(5):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('menu-link')"):
                break
        else:
            pytest.fail("the menu link is not among the first five Tab stops")

        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server}/{lang}/archive/#site-menu")
        assert _in_view(page, first_menu_link)
        page.screenshot(path=str(artifacts / "screenshots" / f"narrow-menu-{lang}.png"))

        page.get_by_role("link", name=BACK[lang], exact=True).click()
        page.wait_for_url(f"{live_server}/{lang}/archive/#top")
        assert _in_view(page, "a.menu-link") and page.evaluate("window.scrollY") == 0
    finally:
        context.close()


def test_wide_screens_show_the_menu_beside_the_content_without_these_links(page, live_server):
    page.goto(f"{live_server}/en/archive/")
    assert not page.locator("a.menu-link").is_visible()
    assert not page.locator(".top-link a").is_visible()
