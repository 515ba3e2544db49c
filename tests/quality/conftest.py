"""One crawl of the site and one browser pass over it, shared by every gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawler import LANGUAGES, Site, crawl

#: The pages photographed in each language, by view; the programme is one with events.
SCREENSHOTS = {
    "home": ("pages.home", "/{lang}/"),
    "programme": ("programmes.programme", "/{lang}/programmes/e-government-working-group/"),
    "archive": ("programmes.archive", "/{lang}/archive/"),
}


@pytest.fixture(scope="session")
def site(live_app) -> Site:
    return crawl(live_app)


@pytest.fixture(scope="session")
def screenshot_dir(artifacts) -> Path:
    folder = artifacts / "screenshots"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


def screenshot_plan(site: Site, folder: Path) -> dict[str, Path]:
    """{page URL: file}: home, a programme page and the archive in each language."""
    plan = {}
    for lang in LANGUAGES:
        for name, (endpoint, preferred) in SCREENSHOTS.items():
            page = site.find(preferred.format(lang=lang)) or site.first(endpoint, lang)
            if page:
                plan[page.url] = folder / f"{name}-{lang}.png"
    return plan


@pytest.fixture(scope="session")
def browser_report(browser, live_server, site, screenshot_dir) -> dict[str, list[str]]:
    from tests.quality.browser_checks import check_pages

    return check_pages(browser, live_server, site.pages, screenshot_plan(site, screenshot_dir))
