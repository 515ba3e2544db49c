"""The quality gates on the areas behind a login, found by crawling: the staff panel, as a logged-in
administrator, TROP's Management Panel, as a logged-in member, and the expert's own profile, as a
logged-in expert (tests/quality/conftest.py: AREAS).

Their pages are not public: no sitemap entry or meta description is asked of
them, and they must stay out of the sitemap. In a file of their own, so that
parallel workers run these crawls beside the public one.
"""

from __future__ import annotations

import pytest

from tests.quality import checks
from tests.quality.test_gates import _of, _report, by_language

#: Where each area's pages are: every GET view under this path is reached by a link from its home.
AREA_PATHS = {"staff panel": "/<lang:lang>/admin", "Management Panel": "/<lang:lang>/trop/manage",
              "expert profile": "/<lang:lang>/experts/profile"}


def _area_views(app, area: str) -> set[str]:
    """Every page of the area a link can open (its GET views under the area's path)."""
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.startswith(AREA_PATHS[area]) and "GET" in (rule.methods or ())}


@by_language
def test_the_crawl_of_each_private_area_reaches_its_every_page(area, area_site, gate_app, lang):
    # The gates are only as good as the crawl: every view of the area, reached by links from its home.
    pages = area_site.in_language(lang)
    missing = sorted(_area_views(gate_app, area) - {page.endpoint for page in pages})
    assert not missing, f"no link of the {area} leads to {missing}"
    assert not area_site.broken, area_site.broken
    assert all(page.status == 200 for page in pages)


@pytest.mark.browser
@by_language
def test_private_area_accessibility(area_browser_report, area_site, lang):
    """The same checks as the public pages': axe-core, skip link, focus rings, targets, labels, title, h1."""
    problems = _of(area_browser_report["accessibility"], lang)
    for page in area_site.in_language(lang):
        problems += checks.structure_problems(page)
    assert not problems, _report(problems)


@pytest.mark.browser
@by_language
def test_private_area_forms_sent_empty_show_errors_tied_to_their_fields(area_browser_report, area_site, lang):
    assert any(page.parsed.post_forms for page in area_site.in_language(lang)), "no form was found"
    problems = _of(area_browser_report["forms"], lang)
    assert not problems, _report(problems)


@pytest.mark.browser
@by_language
def test_private_area_in_a_clean_browser(area_browser_report, area_site, lang):
    problems = _of(area_browser_report["clean"], lang)
    for page in area_site.in_language(lang):
        problems += checks.markup_problems(page)
    assert not problems, _report(problems)


def test_private_area_valid_html(area_site):
    problems = checks.html_problems(area_site.pages)
    assert not problems, _report(problems)


def test_private_area_pages_are_light(area_site):
    problems = checks.weight_problems(area_site)
    assert not problems, _report(problems)


def test_private_area_pages_stay_out_of_the_sitemap(area_site, gate_app):
    listed = {checks._local(loc) for loc in checks.read_sitemap(gate_app.test_client().get("/sitemap.xml").data)}
    leaked = sorted(page.path for page in area_site.pages if page.path in listed)
    assert not leaked, _report(leaked)
