"""One crawl of the site and one browser pass over it, shared by every gate; the same for the
areas behind a login: the staff panel, crawled as a logged-in administrator, TROP's Management
Panel, crawled as a logged-in TROP member, and the expert's own profile, crawled as a logged-in
expert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_test_database
from tests.crawler import (
    PANEL_PAGES_PER_VIEW,
    SHIPPED_LANGUAGES,
    Page,
    Site,
    crawl,
    crawl_management_panel,
    crawl_panel,
)
from tests.live import serve

#: The pages photographed in each language, by view; the programme is one with events.
SCREENSHOTS = {
    "home": ("pages.home", "/{lang}/"),
    "programme": ("programmes.programme", "/{lang}/programmes/e-government-working-group/"),
    "archive": ("programmes.archive", "/{lang}/archive/"),
}


@pytest.fixture(scope="session")
def gate_app(make_app, tmp_path_factory) -> Flask:
    """The site the gates crawl, on a database of its own: the seed and what the gates add to it,
    never what other tests left behind (a crawl of their records would only be longer)."""
    return make_app(SQLALCHEMY_DATABASE_URI=make_test_database(tmp_path_factory, "gates"),
                    CONTACT_RATE_LIMIT="1000 per minute", LANGUAGES=SHIPPED_LANGUAGES)


@pytest.fixture(scope="session")
def gate_server(gate_app) -> Iterator[str]:
    with serve(gate_app) as url:
        yield url


@pytest.fixture(scope="session")
def trop_seed(gate_app) -> dict[str, object]:
    """A TROP member with a published opportunity (titled in every language) and a draft, and an
    institution waiting for review, so that the crawls reach an institution's page, an opportunity's
    page, every page of the Management Panel and the staff's pages of TROP."""
    from oicvet.profiles.status import Status
    from tests.trop_helpers import add_opportunity, create_institution

    account, institution = create_institution(gate_app, name="Quality Gate Institute of Water Trades")
    published = add_opportunity(gate_app, institution, title={
        "en": "Quality gate workshop on drip irrigation",
        "fr": "Atelier des contrôles de qualité sur l’irrigation goutte à goutte",
        "ar": "ورشة عمل بوابات الجودة حول الري بالتنقيط",
    }, languages=("en", "fr", "ar"))
    draft = add_opportunity(gate_app, institution, title="Quality gate draft course", published=False)
    _applicant, waiting = create_institution(gate_app, Status.PENDING, name="Quality Gate Applicant Institute")
    return {"member_email": account.email, "institution": institution.id, "published": published.id,
            "draft": draft.id, "waiting": waiting.id}


@pytest.fixture(scope="session")
def expert_seed(gate_app) -> dict[str, object]:
    """An approved expert in both rosters and one waiting for review, so that the crawls reach the
    roster's search with a result, its pages filtered by roster, an expert's page, the expert's own
    profile and the staff's review of experts. No crawl reads a CV: it is a file, linked only for
    staff, partners and its owner, and outside the areas their crawls keep to."""
    from oicvet.profiles.status import Status
    from tests.expert_helpers import ENVIRONMENT, SAFETY, create_expert

    account, expert = create_expert(gate_app, name="Quality Gate Expert in Water and Safety",
                                    rosters=(ENVIRONMENT, SAFETY))
    _applicant, waiting = create_expert(gate_app, Status.PENDING, name="Quality Gate Applicant Expert")
    return {"expert_email": account.email, "expert": expert.id, "waiting": waiting.id}


@pytest.fixture(scope="session")
def site(gate_app, trop_seed, expert_seed) -> Site:
    return crawl(gate_app)


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
    for lang in site.languages:
        for name, (endpoint, preferred) in SCREENSHOTS.items():
            page = site.find(preferred.format(lang=lang)) or site.first(endpoint, lang)
            if page:
                plan[page.url] = folder / f"{name}-{lang}.png"
    return plan


@pytest.fixture(scope="session")
def browser_report(browser, gate_server, site, screenshot_dir) -> dict[str, list[str]]:
    from tests.quality.browser_checks import check_pages

    plan = screenshot_plan(site, screenshot_dir)
    photographed = [page for page in site.pages if page.url in plan]
    pages = list({page.url: page for page in [*pages_per_view(site, PUBLIC_PAGES_PER_VIEW), *photographed]}.values())
    return check_pages(browser, gate_server, pages, plan)


# The staff panel, crawled and checked as a logged-in administrator --------------------------------

@pytest.fixture(scope="session")
def panel_seed(gate_app) -> dict[str, object]:
    """What the panel's pages show for the gates: an event with a photo and a document, an unread
    message, a National Focal Point, an entry of the audit log and a partner waiting for review."""
    from oicvet.accounts.models import Role
    from oicvet.models import EventFile
    from tests.panel_helpers import (
        add_audit_entry,
        add_event,
        add_event_file,
        add_focal_point,
        add_message,
        add_pending_partner,
        create_account,
    )

    admin = create_account(gate_app, Role.ADMINISTRATOR, name="Gate Administrator")
    event = add_event(gate_app, "Quality gate workshop on safety at work")
    add_event_file(gate_app, event, EventFile.PHOTO, stored=True)
    add_event_file(gate_app, event, EventFile.DOCUMENT, stored=True)
    return {
        "admin": admin.id,
        "event": event,
        "message": add_message(gate_app, "A question for the quality gates"),
        "focal_point": add_focal_point(gate_app),
        "entry": add_audit_entry(gate_app, admin, event),
        "partner": add_pending_partner(gate_app, "Quality Gate Training Institute"),
        "admin_email": admin.email,
    }


