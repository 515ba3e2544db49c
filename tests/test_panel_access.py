"""Who may open and send what in the staff panel: one row per route, one column per person.

Every rule of the app under ``/<lang>/admin`` is in ``MATRIX``, with each of its
methods among GET and POST, and the matrix lists nothing else: a new staff
route fails ``test_the_matrix_lists_every_staff_route`` until it has a row.

Who may: STAFF = administrators and every sector editor; SECTOR = administrators
and the editors of the record's sector (the records here are of "labour");
ADMIN = administrators only. Everyone else logged in gets a 403; an anonymous
visitor is sent to the login page. POSTs carry a valid CSRF token of the same
session, so a refusal is the guard's, never the CSRF check's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oicvet.accounts.models import Account, Role
from oicvet.experts.models import Expert
from oicvet.models import ContactMessage, Event, FocalPoint
from oicvet.partners.models import Partner
from oicvet.profiles.status import Status
from oicvet.trop.models import TropInstitution
from tests.expert_helpers import SAFETY, create_expert
from tests.panel_helpers import (
    OTHER_SECTOR,
    PROGRAMME,
    SECTOR,
    add_audit_entry,
    add_event,
    add_event_file,
    add_focal_point,
    add_message,
    add_pending_partner,
    create_account,
    logged_in,
    remove,
)
from tests.trop_helpers import add_opportunity, create_institution

PREFIX = "/<lang:lang>/admin"
LANG = "en"

# Who may use a route.
STAFF, SECTOR_STAFF, ADMIN = "staff", "sector staff", "admin"

#: The people who try each route, in the matrix's column order.
PERSONAS = ("anonymous", "partner", "trop member", "expert", "editor of another sector",
            "editor of this sector", "administrator")

#: What each kind of route lets each person do: True = allowed, False = 403 (anonymous: to the login page).
ALLOWED = {
    STAFF: {"editor of another sector", "editor of this sector", "administrator"},
    SECTOR_STAFF: {"editor of this sector", "administrator"},
    ADMIN: {"administrator"},
}


@dataclass(frozen=True)
class Row:
    rule: str  # after /<lang>/admin
    methods: str
    who: str


# fmt: off
MATRIX = [
    #   rule                                                  methods     who may
    # Home
    Row("/",                                                 "GET",      STAFF),
    # Events
    Row("/events/",                                          "GET",      STAFF),
    Row("/events/new",                                       "GET POST", STAFF),
    Row("/events/<int:event_id>/",                           "GET POST", SECTOR_STAFF),
    Row("/events/<int:event_id>/publish",                    "POST",     SECTOR_STAFF),
    Row("/events/<int:event_id>/unpublish",                  "POST",     SECTOR_STAFF),
    Row("/events/<int:event_id>/delete",                     "GET POST", SECTOR_STAFF),
    Row("/events/<int:event_id>/photos",                     "POST",     SECTOR_STAFF),
    Row("/events/<int:event_id>/documents",                  "POST",     SECTOR_STAFF),
    Row("/events/<int:event_id>/files/<int:file_id>/delete", "POST",     SECTOR_STAFF),
    Row("/committee/",                                       "GET",      ADMIN),
    # Programme texts
    Row("/programmes/",                                      "GET",      STAFF),
    Row("/programmes/<slug>/",                               "GET POST", SECTOR_STAFF),
    Row("/programmes/<slug>/restore",                        "POST",     SECTOR_STAFF),
    # Audit log
    Row("/audit/",                                           "GET",      ADMIN),
    Row("/audit/<int:entry_id>/",                            "GET",      ADMIN),
    # Accounts and roles
    Row("/accounts/",                                        "GET",      ADMIN),
    Row("/accounts/new",                                     "GET POST", ADMIN),
    Row("/accounts/<int:account_id>/",                       "GET POST", ADMIN),
    Row("/accounts/<int:account_id>/disable",                "POST",     ADMIN),
    Row("/accounts/<int:account_id>/enable",                 "POST",     ADMIN),
    Row("/accounts/<int:account_id>/welcome",                "POST",     ADMIN),
    # National Focal Points
    Row("/focal-points/",                                    "GET",      ADMIN),
    Row("/focal-points/new",                                 "GET POST", ADMIN),
    Row("/focal-points/<int:point_id>/",                     "GET POST", ADMIN),
    Row("/focal-points/<int:point_id>/delete",               "POST",     ADMIN),
    # Contact Us inbox
    Row("/inbox/",                                           "GET",      ADMIN),
    Row("/inbox/<int:message_id>/",                          "GET",      ADMIN),
    Row("/inbox/<int:message_id>/read",                      "POST",     ADMIN),
    Row("/inbox/<int:message_id>/unread",                    "POST",     ADMIN),
    Row("/inbox/<int:message_id>/delete",                    "POST",     ADMIN),
    # Partner review queue (oicvet/profiles/review.py)
    Row("/partners/",                                        "GET",      ADMIN),
    Row("/partners/<int:profile_id>/",                       "GET POST", ADMIN),
    # TROP: the review of training institutions, and every training opportunity (oicvet/trop/oversight.py)
    Row("/institutions/",                                    "GET",      ADMIN),
    Row("/institutions/<int:profile_id>/",                   "GET POST", ADMIN),
    Row("/opportunities/",                                   "GET",      STAFF),
    Row("/opportunities/<int:opportunity_id>/",              "GET",      STAFF),
    Row("/opportunities/<int:opportunity_id>/",              "POST",     SECTOR_STAFF),
    # Expert review queue (oicvet/experts/kind.py): administrators, and the editors of a sector with a
    # roster; the expert here is in labour's roster, and the other sector has no roster (403 on the queue)
    Row("/experts/",                                         "GET",      SECTOR_STAFF),
    Row("/experts/<int:profile_id>/",                        "GET POST", SECTOR_STAFF),
]
# fmt: on

#: {(rule, method): who may}, the matrix's keys as url_map names them.
EXPECTED = {(PREFIX + row.rule, method): row.who for row in MATRIX for method in row.methods.split()}
CHECKS = [(rule, method, persona) for (rule, method) in EXPECTED for persona in PERSONAS]
ALLOWED_STATUSES = (200, 302, 303, 400, 409)
PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def staff_routes(app: Flask) -> set[tuple[str, str]]:
    """(rule, method) of every staff route the app has, for GET and POST."""
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX)
        for method in sorted((rule.methods or set()) & {"GET", "POST"})
    }


def test_the_matrix_lists_every_staff_route(app):
    found = staff_routes(app)
    unlisted = sorted(found - EXPECTED.keys())
    missing = sorted(EXPECTED.keys() - found)
    assert not unlisted, f"staff routes the matrix does not list (add a row): {unlisted}"
    assert not missing, f"routes in the matrix that the app does not have: {missing}"


# The people, logged in once for the whole module ------------------------------------------------

@pytest.fixture(scope="module")
def people(app) -> dict[str, tuple[FlaskClient, str]]:
    """{persona: (a client logged in as that person, a CSRF token of its session)}."""
    accounts: dict[str, Account | None] = {
        "anonymous": None,
        "partner": create_account(app, Role.PARTNER),
        "trop member": create_account(app, Role.TROP_MEMBER),
        "expert": create_account(app, Role.EXPERT),
        "editor of another sector": create_account(app, Role.SECTOR_EDITOR, sectors=(OTHER_SECTOR,)),
        "editor of this sector": create_account(app, Role.SECTOR_EDITOR, sectors=(SECTOR,)),
        "administrator": create_account(app, Role.ADMINISTRATOR),
    }
    return {persona: logged_in(app, account, LANG) for persona, account in accounts.items()}


@pytest.fixture(scope="module")
def author(app) -> Account:
    """The person the audit entries of this module name."""
    return create_account(app, Role.ADMINISTRATOR, name="Audit Author")


# The records a route acts on, made for each check and removed after it ---------------------------

@pytest.fixture
def records(app, author) -> Iterator[Callable[[str], dict[str, object]]]:
    """``records(rule)``: fresh records for the placeholders of ``rule``; what a check left is removed after it."""
    from oicvet.audit import AuditEntry
    from oicvet.extensions import db
    from oicvet.programmes.texts import ProgrammeText

    made: list[tuple[type, object]] = []
    with app.app_context():
        had_text = db.session.get(ProgrammeText, PROGRAMME) is not None

    def event() -> int:
        event_id = add_event(app)
        made.append((Event, event_id))
        return event_id

    def account() -> int:
        target = create_account(app, Role.PARTNER, name="Target Account")
        made.append((Account, target.id))
        return target.id

    def partner() -> int:
        profile_id = add_pending_partner(app, "Matrix Review Institute")
        with app.app_context():
            made.append((Account, db.session.get(Partner, profile_id).account_id))
        made.insert(0, (Partner, profile_id))
        return profile_id

    def expert() -> int:
        account, found = create_expert(app, Status.PENDING, rosters=(SAFETY,))
        made.insert(0, (Expert, found.id))
        made.append((Account, account.id))
        return found.id

    def institution(status: Status) -> TropInstitution:
        account, found = create_institution(app, status)
        made.insert(0, (TropInstitution, found.id))
        made.append((Account, account.id))
        return found

    def make(rule: str) -> dict[str, object]:
        names = set(PLACEHOLDER.findall(rule))
        values: dict[str, object] = {"lang": LANG, "slug": PROGRAMME}
        if names & {"event_id", "file_id"}:
            values["event_id"] = event()
            values["file_id"] = add_event_file(app, values["event_id"])
        if "point_id" in names:
            values["point_id"] = add_focal_point(app)
            made.append((FocalPoint, values["point_id"]))
        if "message_id" in names:
            values["message_id"] = add_message(app)
            made.append((ContactMessage, values["message_id"]))
        if "account_id" in names:
            values["account_id"] = account()
        if "entry_id" in names:
            values["entry_id"] = add_audit_entry(app, author)
            made.append((AuditEntry, values["entry_id"]))
        if "profile_id" in names:
            if rule.startswith(f"{PREFIX}/institutions/"):
                values["profile_id"] = institution(Status.PENDING).id
            elif rule.startswith(f"{PREFIX}/experts/"):
                values["profile_id"] = expert()
            else:
                values["profile_id"] = partner()
        if "opportunity_id" in names:
            values["opportunity_id"] = add_opportunity(app, institution(Status.APPROVED)).id
        return values

    yield make
    for model, record_id in made:
        remove(app, model, record_id)
    if not had_text:  # a check may have saved a text of the programme: the plugin's text is back
        remove(app, ProgrammeText, PROGRAMME)


def url_of(rule: str, values: dict[str, object]) -> str:
    def value(match: re.Match[str]) -> str:
        return str(values[match.group(1)])

    return PLACEHOLDER.sub(value, rule)


def _label(check: tuple[str, str, str]) -> str:
    rule, method, persona = check
    return f"{method} {rule.removeprefix(PREFIX) or '/'} as {persona}"


@pytest.mark.parametrize("check", CHECKS, ids=[_label(check) for check in CHECKS])
def test_who_may_use_each_staff_route(people, records, check):
    rule, method, persona = check
    client, token = people[persona]
    url = url_of(rule, records(rule))
    response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
    status = response.status_code
    location = urlsplit(response.headers.get("Location", "")).path
    login = f"/{LANG}/account/login"

    if persona == "anonymous":
        assert status in (302, 303) and location == login, f"{method} {url}: {status} to {location!r}"
    elif persona in ALLOWED[EXPECTED[(rule, method)]]:
        assert status in ALLOWED_STATUSES, f"{method} {url} as {persona}: {status}"
        assert location != login, f"{method} {url} as {persona} was sent to the login page"
    else:
        assert status == 403, f"{method} {url} as {persona}: {status}, not 403"


# CSRF: every change in the panel is written to the audit log, so a POST without its token that
# changes nothing leaves the log as it was ------------------------------------------------------

POSTS = [rule for (rule, method) in EXPECTED if method == "POST"]




@pytest.mark.parametrize("rule", POSTS, ids=[rule.removeprefix(PREFIX) for rule in POSTS])
def test_every_panel_post_without_its_token_changes_nothing(audit, people, records, rule):
    client, _token = people["administrator"]
    url = url_of(rule, records(rule))
    before = audit.count()
    response = client.post(url, data={"decision": "approve", "administrator": "y", "title-en": "Forged"})
    assert response.status_code in (200, 302, 303, 400), f"POST {url}: {response.status_code}"
    assert audit.count() == before, f"POST {url} without a token changed something"
