"""What TROP's tests share: training institutions in any status, and their training opportunities.

Every record is made with a unique name, on the shared test database, so that
tests find their own rows among everyone else's.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask

from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import hash_password
from oicvet.extensions import db
from oicvet.models import utcnow
from oicvet.profiles.status import Status
from oicvet.trop.models import TrainingOpportunity, TropInstitution
from tests.conftest import PASSWORD, unique_email

#: Digits become letters: PostgreSQL's parser reads a word such as "12e45" as a number.
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def unique(prefix: str) -> str:
    """A name no other test uses; its last word, of letters only, is a keyword that finds this record alone."""
    return f"{prefix} {uuid.uuid4().hex[:10].translate(_LETTERS)}"


def create_institution(app: Flask, status: Status = Status.APPROVED, *, name: str | None = None,
                       country: str = "SN", city: str = "Dakar", fields: tuple[str, ...] = ("labour",),
                       language: str = "en", email: str | None = None, roles: tuple[Role, ...] = (),
                       **values: Any) -> tuple[Account, TropInstitution]:
    """An account (confirmed unless ``status`` is unconfirmed) with an institution in ``status``.

    An approved institution's account is a TROP member, as approval makes it.
    Both are returned detached; their ids and columns are loaded.
    """
    with app.app_context():
        account = Account(
            email=(email or unique_email("trop")).lower(), name="TROP Test Contact",
            password_hash=hash_password(PASSWORD), language=language,
            email_confirmed_at=None if status == Status.UNCONFIRMED else utcnow(),
        )
        for role in roles:
            account.grant(role)
        if status == Status.APPROVED:
            account.grant(Role.TROP_MEMBER)
        institution = TropInstitution(
            account=account, status=status, name=name or unique("Test Training Institute"), acronym="TTI",
            institution_type="public_tvet", country=country, city=city, address="", website="",
            phone="+221 33 000 00 00", public_email="enquiries@example.org", contact_name="TROP Test Contact",
            contact_position="Director", description="A training institution made by a test.",
            rejection_reason="Made rejected by a test." if status == Status.REJECTED else "",
        )
        institution.fields = list(fields)
        for key, value in values.items():
            setattr(institution, key, value)
        db.session.add_all([account, institution])
        db.session.commit()
        for row in (account, institution):
            db.session.refresh(row)
        _ = institution.field_rows, account.role_rows
        db.session.expunge_all()
        return account, institution


def add_opportunity(app: Flask, institution: TropInstitution | int, *, title: str | dict[str, str] | None = None,
                    published: bool = True, start: date | None = None, days: int = 5,
                    languages: tuple[str, ...] = ("en",), **values: Any) -> TrainingOpportunity:
    """An opportunity of ``institution``, starting in ``start`` (default: in 30 days) for ``days`` days;
    published only by an approved institution, as in the site.

    ``title``: English text, or ``{language: text}``. Any column may be set with ``values``.
    """
    institution_id = institution if isinstance(institution, int) else institution.id
    start = start or date.today() + timedelta(days=30)
    titles = title if isinstance(title, dict) else {"en": title or unique("Test training course")}
    with app.app_context():
        owner = db.session.get(TropInstitution, institution_id)
        if published and owner.status != Status.APPROVED:
            # As in the site: only an approved institution publishes (oicvet/trop/visibility.py).
            raise ValueError("only an approved institution's opportunity can be published")
        opportunity = TrainingOpportunity(
            institution_id=institution_id, title=titles, description={"en": "Made by a test."},
            sector="labour", kind="course", modality="face_to_face", on_request=False,
            start_date=start, end_date=start + timedelta(days=days - 1), duration_value=days,
            duration_unit="days", venue_country="SN", venue_city="Dakar", target_group="Trainers",
            places=20, is_free=True, fee_amount=None, fee_currency=None,
            application_deadline=start - timedelta(days=7), apply_url="https://www.example.org/apply",
            apply_email="", published=published, published_at=utcnow() if published else None,
        )
        opportunity.languages = list(languages)
        for key, value in values.items():
            setattr(opportunity, key, Decimal(value) if key == "fee_amount" and value is not None else value)
        db.session.add(opportunity)
        db.session.commit()
        db.session.refresh(opportunity)
        _ = opportunity.language_rows, opportunity.institution
        db.session.expunge_all()
        return opportunity


def withdraw(app: Flask, institution: TropInstitution | int, reason: str = "It left TROP.") -> None:
    """Staff reject an approved institution, as the review page does: it leaves TROP, and its
    opportunities leave the catalogue."""
    from oicvet.profiles import lifecycle

    institution_id = institution if isinstance(institution, int) else institution.id
    with app.test_request_context("/en/"):
        lifecycle.reject(db.session.get(TropInstitution, institution_id), reason)
