"""The quality gates on every page of the site as it stands, found by crawling.

The public pages are crawled as a visitor; the areas behind a login (the staff
panel, TROP's Management Panel) have their gates in test_private_gates.py.

Run them alone with ``bash scripts/test tests/quality``. tests/quality/test_broken_pages.py
shows that each gate fails on a page that breaks it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.crawler import LANGUAGES, SHIPPED_LANGUAGES
from tests.quality import checks
from tests.quality.checks import ROOT
from tests.quality.conftest import SCREENSHOTS

# Every shipped language, Turkish included: the gate site enables them all.
by_language = pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)


def _of(problems: list[str], lang: str) -> list[str]:
    return [problem for problem in problems if problem.startswith(f"/{lang}/")]


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


@by_language
def test_the_crawl_finds_the_pages_of_each_language(site, lang):
    # The gates below are only as good as the crawl: it must reach every kind of page.
    endpoints = {page.endpoint for page in site.in_language(lang)}
    for endpoint in ("pages.home", "pages.about", "programmes.sector", "programmes.programme",
                     "programmes.event", "programmes.archive", "programmes.summary", "contact.form",
                     "trop.catalogue", "trop.opportunity", "trop.institutions", "trop.institution", "trop.apply",
                     "experts.search", "experts.expert", "experts.join"):
        assert endpoint in endpoints, endpoint
    assert not site.broken, site.broken


@pytest.mark.browser
@by_language
def test_accessibility(browser_report, site, lang):
    """axe-core (WCAG 2.0-2.2 A/AA), the skip link, focus rings, 24×24 targets, labels, title, h1."""
    problems = _of(browser_report["accessibility"], lang)
    for page in site.in_language(lang):
        problems += checks.structure_problems(page)
    assert not problems, _report(problems)


@pytest.mark.browser
@by_language
def test_forms_sent_empty_show_errors_tied_to_their_fields(browser_report, site, lang):
    assert any(page.parsed.post_forms for page in site.in_language(lang)), "no form was found"
    problems = _of(browser_report["forms"], lang)
    assert not problems, _report(problems)


@pytest.mark.browser
@by_language
def test_a_clean_browser(browser_report, site, lang):
    """No console error, failed request, CSP violation, foreign asset or inline script."""
    problems = _of(browser_report["clean"], lang)
    for page in site.in_language(lang):
        problems += checks.markup_problems(page)
    assert not problems, _report(problems)


def test_valid_html(site):
    stylesheets = [asset for asset in site.assets.values() if asset.content_type.startswith("text/css")]
    assert stylesheets, "the crawl found no stylesheet"
    problems = checks.html_problems(site.pages, stylesheets)
    assert not problems, _report(problems)


def test_sitemap_lists_every_public_page_with_its_alternates(site, gate_app):
    problems = checks.sitemap_problems(site, gate_app.test_client())
    assert not problems, _report(problems)


def test_robots_txt_points_to_the_sitemap(gate_app):
    problems = checks.robots_problems(gate_app.test_client())
    assert not problems, _report(problems)


def test_every_page_has_a_description_in_its_language(site):
    problems = checks.description_problems(site)
    assert not problems, _report(problems)


def test_every_page_is_light(site):
    problems = checks.weight_problems(site)
    assert not problems, _report(problems)


@pytest.mark.browser
@by_language
def test_readable_with_javascript_off(browser, gate_server, site, lang):
    from tests.quality.browser_checks import javascript_off_problems

    problems = []
    for endpoint, preferred in SCREENSHOTS.values():
        page = site.find(preferred.format(lang=lang)) or site.first(endpoint, lang)
        assert page, endpoint
        problems += javascript_off_problems(browser, gate_server, page.url)
    assert not problems, _report(problems)


@pytest.mark.browser
@by_language
def test_screenshots_of_home_programme_and_archive(browser_report, screenshot_dir, lang):
    for name in SCREENSHOTS:
        shot = screenshot_dir / f"{name}-{lang}.png"
        assert shot.is_file() and shot.stat().st_size > 10_000, shot


def test_the_page_weight_script_prints_every_page():
    # The script builds the site on a database of its own, with the seed content only.
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "page-weight")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["page", "HTML", "CSS", "JS", "total"]
    printed = {line.split()[0] for line in lines[1:-1]}
    for lang in LANGUAGES:
        assert {f"/{lang}/", f"/{lang}/archive/", f"/{lang}/programmes/e-government-working-group/"} <= printed
    assert lines[-1] == lines[-1].strip() and f"{len(printed)} pages; the heaviest is " in lines[-1]


#: Columns of names and places that visitors and staff enter: shown as entered, in any script.
NAME_COLUMNS = ("name", "city", "acronym", "contact_name", "contact_position", "position", "institution",
                "organisation", "country_name")


@pytest.fixture(scope="session")
def entered_names(gate_app) -> set[str]:
    from sqlalchemy import MetaData, String, select

    from oicvet.extensions import db

    words: set[str] = set()
    with gate_app.app_context():
        metadata = MetaData()
        metadata.reflect(db.engine)
        for table in metadata.tables.values():
            columns = [column for column in table.columns
                       if column.name in NAME_COLUMNS and isinstance(column.type, String)]
            for column in columns:
                for value in db.session.scalars(select(column).where(column.is_not(None))):
                    words |= checks._catalog_words([str(value)])
    return words


@pytest.mark.parametrize("lang", [lang for lang in SHIPPED_LANGUAGES if lang != "en"])
def test_no_english_word_of_the_interface_on_a_page_in_another_language(site, lang, entered_names):
    """The interface's English never shows through: a string left out of the catalogs, a label made
    in the code, a validator's message. Text the page marks as English (content that falls back to
    English) and the names people entered are not the interface."""
    english, own = checks.interface_vocabulary(checks.CATALOGS)
    problems = checks.english_word_problems(site, lang, english, own.get(lang, set()), entered_names)
    assert not problems, _report(problems)


def test_arabic_pages_use_arabic_punctuation(site):
    problems = checks.arabic_punctuation_problems(site)
    assert not problems, _report(problems)
