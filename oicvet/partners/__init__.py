"""The Partners Database: registration, profiles, approval and search.

Everything the feature adds to the site is wired here: its pages, staff
review, menu entries, account-page links, labels for templates and the
sitemap's partner pages.
"""

from __future__ import annotations

from flask import Flask

from oicvet.accounts import add_account_link
from oicvet.accounts.models import Role
from oicvet.i18n import lazy_gettext as _l
from oicvet.menu import ANONYMOUS, MenuItem, add_entry


def init_app(app: Flask) -> None:
    from oicvet import seo
    from oicvet.partners import display, views
    from oicvet.partners.kind import PARTNERS
    from oicvet.partners.models import ORGANISATION_TYPES
    from oicvet.profiles import register_kind
    from oicvet.profiles.status import STATUS_LABELS

    app.register_blueprint(views.bp)
    register_kind(app, PARTNERS)  # staff review at /<lang>/admin/partners/, and the e-mails of each step
    seo.add_provider(app, views.listed_pages)

    anonymous, partner = frozenset({ANONYMOUS}), frozenset({Role.PARTNER.value})
    add_entry(app, 50, MenuItem(
        _l("OIC-VET Partners Database"),
        "partners.search",
        children=(
            MenuItem(_l("Partner Registration"), "partners.register", audience=anonymous),
            MenuItem(_l("Partner Search"), "partners.search"),
            # Where a visitor logs in, a partner who has finds its profile.
            MenuItem(_l("Partner Login"), "accounts.login", audience=anonymous),
            MenuItem(_l("My profile"), "partners.profile", audience=partner),
        ),
    ))
    add_account_link(app, 100, _l("My partner profile"), "partners.profile", Role.PARTNER)
    add_account_link(app, 110, _l("Partner Search"), "partners.search", Role.PARTNER)
    add_account_link(app, 120, _l("Partners to review"), "partner_review.queue", Role.ADMINISTRATOR)
    app.jinja_env.globals.update(
        partner_results=display.partner_results,
        organisation_type=lambda key: ORGANISATION_TYPES.get(key, key),
        partner_status=lambda status: STATUS_LABELS.get(status, status),
    )
