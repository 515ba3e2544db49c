"""Maritime Transport: an example sector plugin, packaged and installed on its own.

The sector is invented. It shows plugin authors each thing a plugin may bring
besides its declaration: a page of its own (the list of ports), a table of its
own with its migration, a template that fills a block of the core's sector
page, a stylesheet and its catalogs.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from oicvet.extensions import db
from oicvet.plugins import MenuLink, Programme, SectorPlugin
from oicvet.plugins import lazy_gettext as _l
from oicvet_maritime.models import Port

__all__ = ["Port", "plugin"]

#: Its pages: the core mounts it at /<lang>/maritime/ under the plugin's key.
blueprint = Blueprint("maritime", __name__)


@blueprint.get("/ports/")
def ports() -> ResponseReturnValue:
    listed = db.session.scalars(select(Port).order_by(Port.name, Port.id)).all()
    return render_template("maritime/ports.html", sector=plugin, ports=listed)


plugin = SectorPlugin(
    key="maritime",
    title=_l("Maritime Transport"),
    description=_l(
        "An invented sector group, an example for the authors of sector plugins: it shows how a plugin "
        "is packaged and installed on its own. It is not part of the work of OIC-VET."
    ),
    order=90,
    programmes=[
        Programme(
            slug="maritime-port-operations-example",
            title=_l("Port Operations (Example)"),
            summary=_l("An invented programme of the example sector, to show how a plugin declares its programmes."),
            body=_l(
                "This programme does not exist: it belongs to an example sector that comes with the source "
                "code of the portal, for the authors of sector plugins.\n\n"
                "A real plugin says here, in a few paragraphs, whom its programme is for, what it aims at "
                "and how it works."
            ),
        ),
    ],
    blueprint=blueprint,
    links=[MenuLink(_l("Ports"), "ports")],
)
