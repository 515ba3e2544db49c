"""Moderation in the Partners Database.

An approved partner's edits wait for an administrator while the approved
version stays public; and a profile whose e-mail address is not confirmed can
be neither approved nor rejected.
"""

from __future__ import annotations

import html as htmllib
import re
import uuid

from sqlalchemy import inspect, select, text

from oicvet.accounts.models import Account, Role
from oicvet.audit import AuditEntry
from oicvet.extensions import db
from oicvet.partners.models import Partner, Status
from tests.conftest import PASSWORD, log_in, partner_fields, submit

QUEUE = "/en/admin/partners/"
CHANGES_TAB = "/en/admin/partners/?status=changes"
PROFILE = "/en/partners/profile"


def _word() -> str:
    """A made-up word no other test uses, to find one partner among many."""
    return "zq" + uuid.uuid4().hex[:8]


def _partner(app, email: str) -> Partner:

    with app.app_context():
        return db.session.execute(
            db.select(Partner).join(Account).where(Account.email == email.lower())
        ).scalar_one()


def _text(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _found(client, query: str) -> list[str]:
    """The names Partner Search lists for ``query``."""
    page = client.get("/en/partners/", query_string={"q": query}).get_data(as_text=True)
    results = re.search(r'<ul class="results">(.*?)</ul>', page, re.S)
    return re.findall(r"<h2><a [^>]*><bdi>(.*?)</bdi>", results.group(1)) if results else []


def _queue_names(html: str) -> list[str]:
    table = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return [_text(name) for name in re.findall(r"<td><a [^>]*>(.*?)</a></td>", table.group(1), re.S)] if table else []


def _changes(html: str) -> list[tuple[str, str, str]]:
    """The review page's table of changes: (field, approved version, proposed change)."""
    table = re.search(r"<caption>Fields the partner changed</caption>(.*?)</table>", html, re.S)
    if not table:
        return []
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>', table.group(1), re.S)
    return [(_text(field), _text(before), _text(after)) for field, before, after in rows]


def _version(html: str) -> str:
    return re.search(r'name="changes" type="hidden" value="([^"]+)"', html).group(1)


def _staff(app, make_account, language: str = "en"):
    admin = make_account(Role.ADMINISTRATOR, language=language)
    client = app.test_client()
    log_in(client, admin.email, PASSWORD)
    return admin, client


def _own(app, partner):
    client = app.test_client()
    log_in(client, partner.email, PASSWORD)
    return client


def _decide_on_changes(staff, partner_id: int, decision: str, **data):
    page = f"/en/admin/partners/{partner_id}/"
    version = _version(staff.get(page).get_data(as_text=True))
    return submit(staff, page, {"decision": decision, "changes": version, **data})


def _approved_with_changes(app, make_account, make_partner, outbox, language: str = "en"):
    """An approved partner that changed its name, website and description; and an administrator."""
    word = _word()
    admin, staff = _staff(app, make_account, language)
    partner = make_partner(name=f"Original Institute {word}", website="https://original.example.org",
                           description="The approved description.")
    own = _own(app, partner)
    outbox.clear()
    edited = partner_fields(name=f"Phishy Institute {word}", website="https://login.phishing.example.net",
                            description="A rewritten description.")
    response = submit(own, PROFILE, edited)
    assert response.status_code == 302
    return word, partner, own, admin, staff


def test_an_approved_partners_edits_wait_while_the_approved_version_stays_public(
        app, make_account, make_partner, outbox):
    word, partner, own, admin, staff = _approved_with_changes(app, make_account, make_partner, outbox, "fr")
    public = app.test_client().get(f"/en/partners/{partner.id}/").get_data(as_text=True)
    assert f"Original Institute {word}" in public and "https://original.example.org" in public
    assert "The approved description." in public
    assert "Phishy" not in public and "phishing.example.net" not in public and "rewritten" not in public
    visitor = app.test_client()
    assert _found(visitor, word) == [f"Original Institute {word}"]
    assert _found(visitor, f"phishy {word}") == [] and _found(visitor, f"rewritten {word}") == []

    profile = own.get(PROFILE).get_data(as_text=True)
    assert f'value="Phishy Institute {word}"' in profile
    assert 'value="https://login.phishing.example.net"' in profile and "A rewritten description." in profile
    assert "Your changes wait for approval" in profile and "your public page shows the approved version" in profile
    assert "Changed: Organisation name, Website, Description of your organisation" in profile
    # The owner's view of its public page says why it still shows the old version.
    assert "Your changes wait for approval" in own.get(f"/en/partners/{partner.id}/").get_data(as_text=True)

    mail = outbox.last(admin.email)  # in the administrator's language, with a link to the review
    assert mail["Content-Language"] == "fr" and f"Original Institute {word}" in mail["Subject"]
    assert outbox.link(admin.email) == f"/fr/admin/partners/{partner.id}/"
    assert outbox.messages(partner.email) == []

    queue = staff.get(CHANGES_TAB).get_data(as_text=True)
    assert f"Original Institute {word}" in _queue_names(queue)
    assert re.search(r'aria-current="page">Changes to review \(\d+\)', queue)
    assert f"Original Institute {word}" not in _queue_names(staff.get(QUEUE).get_data(as_text=True))

    review = staff.get(f"/en/admin/partners/{partner.id}/").get_data(as_text=True)
    assert _changes(review) == [
        ("Organisation name", f"Original Institute {word}", f"Phishy Institute {word}"),
        ("Website", "https://original.example.org", "https://login.phishing.example.net"),
        ("Description of your organisation", "The approved description.", "A rewritten description."),
    ]
    assert 'value="accept_changes"' in review and 'value="refuse_changes"' in review


def test_the_changes_show_countries_types_and_sectors_as_people_read_them(app, make_account, make_partner):
    admin, staff = _staff(app, make_account)
    partner = make_partner(country="SN", organisation_type="tvet", sectors=["labour"])
    edited = partner_fields(country="MA", organisation_type="university", sectors=["social", "ict"])
    assert submit(_own(app, partner), PROFILE, edited).status_code == 302
    review = staff.get(f"/en/admin/partners/{partner.id}/").get_data(as_text=True)
    assert _changes(review) == [
        ("Type of organisation", "TVET institution", "University"),
        ("Country", "Senegal", "Morocco"),
        ("Sectors of interest", "Labour & Social Security",
         "Information, Communication & Transportation, Social Policy"),
    ]
    assert _decide_on_changes(staff, partner.id, "accept_changes").status_code == 302
    public = _text(app.test_client().get(f"/en/partners/{partner.id}/").get_data(as_text=True))
    assert "Type of organisation University Country Morocco" in public
    assert "Sectors of interest Information, Communication & Transportation, Social Policy" in public


def test_accepting_the_changes_publishes_them(app, make_account, make_partner, outbox):
    word, partner, own, admin, staff = _approved_with_changes(app, make_account, make_partner, outbox)
    response = _decide_on_changes(staff, partner.id, "accept_changes")
    assert response.status_code == 302 and response.headers["Location"] == CHANGES_TAB

    public = app.test_client().get(f"/en/partners/{partner.id}/").get_data(as_text=True)
    assert f"Phishy Institute {word}" in public and "https://login.phishing.example.net" in public
    assert "A rewritten description." in public and "Original Institute" not in public
    visitor = app.test_client()
    assert _found(visitor, f"phishy {word}") == [f"Phishy Institute {word}"]
    assert _found(visitor, f"original {word}") == []
    assert _partner(app, partner.email).updated_at > partner.updated_at

    mail = outbox.last(partner.email)
    assert "published" in mail["Subject"] and f"Phishy Institute {word}" in outbox.body(mail)
    assert outbox.link(partner.email) == f"/en/partners/{partner.id}/"
    assert "Your changes wait for approval" not in own.get(PROFILE).get_data(as_text=True)
    assert f"Phishy Institute {word}" not in _queue_names(staff.get(CHANGES_TAB).get_data(as_text=True))

    # The decision is in the audit log, with the approved values and the accepted ones.
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.kind == "partners", AuditEntry.record_id == str(partner.id),
            AuditEntry.action == "accept_changes").order_by(AuditEntry.id.desc())).first()
        assert entry.account_email == admin.email
        assert entry.before["name"] == f"Original Institute {word}"
        assert entry.after["name"] == f"Phishy Institute {word}"
    log = _text(staff.get("/en/admin/audit/?kind=partners").get_data(as_text=True))
    # Named as it was when the change was made.
    assert f"Partner profile Changes accepted Original Institute {word}" in log


