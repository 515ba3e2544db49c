"""The audit log: every change made in the panel, who made it, when, before and after; administrators only."""

from __future__ import annotations

import html as htmllib
import re
import uuid
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from oicvet.accounts.models import Account, Role
from oicvet.audit import AuditEntry
from oicvet.extensions import db
from oicvet.plugins.registry import get_registry
from oicvet.programmes.texts import ProgrammeText
from tests.conftest import PASSWORD, csrf_token, log_in

AUDIT = "/en/admin/audit/"


def _text(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _rows(html: str) -> list[str]:
    """The log's rows, as text."""
    body = re.search(r'<table class="audit">.*?<tbody>(.*?)</tbody>', html, re.S)
    return [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)] if body else []


def _logged_in(app, make_account, *roles: Role, name: str = "Test Person", sectors: list[str] | None = None):
    account = make_account(*roles, name=name)
    if sectors:
        with app.app_context():
            db.session.get(Account, account.id).set_edited_sectors(sectors)
            db.session.commit()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    return client, account


@pytest.fixture
def admin(app, make_account):
    return _logged_in(app, make_account, Role.ADMINISTRATOR, name=f"Admin {uuid.uuid4().hex[:6]}")


def _entry(account: Account, **values) -> int:
    """An entry written straight into the log, as any part of the panel would leave one."""
    fields = {"kind": "event", "record_id": "1", "record_label": "A record", "sector": None, "action": "update",
              "before": {"title": {"en": "Old"}}, "after": {"title": {"en": "New"}}}
    fields.update(values)
    entry = AuditEntry(account_id=account.id, account_name=account.name, account_email=account.email, **fields)
    db.session.add(entry)
    db.session.commit()
    return entry.id


def test_the_log_shows_a_programme_text_change_with_who_when_before_and_after(app, make_account, admin):
    admin_client, _admin = admin
    name = f"Editor Amal {uuid.uuid4().hex[:6]}"
    editor, account = _logged_in(app, make_account, Role.SECTOR_EDITOR, name=name, sectors=["labour"])
    with app.test_request_context("/en/"):
        entry = get_registry().sector("labour").programmes[0]
        with force_locale("en"):
            title = str(entry.title)
    slug = entry.slug
    with app.app_context():
        row = db.session.get(ProgrammeText, slug)
        if row is not None:
            db.session.delete(row)
            db.session.commit()
    page = editor.get(f"/en/admin/programmes/{slug}/").get_data(as_text=True)
    summary = f"ملخص {uuid.uuid4().hex[:6]}"
    response = editor.post(f"/en/admin/programmes/{slug}/", data={
        "csrf_token": csrf_token(page), "version": "0", "summary-en": "", "summary-ar": summary,
        "summary-fr": "", "body-en": "", "body-ar": "", "body-fr": "",
    })
    assert response.status_code == 302
    page = editor.get(f"/en/admin/programmes/{slug}/").get_data(as_text=True)
    assert editor.post(f"/en/admin/programmes/{slug}/restore", data={"csrf_token": csrf_token(page)}).status_code == 302

    listing = admin_client.get(AUDIT, query_string={"person": account.id}).get_data(as_text=True)
    rows = _rows(listing)
    assert len(rows) == 2
    restored, changed = rows  # newest first
    assert name in changed and account.email in changed and "Programme text" in changed
    assert "Changed" in changed and title in changed and "Labour & Social Security" in changed
    assert "Plugin's text restored" in restored
    assert f"<bdi>{name}</bdi>" in listing
    # When, as a long date and time in the page's language.
    with app.app_context():
        at = db.session.scalars(db.select(AuditEntry.at).where(AuditEntry.account_id == account.id)).first()
    year = str(at.year)
    assert year in changed and "UTC" in changed

    link = re.findall(r'href="(/en/admin/audit/\d+/)"', listing)[-1]
    details = admin_client.get(link)
    assert details.status_code == 200
    text = _text(details.get_data(as_text=True))
    assert name in text and "Programme text" in text
    values = re.search(r'<table class="audit-values">.*?<tbody>(.*?)</tbody>', details.get_data(as_text=True), re.S)
    cells = re.findall(r'<th scope="row"><code>(\w+)</code></th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>',
                       values.group(1), re.S)
    assert [(field, _text(before), _text(after)) for field, before, after in cells] == [
        ("summary", "(empty)", f"العربية: {summary}"),
    ]


