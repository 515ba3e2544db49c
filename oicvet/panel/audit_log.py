"""The audit log's pages: every change made in the panel, newest first, and each change's values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from flask import abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select

from oicvet.audit import AuditEntry, actions, record_kinds
from oicvet.extensions import db
from oicvet.forms import Choices, translated_choices
from oicvet.i18n import FORMAT_LOCALES, current_language, join_list, language_names, languages
from oicvet.i18n import lazy_gettext as _l
from oicvet.panel.access import admins_only
from oicvet.panel.blueprint import bp
from oicvet.panel.text_forms import AuditFilter
from oicvet.plugins.registry import get_registry
from oicvet.seo import unlisted
from oicvet.templating import sector_title
from oicvet.urls import number_arg

PAGE_SIZE = 50
#: The sector filter's value for OIC-VET's own content (stored as no sector).
OICVET = "oicvet"
OICVET_LABEL = _l("OIC-VET")

#: Where the panel edits a record of each kind: the endpoint and the name of its id.
RECORD_PAGES = {
    "event": ("panel.edit_event", "event_id", int),
    "programme_text": ("panel.edit_programme", "slug", str),
    "focal_point": ("panel.edit_focal_point", "point_id", int),
    "account": ("panel.account", "account_id", int),
    "contact_message": ("panel.message", "message_id", int),
}


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(language, language))


def long_datetime(moment: datetime | None, language: str | None = None) -> str:
    """A moment as a long date and time in the page's language, in UTC ("5 July 2011 at 14:03:00 UTC")."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite gives back the UTC time without its zone
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, format="long", tzinfo=UTC, locale=_locale(language or current_language()))


def sector_label(key: str | None) -> Any:
    """A sector's title; no sector is OIC-VET's own content."""
    return OICVET_LABEL if key is None else sector_title(key)


def _sector_choices() -> Choices:
    return translated_choices("audit: sectors", lambda: [
        ("", _l("All")), *((plugin.key, plugin.title) for plugin in get_registry()), (OICVET, OICVET_LABEL),
    ])


def _kind_choices() -> Choices:
    return translated_choices("audit: kinds", lambda: [("", _l("All")), *record_kinds().items()])


def _person_choices() -> Choices:
    """The accounts that appear in the log, by name; one grouped query on its (account, time) index."""
    rows = db.session.execute(
        select(AuditEntry.account_id, func.max(AuditEntry.account_name), func.max(AuditEntry.account_email))
        .where(AuditEntry.account_id.is_not(None))
        .group_by(AuditEntry.account_id)
    ).all()
    people = sorted(rows, key=lambda row: (row[1].casefold(), row[2]))
    return ((("", _("All")),) + tuple((str(account_id), f"{name} ({email})") for account_id, name, email in people))


@bp.get("/audit/")
@admins_only
@unlisted
def audit() -> ResponseReturnValue:
    form = AuditFilter(request.args)
    form.person.choices = _person_choices()
    form.sector.choices = _sector_choices()
    form.kind.choices = _kind_choices()
    form.validate()
    # A value that is not one of the choices (an old link, a hand-typed URL) is ignored.
    filters = {name: field.data for name, field in form._fields.items() if field.data and not field.errors}
    statement = select(AuditEntry)
    if "person" in filters:
        statement = statement.where(AuditEntry.account_id == int(filters["person"]))
    if "sector" in filters:
        sector = filters["sector"]
        statement = statement.where(AuditEntry.sector.is_(None) if sector == OICVET else AuditEntry.sector == sector)
    if "kind" in filters:
        statement = statement.where(AuditEntry.kind == filters["kind"])
    page = db.paginate(statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
                       page=number_arg(), per_page=PAGE_SIZE, max_per_page=PAGE_SIZE)
    return render_template(
        "panel/audit/list.html", form=form, page=page, filters=filters, kinds=record_kinds(), actions=actions(),
        long_datetime=long_datetime, sector_label=sector_label,
    )


@dataclass(frozen=True)
class Line:
    """One line of a value: a language's text (``label`` its name, ``lang`` its code), or plain text."""

    text: str
    label: str | None = None
    lang: str | None = None


def readable(value: Any) -> list[Line]:
    """A value as the log keeps it (JSON), as lines to read: one per language of a text, lists joined."""
    if value is None or value == "" or value == {} or value == []:
        return []
    if isinstance(value, bool):
        return [Line(_("Yes") if value else _("No"))]
    if isinstance(value, Mapping):
        served = set(languages())
        if value and all(key in served for key in value):
            names = language_names()
            # In the site's order of languages, English first.
            return [Line(str(value[code]), names[code], code) for code in languages() if value.get(code)]
        return [Line(_readable_text(item), str(key)) for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [Line(join_list(_readable_text(item) for item in value))]
    return [Line(str(value))]


def _readable_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_readable_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return join_list(_readable_text(item) for item in value)
    return "" if value is None else str(value)


def _review_page(kind_key: str) -> tuple[str, str, type] | None:
    """A reviewed profile's page in its kind's review queue."""
    from oicvet.profiles.kinds import kinds_of

    for kind in kinds_of(current_app):
        if kind.key == kind_key:
            return (f"{kind.review_blueprint}.review", "profile_id", int)
    return None


def _record_link(entry: AuditEntry) -> str | None:
    """The panel's page of the record, if the panel has one and the record was not deleted."""
    page = RECORD_PAGES.get(entry.kind) or _review_page(entry.kind)
    if page is None or entry.action == "delete" or page[0] not in current_app.view_functions:
        return None
    endpoint, name, convert = page
    try:
        value = convert(entry.record_id)
    except ValueError:
        return None
    return url_for(endpoint, **{name: value})


@bp.get("/audit/<int:entry_id>/")
@admins_only
@unlisted
def audit_entry(entry_id: int) -> ResponseReturnValue:
    entry = db.session.get(AuditEntry, entry_id) or abort(404)
    before, after = entry.before or {}, entry.after or {}
    names = list(dict.fromkeys([*before, *after]))
    rows = [(name, readable(before.get(name)), readable(after.get(name))) for name in names]
    return render_template(
        "panel/audit/entry.html", entry=entry, rows=rows, kinds=record_kinds(), actions=actions(),
        long_datetime=long_datetime, sector_label=sector_label, record_link=_record_link(entry),
        had_before=entry.before is not None, has_after=entry.after is not None,
    )
