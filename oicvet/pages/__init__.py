"""The programme's own pages: home, What is OIC-VET?, Programme Types, Committee, Focal Points, Links."""

from __future__ import annotations

from flask import Flask

from oicvet.i18n import lazy_gettext as _l
from oicvet.menu import MenuItem, add_entry, add_footer_entry


def init_app(app: Flask) -> None:
    from oicvet.pages.views import bp, root

    app.register_blueprint(root)
    app.register_blueprint(bp)
    add_entry(app, 10, MenuItem(
        _l("OIC-VET"),
        "pages.about",
        children=(
            MenuItem(_l("What is OIC-VET?"), "pages.about"),
            MenuItem(_l("Programme Types"), "pages.programme_types"),
            MenuItem(_l("Monitoring and Advisory Committee"), "pages.committee"),
            MenuItem(_l("National Focal Points"), "pages.focal_points"),
        ),
    ))
    add_footer_entry(app, 10, MenuItem(_l("Home Page"), "pages.home"))
    add_footer_entry(app, 20, MenuItem(_l("Links"), "pages.links"))
