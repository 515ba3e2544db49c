"""What every template can use beyond Flask's and Babel's own helpers."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, url_for

from oicvet.accounts.models import ROLE_LABELS
from oicvet.i18n import lazy_gettext as _l
from oicvet.partners.models import ORGANISATION_TYPES, STATUS_LABELS
from oicvet.plugins.registry import get_registry

EVENT_KIND_LABELS = {
    "training_course": _l("Training course"),
    "training_workshop": _l("Training workshop"),
    "workshop": _l("Workshop"),
    "study_visit": _l("Study visit"),
    "tot_course": _l("Training-of-Trainers course"),
    "expert_mission": _l("Expert mission"),
    "meeting": _l("Meeting"),
    "committee_meeting": _l("Committee meeting"),
    "conference": _l("Conference"),
    "webinar": _l("Webinar"),
    "launch": _l("Launch"),
    "internship": _l("Internship"),
}


def event_kind(kind: str):
    return EVENT_KIND_LABELS.get(kind, kind)


def sector_title(key: str) -> Any:
    plugin = get_registry().sector(key)
    return plugin.title if plugin else key


def role_label(role: str) -> Any:
    return ROLE_LABELS.get(role, role)


def organisation_type(key: str) -> Any:
    return ORGANISATION_TYPES.get(key, key)


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    versions: dict[str, str] = {}

    def asset_url(filename: str) -> str:
        if filename not in versions:
            digest = hashlib.sha256((static / filename).read_bytes()).hexdigest()[:12]
            versions[filename] = digest
        return url_for("static", filename=filename, v=versions[filename])

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        asset_url=asset_url,
        event_kind=event_kind,
        programme_entry=lambda slug: get_registry().programme(slug),
        sector_title=sector_title,
        role_label=role_label,
        organisation_type=organisation_type,
        partner_status=lambda status: STATUS_LABELS.get(status, status),
    )
