"""The account model and its roles."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oicvet.extensions import db
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import utcnow


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SECTOR_EDITOR = "sector_editor"
    PARTNER = "partner"
    TROP_MEMBER = "trop_member"
    EXPERT = "expert"


ROLE_LABELS = {
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.SECTOR_EDITOR: _l("Sector editor"),
    Role.PARTNER: _l("Partner"),
    Role.TROP_MEMBER: _l("TROP member"),
    Role.EXPERT: _l("Expert"),
}

#: Roles of SESRIC's own people, who see what the public does not.
STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECTOR_EDITOR})


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Account(UserMixin, db.Model):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Stored in lower case, so that one address is one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Part of every session and remember cookie; a new one ends them all.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    #: The language the person uses; their e-mails are written in it.
    language: Mapped[str] = mapped_column(String(2), default="en")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set by an administrator: the account can neither log in nor stay logged in.
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    role_rows: Mapped[list[AccountRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="account"
    )
    sector_rows: Mapped[list[EditorSector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="account"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_staff(self) -> bool:
        return self.has_role(*STAFF_ROLES)

    def grant(self, role: Role) -> None:
        if role not in self.roles:
            self.role_rows.append(AccountRole(role=role.value))

    def revoke(self, role: Role) -> None:
        self.role_rows = [row for row in self.role_rows if row.role != role.value]

    @property
    def edited_sectors(self) -> frozenset[str]:
        """The plugins a sector editor looks after."""
        return frozenset(row.sector for row in self.sector_rows)

    def edits_sector(self, sector: str | None) -> bool:
        """Whether the account edits the content of ``sector`` (``None``: OIC-VET's own, administrators only)."""
        if self.has_role(Role.ADMINISTRATOR):
            return True
        return sector is not None and self.has_role(Role.SECTOR_EDITOR) and sector in self.edited_sectors

    def set_edited_sectors(self, sectors: list[str]) -> None:
        self.sector_rows = [EditorSector(sector=key) for key in dict.fromkeys(sectors)]

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    def end_sessions(self) -> None:
        """Every session and remember cookie issued so far stops working."""
        self.session_token = new_session_token()


class AccountRole(db.Model):
    __tablename__ = "account_role"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[Account] = relationship(back_populates="role_rows")


class EditorSector(db.Model):
    __tablename__ = "account_sector"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(40), primary_key=True)
    account: Mapped[Account] = relationship(back_populates="sector_rows")