def test_the_three_filters_narrow_the_list(app, make_account, admin):
    admin_client, _admin = admin
    first = make_account(Role.SECTOR_EDITOR, name=f"Filter One {uuid.uuid4().hex[:6]}")
    second = make_account(Role.ADMINISTRATOR, name=f"Filter Two {uuid.uuid4().hex[:6]}")
    label = uuid.uuid4().hex[:8]
    with app.app_context():
        _entry(first, sector="ict", kind="event", record_label=f"{label} ict event")
        _entry(first, sector="ict", kind="programme_text", record_label=f"{label} ict text")
        _entry(second, sector=None, kind="focal_point", record_label=f"{label} oicvet point")
        _entry(second, sector="labour", kind="event", record_label=f"{label} labour event")

    def labels(**filters) -> list[str]:
        response = admin_client.get(AUDIT, query_string=filters)
        assert response.status_code == 200
        return sorted(re.search(rf"{label} [a-z]+ [a-z]+", row).group(0) for row in _rows(response.get_data(as_text=True))
                      if label in row)

    listing = admin_client.get(AUDIT).get_data(as_text=True)
    # The person filter offers the accounts of the log, with their e-mail addresses.
    assert f'<option value="{first.id}">{first.name} ({first.email})</option>' in listing
    assert labels(person=first.id) == [f"{label} ict event", f"{label} ict text"]
    assert labels(person=second.id) == [f"{label} labour event", f"{label} oicvet point"]
    assert labels(person=second.id, sector="oicvet") == [f"{label} oicvet point"]
    assert labels(person=second.id, sector="labour") == [f"{label} labour event"]
    assert labels(person=first.id, kind="programme_text") == [f"{label} ict text"]
    assert labels(person=second.id, kind="event", sector="labour") == [f"{label} labour event"]
    assert labels(person=second.id, kind="event", sector="ict") == []
    # Unknown values are ignored, not an error.
    assert labels(person=second.id, sector="nowhere", kind="<script>") == [f"{label} labour event",
                                                                            f"{label} oicvet point"]
    for bad in ({"person": "abc"}, {"person": "99999999999999999999"}, {"kind": "x" * 500}):
        assert admin_client.get(AUDIT, query_string=bad).status_code == 200
    for bad_page in ("0", "abc", "99999999999"):
        assert admin_client.get(AUDIT, query_string={"page": bad_page}).status_code == 404


def test_the_log_is_paginated_by_fifty_newest_first(app, make_account, admin):
    admin_client, _admin = admin
    person = make_account(Role.SECTOR_EDITOR, name=f"Busy {uuid.uuid4().hex[:6]}")
    with app.app_context():
        for number in range(55):
            _entry(person, record_label=f"row {number:02d}",
                   at=datetime(2020, 1, 1, 10, 0, tzinfo=UTC).replace(minute=number))
    first = _rows(admin_client.get(AUDIT, query_string={"person": person.id}).get_data(as_text=True))
    second = _rows(admin_client.get(AUDIT, query_string={"person": person.id, "page": 2}).get_data(as_text=True))
    assert len(first) == 50 and len(second) == 5
    assert "row 54" in first[0] and "row 05" in first[-1] and "row 00" in second[-1]
    assert "1 January 2020, 10:54:00 UTC" in first[0]
    # In the page's language: Arabic months and digits as Babel writes them.
    arabic = _rows(admin_client.get(AUDIT.replace("/en/", "/ar/"), query_string={"person": person.id})
                   .get_data(as_text=True))
    assert "يناير" in arabic[0] and "January" not in arabic[0]


def test_an_entry_shows_values_readably(app, make_account, admin):
    admin_client, _admin = admin
    person = make_account(Role.ADMINISTRATOR, name="Readable Person")
    with app.app_context():
        entry_id = _entry(person, kind="account", action="sectors", record_label="someone@example.org",
                          before={"sectors": ["ict"], "title": {"en": "Old title", "fr": "Ancien titre"}},
                          after={"sectors": ["ict", "labour"], "title": {"en": "New title"}})
    page = admin_client.get(f"/en/admin/audit/{entry_id}/").get_data(as_text=True)
    cells = {field: (_text(before), _text(after)) for field, before, after in re.findall(
        r'<th scope="row"><code>(\w+)</code></th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', page, re.S)}
    assert cells == {"sectors": ("ict", "ict, labour"),
                     "title": ("English: Old title Français: Ancien titre", "English: New title")}
    assert admin_client.get("/en/admin/audit/99999999/").status_code == 404


def test_only_administrators_read_the_log(app, make_account, make_partner):
    editor, _account = _logged_in(app, make_account, Role.SECTOR_EDITOR, sectors=["labour"])
    partner = make_partner()
    partner_client = app.test_client()
    with app.app_context():
        email = db.session.get(Account, partner.account_id).email
    log_in(partner_client, email, PASSWORD)
    with app.app_context():
        entry_id = _entry(_account)
    for client in (editor, partner_client):
        assert client.get(AUDIT).status_code == 403
        assert client.get(f"/en/admin/audit/{entry_id}/").status_code == 403
    anonymous = app.test_client().get(AUDIT)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