def test_refusing_the_changes_needs_a_reason_and_tells_the_partner(app, make_account, make_partner, outbox):
    word, partner, own, admin, staff = _approved_with_changes(app, make_account, make_partner, outbox)
    empty = _decide_on_changes(staff, partner.id, "refuse_changes", changes_reason="  ")
    page = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "Please give the reason" in page
    assert 'aria-describedby="changes_reason-error"' in page and 'id="changes_reason-error"' in page
    assert f"Original Institute {word}" in _queue_names(staff.get(CHANGES_TAB).get_data(as_text=True))

    reason = "The new website is not your organisation's; please give your own."
    response = _decide_on_changes(staff, partner.id, "refuse_changes", changes_reason=reason)
    assert response.status_code == 302
    public = app.test_client().get(f"/en/partners/{partner.id}/").get_data(as_text=True)
    assert f"Original Institute {word}" in public and "phishing" not in public
    assert _found(app.test_client(), word) == [f"Original Institute {word}"]

    mail = outbox.last(partner.email)
    assert "not accepted" in mail["Subject"] and reason in outbox.body(mail)
    profile = own.get(PROFILE).get_data(as_text=True)
    assert reason in htmllib.unescape(profile) and "Your last changes were not accepted" in profile
    assert f'value="Original Institute {word}"' in profile and "phishing" not in profile
    assert f"Original Institute {word}" not in _queue_names(staff.get(CHANGES_TAB).get_data(as_text=True))


