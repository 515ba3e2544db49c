"""The Roster of Experts: specialists register in the rosters that sector plugins declare
(Environment and Water; Occupational Safety and Health), staff review them, and staff and
partners find them for missions, trainings and studies.

Everything the feature adds to the site is wired here: its pages (``directory``
for the search, the expert's page and the CV; ``membership`` for joining, the
profile and withdrawing), the staff review of experts, menu entries,
account-page links and template helpers. An expert is a reviewed profile
(``oicvet.profiles``): they join with a CV, confirm the address and wait for
administrators, or for an editor of a sector whose roster they joined.
"""

from __future__ import annotations

from flask import Flask

from oicvet.accounts import add_account_link
from oicvet.accounts.models import Role
from oicvet.i18n import lazy_gettext as _l
from oicvet.menu import MenuItem, add_entry


def _menu_entry() -> MenuItem:
    """The roster's entry: one link per loaded plugin's roster, as the seed's menu has them."""
    from oicvet.plugins.registry import get_registry

    expert = frozenset({Role.EXPERT.value})
    rosters = tuple(MenuItem(entry.roster.title, "experts.search", args=(("roster", entry.key),))
                    for entry in get_registry().rosters)
    return MenuItem(_l("Roster of Experts"), "experts.search", children=(
        *rosters,
        MenuItem(_l("Join the Roster of Experts"), "experts.join"),
        MenuItem(_l("My expert profile"), "experts.profile", audience=expert),
    ))


def init_app(app: Flask) -> None:
    from oicvet.experts import cv, directory, display, membership  # noqa: F401  (each adds its views)
    from oicvet.experts.blueprint import bp
    from oicvet.experts.kind import EXPERTS
    from oicvet.profiles import register_kind

    app.register_blueprint(bp)
    register_kind(app, EXPERTS)  # staff review at /<lang>/admin/experts/
    add_entry(app, 55, _menu_entry)
    add_account_link(app, 300, _l("My expert profile"), "experts.profile", Role.EXPERT)
    # Sector editors review the experts of their sectors' rosters: the link is for those who have one.
    add_account_link(app, 310, _l("Experts to review"), "expert_review.queue", Role.ADMINISTRATOR,
                     Role.SECTOR_EDITOR, visible=EXPERTS.reviews)
    display.init_app(app)
