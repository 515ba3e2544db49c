"""A crawl from the home page in each language follows every internal link: no 404, no 500."""

from __future__ import annotations

import pytest

from tests.crawler import crawl


@pytest.fixture(scope="module")
def site(app):
    return crawl(app)


def test_crawl_finds_no_broken_link(site):
    # Each broken URL with the page that links to it.
    assert not site.broken, site.broken


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_crawl_reaches_every_page(site, lang):
    pages = {page.path for page in site.in_language(lang)}
    # Every core page, 6 sectors, 30 programmes and the seeded events are reached.
    assert len(pages) >= 9 + 6 + 30 + 9
    assert all(page.status == 200 for page in site.in_language(lang))


def test_stylesheets_scripts_and_icons_load(site):
    kinds = {asset.content_type.split(";")[0] for asset in site.assets.values()}
    assert {"text/css", "text/javascript", "image/svg+xml"} <= kinds, kinds