def test_a_new_save_replaces_the_changes_and_the_approved_version_withdraws_them(
        app, make_account, make_partner, outbox):
    word, partner, own, admin, staff = _approved_with_changes(app, make_account, make_partner, outbox)
    original = partner_fields(name=f"Original Institute {word}", website="https://original.example.org",
                              description="The approved description.")
    # The latest version replaces the changes that waited: only the city differs now.
    assert submit(own, PROFILE, {**original, "city": "Thiès"}).status_code == 302
    review = staff.get(f"/en/admin/partners/{partner.id}/").get_data(as_text=True)
    assert _changes(review) == [("City", "Dakar", "Thiès")]
    assert len(outbox.messages(admin.email)) == 1  # administrators were told once

    # The same again changes nothing.
    same = submit(own, PROFILE, {**original, "city": "Thiès"}, follow_redirects=True).get_data(as_text=True)
    assert "Nothing was changed" in same and "Your changes wait for approval" in same

    withdrawn = submit(own, PROFILE, original, follow_redirects=True).get_data(as_text=True)
    assert "changes that waited for approval are withdrawn" in withdrawn
    assert "Your changes wait for approval" not in withdrawn
    assert f"Original Institute {word}" not in _queue_names(staff.get(CHANGES_TAB).get_data(as_text=True))
    assert _changes(staff.get(f"/en/admin/partners/{partner.id}/").get_data(as_text=True)) == []

    unchanged = submit(own, PROFILE, original, follow_redirects=True).get_data(as_text=True)
    assert "Nothing was changed" in unchanged
    assert len(outbox.messages(admin.email)) == 1


def test_staff_decide_on_the_changes_they_saw(app, make_account, make_partner, outbox):
    word, partner, own, admin, staff = _approved_with_changes(app, make_account, make_partner, outbox)
    page = f"/en/admin/partners/{partner.id}/"
    seen = _version(staff.get(page).get_data(as_text=True))
    assert submit(own, PROFILE, partner_fields(name=f"Other Institute {word}")).status_code == 302
    response = submit(staff, page, {"decision": "accept_changes", "changes": seen})
    assert response.status_code == 409 and "no longer the ones waiting" in response.get_data(as_text=True)
    assert _found(app.test_client(), word) == [f"Original Institute {word}"]
    assert f"Other Institute {word}" in response.get_data(as_text=True)  # the new changes are shown


def test_a_profile_waiting_for_approval_is_edited_directly(app, make_account, make_partner, outbox):
    word = _word()
    admin, staff = _staff(app, make_account)
    partner = make_partner(Status.PENDING, name=f"Pending Institute {word}")
    outbox.clear()
    own = _own(app, partner)
    assert submit(own, PROFILE, partner_fields(name=f"Renamed Institute {word}")).status_code == 302
    assert f"Renamed Institute {word}" in own.get(f"/en/partners/{partner.id}/").get_data(as_text=True)
    profile = own.get(PROFILE).get_data(as_text=True)
    assert f'value="Renamed Institute {word}"' in profile and "Your changes wait for approval" not in profile
    assert f"Renamed Institute {word}" in _queue_names(staff.get(QUEUE).get_data(as_text=True))
    assert f"Renamed Institute {word}" not in _queue_names(staff.get(CHANGES_TAB).get_data(as_text=True))
    assert outbox.messages(admin.email) == []


