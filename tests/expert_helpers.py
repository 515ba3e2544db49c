"""What the Roster of Experts' tests share: experts in any status with a CV on disk, PDF files,
and the fields of a valid joining form.

Every expert is made with a unique name, on the shared test database, so that
tests find their own rows among everyone else's.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import hash_password
from oicvet.experts.models import Expert
from oicvet.extensions import db
from oicvet.models import utcnow
from oicvet.profiles.status import Status
from oicvet.uploads import folder
from tests.conftest import PASSWORD, unique_email
from tests.trop_helpers import unique

__all__ = ["create_expert", "cv_path", "expert_of", "join_data", "large_pdf", "pdf_bytes", "unique", "uploads"]

ENVIRONMENT = "environment-water"
SAFETY = "occupational-safety-health"


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF (pypdf opens it) of ``pages`` blank pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def create_expert(app: Flask, status: Status = Status.APPROVED, *, name: str | None = None,
                  rosters: tuple[str, ...] = (ENVIRONMENT,), expertise: tuple[str, ...] | None = None,
                  residence_country: str = "SN", language: str = "en", email: str | None = None,
                  roles: tuple[Role, ...] = (), **values: Any) -> tuple[Account, Expert]:
    """An account (confirmed unless ``status`` is unconfirmed) with an expert profile in ``status``,
    and its CV kept in the upload folder.

    An approved expert's account has the expert role, as approval gives it. Both are
    returned detached; their ids and columns are loaded. ``expertise`` defaults to the
    first field of each roster.
    """
    with app.app_context():
        from oicvet.plugins.registry import get_registry

        if expertise is None:
            registry = get_registry()
            expertise = tuple(registry.roster(key).field_keys()[0] for key in rosters if registry.roster(key))
        data = pdf_bytes()
        cv_name = f"{unique('cv').split()[-1]}.pdf"
        (folder() / cv_name).write_bytes(data)
        account = Account(
            email=(email or unique_email("expert")).lower(), name="Expert Test",
            password_hash=hash_password(PASSWORD), language=language,
            email_confirmed_at=None if status == Status.UNCONFIRMED else utcnow(),
        )
        for role in roles:
            account.grant(role)
        if status == Status.APPROVED:
            account.grant(Role.EXPERT)
        expert = Expert(
            account=account, status=status, name=name or unique("Test Expert"), nationality="MA",
            residence_country=residence_country, institution="Test Institute", position="Engineer",
            phone="+221 33 000 00 00", years_experience=12, degree="master",
            profile="An expert made by a test.", cv_name=cv_name, cv_size=len(data), cv_uploaded_at=utcnow(),
            rejection_reason="Made rejected by a test." if status == Status.REJECTED else "",
        )
        expert.rosters = list(rosters)
        expert.expertise = list(expertise)
        expert.languages = ["fr:native", "en:fluent"]
        expert.work_countries = ["SN", "ML"]
        for key, value in values.items():
            setattr(expert, key, value)
        db.session.add_all([account, expert])
        db.session.commit()
        for row in (account, expert):
            db.session.refresh(row)
        _ = expert.roster_rows, expert.field_rows, expert.language_rows, expert.country_rows, account.role_rows
        db.session.expunge_all()
        return account, expert


def cv_path(app: Flask, expert: Expert | str) -> Path:
    """Where an expert's CV (or a kept file's name) is on disk."""
    name = expert if isinstance(expert, str) else expert.cv_name
    with app.app_context():
        return folder() / name


def join_data(csrf_token: str, *, email: str | None = None, cv: bytes | None = None, cv_name: str = "cv.pdf",
              **overrides: Any) -> dict[str, Any]:
    """The fields of a valid "Join the Roster of Experts" form (for a visitor), as a multipart post."""
    data: dict[str, Any] = {
        "csrf_token": csrf_token, "name": unique("Amina Test"), "nationality": "MA", "residence_country": "SN",
        "institution": "Institut de l'eau", "position": "Engineer", "phone": "+221 33 000 00 00",
        "rosters": [ENVIRONMENT], "expertise": [f"{ENVIRONMENT}.wastewater"], "years_experience": "12",
        "degree": "master", "languages-0-language": "fr", "languages-0-level": "native",
        "languages-1-language": "en", "languages-1-level": "fluent", "work_countries": ["SN", "ML"],
        "profile": "Water engineer with twelve years of work on wastewater.",
        "email": email or unique_email("joiner"), "password": PASSWORD, "confirm": PASSWORD, "consent": "y",
    }
    data["cv"] = (io.BytesIO(pdf_bytes() if cv is None else cv), cv_name)
    data.update(overrides)
    return data


def large_pdf(size: int) -> bytes:
    """A real PDF (pypdf opens it) of a little more than ``size`` bytes: a blank page and a file of
    random bytes attached to it, which no compression makes smaller."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("padding.bin", os.urandom(size))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def uploads(app: Flask) -> set[str]:
    """The names of the files in the upload folder."""
    with app.app_context():
        return {path.name for path in folder().iterdir()}


def expert_of(app: Flask, email: str) -> Expert | None:
    """The expert of the account with this address (detached, its account's roles and its lists loaded)."""
    with app.app_context():
        found = db.session.execute(
            select(Expert).join(Account, Expert.account_id == Account.id).where(Account.email == email.lower())
        ).scalar_one_or_none()
        if found is not None:
            _ = found.account.role_rows, found.roster_rows, found.field_rows, found.language_rows, found.country_rows
            db.session.expunge_all()
        return found