def _logged_in_client(app, email: str):
    from tests.conftest import PASSWORD, log_in

    client = app.test_client()
    response = log_in(client, email, PASSWORD)
    assert response.status_code in (302, 303), f"{email} could not log in for the gates"
    return client


@pytest.fixture(scope="session")
def panel_client(gate_app, panel_seed):
    """A test client of the live app, logged in as the seeded administrator."""
    return _logged_in_client(gate_app, panel_seed["admin_email"])


@pytest.fixture(scope="session")
def panel_site(gate_app, panel_client, panel_seed, trop_seed, expert_seed) -> Site:
    # The seeded event first, so that the cap on pages per view keeps its photo and document in.
    first = tuple(f"/{lang}/admin/events/{panel_seed['event']}/" for lang in gate_app.config["LANGUAGES"])
    return crawl_panel(gate_app, panel_client, first)


@pytest.fixture(scope="session")
def member_client(gate_app, trop_seed):
    """A test client of the live app, logged in as the seeded TROP member."""
    return _logged_in_client(gate_app, trop_seed["member_email"])


@pytest.fixture(scope="session")
def member_site(gate_app, member_client, trop_seed) -> Site:
    return crawl_management_panel(gate_app, member_client)


def in_expert_profile(path: str) -> bool:
    """A path of the expert's own profile (``/<lang>/experts/profile...``): never the expert's public
    page, nor the CV, which are outside it."""
    parts = path.split("/", 3)  # "", lang, "experts", rest
    return len(parts) == 4 and parts[2] == "experts" and parts[3].startswith("profile")


@pytest.fixture(scope="session")
def expert_client(gate_app, expert_seed):
    """A test client of the live app, logged in as the seeded approved expert."""
    return _logged_in_client(gate_app, expert_seed["expert_email"])


@pytest.fixture(scope="session")
def expert_site(gate_app, expert_client, expert_seed) -> Site:
    starts = tuple(f"/{lang}/experts/profile" for lang in gate_app.config["LANGUAGES"])
    return crawl(gate_app, starts, client=expert_client, within=in_expert_profile, per_view=PANEL_PAGES_PER_VIEW)


#: How many pages of one view, in each language, the public browser pass opens: the pages of a view
#: share their template, their records differ (a programme with photos, one without).
PUBLIC_PAGES_PER_VIEW = 3


def pages_per_view(site: Site, count: int) -> list[Page]:
    """The first ``count`` pages the crawl found of each view, in each language.

    The browser pass opens these only: pages of one view share their template, and
    a browser visit costs a second or more. The checks without a browser (valid
    HTML, markup, structure, weight) still read every page crawled.
    """
    chosen: dict[tuple[str | None, str | None], list[Page]] = {}
    for page in site.pages:
        found = chosen.setdefault((page.endpoint, page.lang), [])
        if len(found) < count:
            found.append(page)
    return [page for pages in chosen.values() for page in pages]


def _browser_report(browser, gate_server, site: Site, client) -> dict[str, list[str]]:
    from tests.quality.browser_checks import check_pages

    cookie = client.get_cookie("session")
    assert cookie is not None, "the logged-in client has no session cookie"
    cookies = [{"name": cookie.key, "value": cookie.value, "url": gate_server, "httpOnly": True, "sameSite": "Lax"}]
    return check_pages(browser, gate_server, pages_per_view(site, 1), cookies=cookies, staff=True)


@pytest.fixture(scope="session")
def panel_browser_report(browser, gate_server, panel_site, panel_client) -> dict[str, list[str]]:
    return _browser_report(browser, gate_server, panel_site, panel_client)


@pytest.fixture(scope="session")
def member_browser_report(browser, gate_server, member_site, member_client) -> dict[str, list[str]]:
    return _browser_report(browser, gate_server, member_site, member_client)


@pytest.fixture(scope="session")
def expert_browser_report(browser, gate_server, expert_site, expert_client) -> dict[str, list[str]]:
    return _browser_report(browser, gate_server, expert_site, expert_client)


#: The areas behind a login that the gates crawl: the fixtures of each one's crawl and browser pass.
AREAS = {
    "staff panel": ("panel_site", "panel_browser_report"),
    "Management Panel": ("member_site", "member_browser_report"),
    "expert profile": ("expert_site", "expert_browser_report"),
}


@pytest.fixture(scope="session", params=list(AREAS))
def area(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def area_site(request, area) -> Site:
    return request.getfixturevalue(AREAS[area][0])


@pytest.fixture(scope="session")
def area_browser_report(request, area) -> dict[str, list[str]]:
    return request.getfixturevalue(AREAS[area][1])
