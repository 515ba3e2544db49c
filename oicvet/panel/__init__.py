"""The staff panel: sector teams keep their events and programme texts; administrators keep
accounts and roles, the National Focal Points, the Committee's meetings, the Contact Us
inbox, and read the audit log of every change made here.

Each part is a module that adds its views to the one ``panel`` blueprint; the
parts are listed in ``SECTIONS``, in the order the panel's menu shows them. Another
feature with staff pages of its own (TROP's training opportunities) adds its
section with ``add_section`` from its ``init_app``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from oicvet.accounts import add_account_link
from oicvet.accounts.models import Role
from oicvet.audit import add_actions, add_record_kinds
from oicvet.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Section:
    label: Any
    endpoint: str
    #: Only administrators see it (and may open it); otherwise every staff member.
    admins_only: bool = False


SECTIONS = (
    Section(_l("Events"), "panel.events"),
    Section(_l("Programme texts"), "panel.programmes"),
    Section(_l("Committee meetings"), "panel.committee", admins_only=True),
    Section(_l("National Focal Points"), "panel.focal_points", admins_only=True),
    Section(_l("Inbox"), "panel.inbox", admins_only=True),
    Section(_l("Accounts and roles"), "panel.accounts", admins_only=True),
    Section(_l("Audit log"), "panel.audit", admins_only=True),
)

#: The kinds of record the panel changes, as the audit log names them.
RECORD_KINDS = {
    "event": _l("Event"),
    "event_file": _l("Photo or document"),
    "programme_text": _l("Programme text"),
    "focal_point": _l("National Focal Point"),
    "account": _l("Account"),
    "contact_message": _l("Contact Us message"),
}

#: What the panel does to them, as the log says it.
ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "publish": _l("Published"),
    "unpublish": _l("Unpublished"),
    "restore": _l("Plugin's text restored"),
    "grant": _l("Role given"),
    "revoke": _l("Role taken away"),
    "sectors": _l("Sectors changed"),
    "disable": _l("Disabled"),
    "enable": _l("Enabled again"),
    "welcome": _l("Link to choose a password sent"),
    "read": _l("Marked as read"),
    "unread": _l("Marked as unread"),
}


_SECTIONS = "oicvet.panel_sections"


def add_section(app: Flask, order: int, section: Section) -> None:
    """Show ``section`` in the panel's menu and on its home, at ``order`` (the panel's own: 10 to 70)."""
    sections = app.extensions.setdefault(_SECTIONS, [])
    sections.append((order, section))
    sections.sort(key=lambda pair: pair[0])


def init_app(app: Flask) -> None:
    from oicvet.panel import accounts, audit_log, events, focal_points, home, inbox, programmes  # noqa: F401
    from oicvet.panel.blueprint import bp

    app.register_blueprint(bp)
    for order, section in enumerate(SECTIONS, start=1):
        add_section(app, order * 10, section)
    add_record_kinds(app, RECORD_KINDS)
    add_actions(app, ACTIONS)
    add_account_link(app, 50, _l("Staff panel"), "panel.home", Role.ADMINISTRATOR, Role.SECTOR_EDITOR)
    app.jinja_env.globals.update(panel_sections=visible_sections)


def visible_sections() -> list[Section]:
    from oicvet.panel.access import is_admin

    admin = is_admin()
    sections = current_app.extensions.get(_SECTIONS, [])
    return [section for _order, section in sections if admin or not section.admins_only]
