"""The audit log: every change staff make, who made it, when, and the values before and after.

A building block, like ``profiles`` and ``search``: the staff panel and the review
queues write to it with :func:`record_change`, in the transaction of the change
itself. Each feature names the kinds of record it logs, and what it does to them,
with :func:`add_record_kinds` and :func:`add_actions` from its ``init_app``; the
log's pages read them with :func:`record_kinds` and :func:`actions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from oicvet.extensions import db
from oicvet.models import utcnow

_KINDS = "oicvet.audit.kinds"
_ACTIONS = "oicvet.audit.actions"


def add_record_kinds(app: Flask, kinds: Mapping[str, Any]) -> None:
    """Name kinds of record the log keeps: ``{key: label}``, labels lazy strings."""
    app.extensions.setdefault(_KINDS, {}).update(kinds)


def add_actions(app: Flask, actions: Mapping[str, Any]) -> None:
    """Name what can be done to records: ``{key: label}``, labels lazy strings."""
    app.extensions.setdefault(_ACTIONS, {}).update(actions)


def record_kinds() -> dict[str, Any]:
    return current_app.extensions.get(_KINDS, {})


def actions() -> dict[str, Any]:
    return current_app.extensions.get(_ACTIONS, {})


class AuditEntry(db.Model):
    """One change: a record of a kind, what was done to it, and its values before and after."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_kind_at", "kind", "at"),
        Index("ix_audit_entry_account_at", "account_id", "at"),
        Index("ix_audit_entry_sector_at", "sector", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: Kept when the account goes, so the log still says who it was.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    account_name: Mapped[str] = mapped_column(String(120))
    account_email: Mapped[str] = mapped_column(String(254))
    #: The kind of record: a key of ``record_kinds()``.
    kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(80))
    #: What the record was called when it changed (an event's English title, say).
    record_label: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[str | None] = mapped_column(String(40))
    #: A key of ``actions()``.
    action: Mapped[str] = mapped_column(String(30))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, mappings and lists walked."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


def snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The ``fields`` of ``record``, as the log keeps them."""
    return {name: plain(getattr(record, name)) for name in fields}


def record_change(kind: str, record_id: object, action: str, *, label: str = "", sector: str | None = None,
                  before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> AuditEntry:
    """Log a change by the logged-in person; committed with the change itself (one transaction).

    Of ``before`` and ``after``, only the fields that differ are kept, so that the
    log shows what changed.
    """
    before_values = plain(dict(before)) if before is not None else None
    after_values = plain(dict(after)) if after is not None else None
    if before_values is not None and after_values is not None:
        changed = {key for key in before_values.keys() | after_values.keys()
                   if before_values.get(key) != after_values.get(key)}
        before_values = {key: before_values.get(key) for key in sorted(changed)}
        after_values = {key: after_values.get(key) for key in sorted(changed)}
    entry = AuditEntry(
        account_id=current_user.id, account_name=current_user.name, account_email=current_user.email,
        kind=kind, record_id=str(record_id), record_label=label[:300], sector=sector, action=action,
        before=before_values, after=after_values,
    )
    db.session.add(entry)
    return entry
