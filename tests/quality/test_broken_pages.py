"""Each quality gate fails on a page that breaks it (the pages are in tests/quality/broken.py)."""

from __future__ import annotations

import pytest

from tests.crawler import crawl
from tests.live import serve
from tests.quality import broken, checks

START = "/en/broken/"


@pytest.fixture(scope="module")
def broken_app(make_app):
    app = make_app()
    app.register_blueprint(broken.bp)
    return app


@pytest.fixture(scope="module")
def broken_site(broken_app):
    return crawl(broken_app, starts=(START,))


@pytest.fixture(scope="module")
def broken_origin(broken_app):
    with serve(broken_app) as origin:
        yield origin


@pytest.fixture(scope="module")
def broken_report(browser, broken_origin, broken_site):
    from tests.quality.browser_checks import check_pages

    return check_pages(browser, broken_origin, broken_site.pages)


def flagged(problems: list[str], page: str, *words: str) -> bool:
    """Whether a problem names ``page`` (a name from broken.PAGES) and says all of ``words``."""
    url = f"/en/broken/{page}/"
    return any(p.startswith(url) and all(w.lower() in p.lower() for w in words) for p in problems)


def test_the_crawl_reaches_every_broken_page_and_reports_a_dead_link(broken_site):
    found = {page.url for page in broken_site.pages}
    assert {f"/en/broken/{name}/" for name in broken.PAGES if name != "moved"} <= found
    assert broken_site.redirects["/en/broken/moved/"] == START
    assert broken_site.broken["/en/broken/nowhere/"] == (404, START)


@pytest.mark.browser
def test_the_accessibility_gate_fails(broken_report, broken_site):
    problems = broken_report["accessibility"]
    for page in broken_site.pages:
        problems += checks.structure_problems(page)
    assert flagged(problems, "image-without-alt", "axe image-alt")
    assert flagged(problems, "tiny-link", "smaller than 24×24", '"Back" is 10×10 px')
    assert flagged(problems, "tiny-link", "smaller than 24×24", '"Alone"')
    assert not flagged(problems, "tiny-link", '"notes"')  # inline in a sentence (WCAG 2.5.8)
    assert flagged(problems, "no-skip-link", "first Tab", "not a visible skip link")
    assert flagged(problems, "no-skip-link", "no visible focus ring", "Back to the list")
    assert flagged(problems, "form", "the field name has no label")
    assert flagged(problems, "two-headings", "exactly one <h1> (found 2)")
    assert flagged(problems, "two-headings", "non-empty <title>")
    # A page without those faults passes the same checks.
    assert not [p for p in problems if p.startswith("/en/broken/heavy/")]


@pytest.mark.browser
def test_the_forms_gate_fails(broken_report):
    problems = broken_report["forms"]
    assert flagged(problems, "form", 'the error "Please enter your name." is not tied to its field')
    # An error tied to the fieldset of a set of choices is tied.
    assert not flagged(problems, "form", "Please choose a topic")


@pytest.mark.browser
def test_the_clean_browser_gate_fails(broken_report, broken_site):
    problems = broken_report["clean"]
    assert flagged(problems, "inline-script", "CSP violation", "script-src")
    assert flagged(problems, "foreign-asset", "CSP violation", "cdn.example.com")
    assert flagged(problems, "script-error", "script error", "broken on purpose")
    assert flagged(problems, "script-error", "missing.png answered 404")
    markup = [p for page in broken_site.pages for p in checks.markup_problems(page)]
    assert flagged(markup, "inline-script", "inline <script>")
    assert flagged(markup, "inline-script", "event-handler", "onclick")
    assert flagged(markup, "foreign-asset", "another host", "https://cdn.example.com/logo.png")
    assert not [p for p in problems + markup if p.startswith("/en/broken/heavy/")]


def test_the_valid_html_gate_fails(broken_site):
    problems = checks.html_problems(broken_site.pages)
    assert flagged(problems, "invalid-html", "Duplicate ID")
    assert flagged(problems, "invalid-html", "“p” element")
    assert flagged(problems, "image-without-alt", "alt")
    assert not [p for p in problems if p.startswith("/en/broken/heavy/")]


def test_the_weight_gate_fails(broken_site):
    problems = checks.weight_problems(broken_site)
    assert flagged(problems, "heavy", "the limit is 100,000")
    assert len(problems) == 1, problems


def test_the_sitemap_gate_fails(broken_site, broken_app):
    problems = checks.sitemap_problems(broken_site, broken_app.test_client())
    assert any(p.startswith("/en/broken/forgotten/ is a public page but not in the sitemap") for p in problems)
    assert any("/en/broken/moved/ is in the sitemap but answers 302" in p for p in problems)


def test_the_robots_gate_fails(make_app):
    app = make_app()
    app.view_functions["seo.robots"] = lambda: ("User-agent: *\nDisallow:\n", {"Content-Type": "text/plain"})
    assert checks.robots_problems(app.test_client()) == ["/robots.txt does not point to the sitemap"]


def test_the_description_gate_fails(broken_site):
    problems = checks.description_problems(broken_site)
    assert flagged(problems, "two-headings", "no meta description")
    assert any(p.startswith("/en/broken/same-description/ and /fr/broken/same-description/") for p in problems)


@pytest.mark.browser
def test_the_javascript_off_gate_fails(browser, broken_origin):
    from tests.quality.browser_checks import javascript_off_problems

    problems = javascript_off_problems(browser, broken_origin, "/en/broken/needs-javascript/")
    assert flagged(problems, "needs-javascript", "no visible heading")
    assert flagged(problems, "needs-javascript", "menu is not visible")
    assert javascript_off_problems(browser, broken_origin, "/en/broken/heavy/") == [
        "/en/broken/heavy/: the menu is not visible with JavaScript off"
    ]