def test_an_unconfirmed_profile_can_be_neither_approved_nor_rejected(app, make_account, make_partner, outbox):
    word = _word()
    admin, staff = _staff(app, make_account)
    partner = make_partner(Status.UNCONFIRMED, name=f"Unconfirmed Institute {word}")
    queue = staff.get("/en/admin/partners/?status=unconfirmed").get_data(as_text=True)
    assert f"Unconfirmed Institute {word}" in _queue_names(queue)
    assert 'value="approve"' not in queue and "wait for their e-mail address to be confirmed" in queue

    page = f"/en/admin/partners/{partner.id}/"
    review = staff.get(page).get_data(as_text=True)
    assert "waits for its e-mail address to be confirmed" in review
    assert 'value="approve"' not in review and 'value="reject"' not in review

    for forged in ({"decision": "approve"}, {"decision": "reject", "reason": "Forged."}):
        response = submit(staff, page, forged)
        assert response.status_code == 409, forged
        assert "until its e-mail address is confirmed" in response.get_data(as_text=True)
        assert _partner(app, partner.email).status == Status.UNCONFIRMED
    french = submit(staff, f"/fr/admin/partners/{partner.id}/", {"decision": "approve"})
    assert french.status_code == 409 and "Approve and list" not in french.get_data(as_text=True)
    assert _found(app.test_client(), word) == []
    assert outbox.messages(partner.email) == []


def test_decisions_follow_the_status(app, make_account, make_partner):
    admin, staff = _staff(app, make_account)
    approved = make_partner(Status.APPROVED)
    page = f"/en/admin/partners/{approved.id}/"
    review = staff.get(page).get_data(as_text=True)
    assert 'value="approve"' not in review and 'value="reject"' in review
    assert submit(staff, page, {"decision": "approve"}).status_code == 409

    rejected = make_partner(Status.REJECTED)
    page = f"/en/admin/partners/{rejected.id}/"
    review = staff.get(page).get_data(as_text=True)
    assert 'value="approve"' in review and 'value="reject"' not in review
    response = submit(staff, page, {"decision": "reject", "reason": "Again."})
    assert response.status_code == 409
    assert "does not fit the profile's status" in htmllib.unescape(response.get_data(as_text=True))
    assert _partner(app, rejected.email).status == Status.REJECTED
    assert submit(staff, page, {"decision": "approve"}).status_code == 302  # a refusal can be reversed
    assert _partner(app, rejected.email).status == Status.APPROVED

    pending = make_partner(Status.PENDING)
    review = staff.get(f"/en/admin/partners/{pending.id}/").get_data(as_text=True)
    assert 'value="approve"' in review and 'value="reject"' in review


def test_the_migration_adds_and_removes_the_columns_keeping_partners_and_search(make_app, tmp_path):
    from flask_migrate import downgrade, upgrade

    from oicvet.cli import init_migrations
    from oicvet.extensions import db

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migration.db'}")
    init_migrations(app)
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO account (id, email, name, password_hash, session_token, language, created_at) "
                "VALUES (1, 'a@example.org', 'A', 'x', 't', 'en', '2024-01-01')"))
            connection.execute(text(
                "INSERT INTO partner (id, account_id, name, acronym, organisation_type, country, city, address, "
                "website, cooperation_areas, description, contact_name, contact_position, phone, status, "
                "rejection_reason, created_at, updated_at, search_text) VALUES (1, 1, 'Kept', '', 'tvet', 'SN', "
                "'Dakar', '', '', 'areas', 'description', 'C', '', '', 'approved', '', '2024-01-01', "
                "'2024-01-01', 'kept')"))
            connection.execute(text("INSERT INTO partner_sector (partner_id, sector) VALUES (1, 'ict')"))

        def state() -> tuple[set[str], int, list]:
            with db.engine.connect() as connection:
                columns = {column["name"] for column in inspect(connection).get_columns("partner")}
                sectors = connection.execute(text("SELECT count(*) FROM partner_sector")).scalar()
                found = connection.execute(text(
                    "SELECT rowid FROM partner_fts WHERE partner_fts MATCH 'renamed'")).all()
                return columns, sectors, found

        def rename(name: str) -> None:
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE partner SET search_text = :name"), {"name": name})

        upgrade(revision="0003")
        rename("renamed")
        columns, sectors, found = state()
        assert {"pending_changes", "changes_submitted_at", "changes_refused_reason"} <= columns
        assert sectors == 1 and found == [(1,)]
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT changes_refused_reason FROM partner")).scalar() == ""

        downgrade(revision="0002")
        rename("kept")
        rename("renamed")  # the search triggers still follow the text
        columns, sectors, found = state()
        assert "pending_changes" not in columns and sectors == 1 and found == [(1,)]
        db.engine.dispose()

