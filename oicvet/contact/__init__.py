"""Contact Us: a message to the programme's staff."""

from __future__ import annotations

from flask import Flask

from oicvet.i18n import lazy_gettext as _l
from oicvet.menu import MenuItem, add_footer_entry


def init_app(app: Flask) -> None:
    from oicvet.contact.views import bp

    app.register_blueprint(bp)
    add_footer_entry(app, 30, MenuItem(_l("Contact Us"), "contact.form"))
