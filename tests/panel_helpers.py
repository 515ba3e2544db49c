"""What the staff panel's cross-cutting tests share: staff accounts, panel records, small valid files.

Used by the authorisation matrix (tests/test_panel_access.py), the logged-in
quality gates (tests/quality/) and the browser journeys
(tests/browser/test_panel_journeys.py). Every record is made with a unique
name, on the shared test database.
"""

from __future__ import annotations

import io
import uuid
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import select

from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import hash_password
from oicvet.countries import OIC_MEMBER_STATES
from oicvet.extensions import db
from oicvet.models import ContactMessage, Event, EventFile, FocalPoint, utcnow
from tests.conftest import PASSWORD, csrf_token, log_in, unique_email

#: The sector whose editors the tests use, one of its programmes, and a sector they do not edit.
SECTOR = "labour"
PROGRAMME = "occupational-safety-and-health-capacity-building"
OTHER_SECTOR = "diplomacy"


def create_account(app: Flask, *roles: Role, sectors: tuple[str, ...] = (), language: str = "en",
                   name: str = "Panel Test Person", email: str | None = None) -> Account:
    """A confirmed account with ``roles`` (and, for a sector editor, the sectors it edits)."""
    with app.app_context():
        account = Account(email=(email or unique_email("panel")).lower(), name=name,
                          password_hash=hash_password(PASSWORD), language=language, email_confirmed_at=utcnow())
        for role in roles:
            account.grant(role)
        if sectors:
            account.set_edited_sectors(list(sectors))
        db.session.add(account)
        db.session.commit()
        db.session.refresh(account)
        db.session.expunge(account)
        return account


def logged_in(app: Flask, account: Account | None, lang: str = "en") -> tuple[FlaskClient, str]:
    """A test client logged in as ``account`` (anonymous for None), and a CSRF token of its session."""
    client = app.test_client()
    if account is None:
        page = f"/{lang}/account/login"
    else:
        response = log_in(client, account.email, PASSWORD, lang=lang)
        assert response.status_code in (302, 303), f"{account.email} could not log in"
        page = f"/{lang}/account/"  # the logout form in its header carries the token
    return client, csrf_token(client.get(page).get_data(as_text=True))


def png_bytes(width: int = 64, height: int = 48, colour: tuple[int, int, int] = (30, 110, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def add_event(app: Flask, title: str | None = None, programme: str | None = PROGRAMME,
              sector: str | None = SECTOR, published: bool = True, kind: str = "workshop") -> int:
    """An event of ``programme`` (OIC-VET's own with None), this year."""
    title = title or f"Panel test event {uuid.uuid4().hex[:8]}"
    with app.app_context():
        event = Event(sector=sector, programme=programme, kind=kind, title={"en": title},
                      year=date.today().year, start_date=date.today(), published=published)
        db.session.add(event)
        db.session.commit()
        return event.id


def add_event_file(app: Flask, event_id: int, kind: str = EventFile.PHOTO, stored: bool = False) -> int:
    """A photo or document of an event; ``stored`` keeps a real file (pages that show it need one)."""
    from oicvet import uploads

    with app.app_context():
        if stored and kind == EventFile.PHOTO:
            kept = uploads.store_photo(io.BytesIO(png_bytes()), 5 * 1024 * 1024)
        elif stored:
            kept = uploads.store_pdf(io.BytesIO(pdf_bytes()), 5 * 1024 * 1024)
        else:
            kept = uploads.StoredFile(f"{uuid.uuid4().hex}.png", "image/png", 10, 1, 1)
        item = EventFile(event_id=event_id, kind=kind, stored_name=kept.name, content_type=kept.content_type,
                         size=kept.size, width=kept.width, height=kept.height,
                         caption={"en": "A test photo" if kind == EventFile.PHOTO else "Terms of reference"},
                         language="en" if kind == EventFile.DOCUMENT else None)
        db.session.add(item)
        db.session.commit()
        return item.id


def add_message(app: Flask, subject: str | None = None) -> int:
    """An unread Contact Us message."""
    with app.app_context():
        message = ContactMessage(name="Panel Test Visitor", email=unique_email("visitor"),
                                 subject=subject or f"A question {uuid.uuid4().hex[:8]}",
                                 message="Where can I find the next training course?", language="en")
        db.session.add(message)
        db.session.commit()
        return message.id


def add_focal_point(app: Flask) -> int:
    """A National Focal Point of a member country that has none yet."""
    with app.app_context():
        taken = set(db.session.scalars(select(FocalPoint.country)))
        country = next(code for code in sorted(OIC_MEMBER_STATES) if code not in taken)
        point = FocalPoint(country=country, institution={"en": f"Panel Test Ministry {uuid.uuid4().hex[:6]}"},
                           website="https://focal.example.org")
        db.session.add(point)
        db.session.commit()
        return point.id


def add_audit_entry(app: Flask, account: Account, event_id: int | None = None) -> int:
    """An entry of the audit log, as if ``account`` had changed an event."""
    from oicvet.audit import AuditEntry

    with app.app_context():
        entry = AuditEntry(account_id=account.id, account_name=account.name, account_email=account.email,
                           kind="event", record_id=str(event_id or 0), record_label="Panel test event",
                           sector=SECTOR, action="update", before={"published": False}, after={"published": True})
        db.session.add(entry)
        db.session.commit()
        return entry.id


def add_pending_partner(app: Flask, name: str) -> int:
    """A partner that confirmed its address and waits for staff's review."""
    from oicvet.partners.models import Partner, Status
    from tests.conftest import partner_fields

    account = create_account(app, Role.PARTNER)
    with app.app_context():
        values = partner_fields(name=name)
        sectors = values.pop("sectors")
        partner = Partner(account_id=account.id, status=Status.PENDING.value, **values)
        partner.sectors = sectors
        db.session.add(partner)
        db.session.commit()
        return partner.id


def remove(app: Flask, model: type, record_id: object) -> None:
    """Delete a record if it is still there (a check may have deleted it)."""
    with app.app_context():
        record = db.session.get(model, record_id)
        if record is not None:
            db.session.delete(record)
            db.session.commit()
