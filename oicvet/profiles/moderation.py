"""Edits to an approved profile wait for staff, while the approved version stays public.

Every reviewed kind of profile takes the columns of ``Moderated`` (through
``ReviewedProfile``), and its declaration names the fields its form edits. A
save of an approved profile stores only the fields that changed
(``pending_changes``: field name → new value), and staff accept the diff,
which is then applied, or refuse it with a reason. Nothing here knows which
kind of profile it is given.

Values are what the form's fields hold: text, or a list of choices (such as
sectors), where order and repeats do not matter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from wtforms import Field, Form

from oicvet.i18n import join_list
from oicvet.models import utcnow

Values = dict[str, Any]


class Moderated:
    """The columns of a profile whose edits wait for staff once it is approved."""

    #: Field name → proposed value, for the fields that differ from the public version; None when none wait.
    pending_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)
    #: When the changes that wait were first sent (a later save replaces them but keeps their place in line).
    changes_submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: Why staff refused the last changes, shown to the owner until the next ones.
    changes_refused_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    @property
    def has_pending_changes(self) -> bool:
        return bool(self.pending_changes)

    @classmethod
    def changes_waiting(cls) -> ColumnElement[bool]:
        """A filter for the profiles that have changes waiting."""
        return cls.pending_changes.is_not(None)


class Outcome(StrEnum):
    PROPOSED = "proposed"  # changes now wait, where none did
    REPLACED = "replaced"  # other changes replace those that waited
    WITHDRAWN = "withdrawn"  # the save equals the public version: nothing waits any more
    UNCHANGED = "unchanged"  # the save changes nothing


def normalise(value: Any) -> Any:
    """A value as stored and compared: None is empty text, a list is its sorted distinct items."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return sorted(dict.fromkeys(value))
    return value


def values_of(profile: Any, fields: Iterable[str]) -> Values:
    """The profile's current (public) values of ``fields``."""
    return {name: normalise(getattr(profile, name)) for name in fields}


def proposed_values(profile: Moderated, fields: Iterable[str]) -> Values:
    """What the owner edits: the public values, with the changes that wait on top."""
    values = values_of(profile, fields)
    values.update({name: value for name, value in (profile.pending_changes or {}).items() if name in values})
    return values


def diff(form: Form, profile: Any, fields: Iterable[str]) -> Values:
    """The fields whose value in ``form`` differs from the profile's, with the form's value."""
    changes = {}
    for name in fields:
        value = normalise(form[name].data)
        if value != normalise(getattr(profile, name)):
            changes[name] = value
    return changes


def form_values(form: Form, fields: Iterable[str]) -> Values:
    """What ``form`` holds for ``fields``."""
    return {name: form[name].data for name in fields}


def apply_values(profile: Any, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(profile, name, normalise(value))


def propose(profile: Moderated, form: Form, fields: Iterable[str]) -> Outcome:
    """Store the form's differences from the public version as the changes that wait."""
    changes = diff(form, profile, fields)
    previous = profile.pending_changes or {}
    if changes == previous:
        return Outcome.UNCHANGED
    if not changes:
        discard(profile)
        return Outcome.WITHDRAWN
    profile.pending_changes = changes
    profile.changes_refused_reason = ""
    if previous:
        return Outcome.REPLACED
    profile.changes_submitted_at = utcnow()
    return Outcome.PROPOSED


def accept(profile: Moderated) -> Values:
    """Make the changes that wait public; returns them."""
    changes = dict(profile.pending_changes or {})
    apply_values(profile, changes)
    discard(profile)
    return changes


def refuse(profile: Moderated, reason: str) -> None:
    """Drop the changes that wait, keeping the reason for the owner."""
    discard(profile)
    profile.changes_refused_reason = reason


def discard(profile: Moderated) -> None:
    """Forget the changes that wait and any earlier refusal."""
    profile.pending_changes = None
    profile.changes_submitted_at = None
    profile.changes_refused_reason = ""


def fingerprint(changes: Mapping[str, Any] | None) -> str:
    """A short digest of the changes, so that staff decide on the very changes they saw."""
    text = json.dumps(changes or {}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def readable(field: Field, value: Any) -> str:
    """A value as a person reads it: the labels of a field's choices rather than their keys."""
    value = normalise(value)
    labels: dict[str, str] = {}
    choices = getattr(field, "choices", None)
    if isinstance(choices, list | tuple):
        labels = {str(key): str(label) for key, label, *_rest in choices}
    items = value if isinstance(value, list) else [value]
    return join_list(labels.get(str(item), str(item)) for item in items if item != "")


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    before: str
    after: str


def changes_for_review(profile: Moderated, form: Form, fields: Iterable[str]) -> list[Change]:
    """The changes that wait, in the order of ``fields``, labelled and readable."""
    pending = profile.pending_changes or {}
    return [
        Change(
            name=name,
            label=str(form[name].label.text),
            before=readable(form[name], getattr(profile, name)),
            after=readable(form[name], pending[name]),
        )
        for name in fields
        if name in pending
    ]


def changed_labels(form: Form, changes: Mapping[str, Any] | None, fields: Iterable[str]) -> list[str]:
    """The labels of the fields that ``changes`` touch, in the order of ``fields``."""
    return [str(form[name].label.text) for name in fields if name in (changes or {})]
