"""TROP, Training Opportunities: training institutions of member countries become members and
publish the courses, workshops and seminars they open to participants from other member countries.

Everything the feature adds to the site is wired here: its pages (``catalogue``
and ``feeds`` for the opportunities, ``institutions`` for the directory,
``membership`` for applying, ``manage`` for the members' Management Panel,
``oversight`` for staff), the staff review of applications, menu entries,
account-page links, audit-log names, template helpers and the sitemap's pages.
An institution is a reviewed profile (``oicvet.profiles``): it applies,
confirms its address and waits for staff; approval makes its account a TROP member.
"""

from __future__ import annotations

from flask import Flask

from oicvet.accounts import add_account_link
from oicvet.accounts.models import Role
from oicvet.audit import add_actions, add_record_kinds
from oicvet.i18n import lazy_gettext as _l
from oicvet.menu import MenuItem, add_entry

#: The records staff change here, as the audit log names them.
RECORD_KINDS = {"training_opportunity": _l("Training opportunity")}
ACTIONS = {"unpublish": _l("Unpublished")}


def init_app(app: Flask) -> None:
    from oicvet import seo
    from oicvet.panel import Section, add_section
    from oicvet.profiles import register_kind

    # Each module adds its views to the blueprints as it is imported.
    from oicvet.trop import catalogue, display, feeds, institutions, manage, membership, oversight, visibility  # noqa: F401
    from oicvet.trop.blueprint import bp, staff_bp
    from oicvet.trop.kind import INSTITUTIONS

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    register_kind(app, INSTITUTIONS)  # staff review at /<lang>/admin/institutions/
    add_record_kinds(app, RECORD_KINDS)
    add_actions(app, ACTIONS)
    seo.add_provider(app, institutions.listed_pages)
    seo.add_provider(app, catalogue.listed_pages)

    add_entry(app, 35, MenuItem(
        _l("Training Opportunities (TROP)"),
        "trop.catalogue",
        children=(
            MenuItem(_l("Training opportunities"), "trop.catalogue"),
            MenuItem(_l("Become a Member of TROP"), "trop.apply"),
            MenuItem(_l("Management Panel"), "trop.manage"),
            MenuItem(_l("Training Institutions"), "trop.institutions"),
        ),
    ))
    add_account_link(app, 200, _l("TROP Management Panel"), "trop.manage", Role.TROP_MEMBER)
    add_account_link(app, 210, _l("Training institutions to review"), "institution_review.queue",
                     Role.ADMINISTRATOR)
    add_account_link(app, 220, _l("Training opportunities (staff view)"), "trop_staff.opportunities",
                     Role.ADMINISTRATOR, Role.SECTOR_EDITOR)
    # Staff reach every opportunity from the staff panel's menu (between the programme texts and the Committee).
    add_section(app, 25, Section(_l("Training opportunities"), "trop_staff.opportunities"))
    display.init_app(app)
    visibility.init_app(app)  # an institution that leaves TROP takes its opportunities off the catalogue
