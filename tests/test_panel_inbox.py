"""The staff panel's Contact Us inbox: newest first, unread and all, marking read and unread,
deleting; opening a message changes nothing, and its text is shown escaped."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from oicvet.accounts.models import Role
from oicvet.extensions import db
from oicvet.models import ContactMessage, utcnow
from tests.conftest import submit
from tests.panel_helpers import create_account, logged_in, remove


@pytest.fixture
def admin_client(app):
    client, _ = logged_in(app, create_account(app, Role.ADMINISTRATOR))
    return client


@pytest.fixture
def messages(app):
    """Three new messages (the newest of the inbox, seconds apart), removed afterwards."""
    tag = uuid.uuid4().hex[:8]
    ids = []
    with app.app_context():
        now = utcnow()
        for number in range(3):
            item = ContactMessage(name=f"Visitor {number} {tag}", email=f"visitor{number}-{tag}@example.org",
                                  subject=f"Question {number} {tag}", message=f"Hello {number}", language="en",
                                  created_at=now + timedelta(seconds=number + 60))
            db.session.add(item)
            db.session.flush()
            ids.append(item.id)
        db.session.commit()
    yield tag, ids
    for item_id in ids:
        remove(app, ContactMessage, item_id)


def _read_at(app, message_id: int):
    with app.app_context():
        return db.session.get(ContactMessage, message_id).read_at


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(ContactMessage)
                                  .where(ContactMessage.read_at.is_(None))),
                db.session.scalar(select(func.count()).select_from(ContactMessage)))






def test_the_inbox_shows_unread_messages_newest_first_with_counts(app, admin_client, messages):
    tag, ids = messages
    html = admin_client.get("/en/admin/inbox/").get_data(as_text=True)
    assert html.index(f"Question 2 {tag}") < html.index(f"Question 1 {tag}") < html.index(f"Question 0 {tag}")
    assert f"<bdi>Visitor 2 {tag}</bdi>" in html and f"visitor2-{tag}@example.org" in html
    unread, total = _counts(app)
    assert f"Unread ({unread:,})" in html and f"All ({total:,})" in html
    # Marked read, it leaves the Unread tab and stays under All.
    response = submit(admin_client, f"/en/admin/inbox/{ids[1]}/", {}, action=f"/en/admin/inbox/{ids[1]}/read")
    assert response.status_code == 302 and _read_at(app, ids[1]) is not None
    html = admin_client.get("/en/admin/inbox/").get_data(as_text=True)
    assert f"Question 1 {tag}" not in html and f"Unread ({unread - 1:,})" in html
    everything = admin_client.get("/en/admin/inbox/?status=all").get_data(as_text=True)
    assert f"Question 1 {tag}" in everything and f"All ({total:,})" in everything
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*Question 1 {tag}", everything, re.S).group(0)
    assert "inbox__unread" not in row
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*Question 2 {tag}", everything, re.S).group(0)
    assert "inbox__unread" in row


def test_opening_a_message_changes_nothing_and_the_buttons_do(audit, app, admin_client, messages):
    tag, ids = messages
    page = f"/en/admin/inbox/{ids[0]}/"
    for _ in range(2):
        response = admin_client.get(page)
        assert response.status_code == 200
    assert _read_at(app, ids[0]) is None
    html = response.get_data(as_text=True)
    assert f'href="mailto:visitor0-{tag}@example.org?subject=Re%3A%20Question%200%20{tag}"' in html
    assert submit(admin_client, page, {}, action=f"{page}read").status_code == 302
    assert _read_at(app, ids[0]) is not None
    assert "Mark as unread" in admin_client.get(page).get_data(as_text=True)
    assert submit(admin_client, page, {}, action=f"{page}unread").status_code == 302
    assert _read_at(app, ids[0]) is None
    assert [entry.action for entry in audit.entries("contact_message", ids[0])] == ["read", "unread"]
    # A button without its form's token changes nothing.
    admin_client.post(f"{page}read")
    assert _read_at(app, ids[0]) is None


def test_deleting_a_message_keeps_who_sent_it_in_the_log(audit, app, admin_client, messages):
    tag, ids = messages
    page = f"/en/admin/inbox/{ids[2]}/"
    response = submit(admin_client, page, {}, action=f"{page}delete")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ContactMessage, ids[2]) is None
    assert admin_client.get(page).status_code == 404
    entry = audit.entries("contact_message", ids[2])[-1]
    assert entry.action == "delete"
    assert entry.before == {"name": f"Visitor 2 {tag}", "email": f"visitor2-{tag}@example.org",
                            "subject": f"Question 2 {tag}"}
    assert f"Question 2 {tag}" not in admin_client.get("/en/admin/inbox/?status=all").get_data(as_text=True)


def test_a_messages_html_is_escaped_and_its_lines_kept(app, admin_client):
    with app.app_context():
        item = ContactMessage(name="<b>Bold</b> visitor", email="x@example.org", subject="<i>Hi</i>",
                              message="<script>alert(1)</script>\nSecond line\n\nThird", language="en")
        db.session.add(item)
        db.session.commit()
        item_id = item.id
    try:
        html = admin_client.get(f"/en/admin/inbox/{item_id}/").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<b>Bold</b>" not in html
        assert '<div class="message-text" dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;\nSecond line\n\nThird</div>' \
            in html
        assert "&lt;i&gt;Hi&lt;/i&gt;" in html
        listing = admin_client.get("/en/admin/inbox/").get_data(as_text=True)
        assert "<bdi>&lt;b&gt;Bold&lt;/b&gt; visitor</bdi>" in listing
    finally:
        remove(app, ContactMessage, item_id)
