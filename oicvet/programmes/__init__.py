"""Sector groups, programmes and their events, the Activities Archive and the Programme Summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask
from sqlalchemy import select

from oicvet import seo
from oicvet.events import visible
from oicvet.extensions import db
from oicvet.i18n import lazy_gettext as _l
from oicvet.menu import MenuItem, add_entry
from oicvet.models import Event
from oicvet.plugins import EVENT_KINDS
from oicvet.plugins.registry import get_registry
from oicvet.programmes import texts  # noqa: F401  (its model: staff's programme texts)

#: What an event is, as visitors read it: the plugin contract's list of kinds.
EVENT_KIND_LABELS = EVENT_KINDS


def sectors_entry() -> MenuItem:
    """Each loaded sector with its programmes and the extra pages its plugin lists."""
    sectors = tuple(
        MenuItem(
            plugin.title,
            "programmes.sector",
            (("key", plugin.key),),
            tuple(MenuItem(p.title, "programmes.programme", (("slug", p.slug),)) for p in plugin.programmes)
            + tuple(MenuItem(link.label, f"{plugin.key}.{link.endpoint}") for link in plugin.links),
        )
        for plugin in get_registry()
    )
    return MenuItem(_l("Activities & Capacity Building Programmes"), "programmes.summary", children=sectors)


def listed_pages() -> Iterator[tuple[str, dict[str, Any]]]:
    """Sectors and programmes of the loaded plugins, and the events visitors can see, for the sitemap."""
    registry = get_registry()
    for sector in registry:
        yield "programmes.sector", {"key": sector.key}
    for entry in registry.programmes:
        yield "programmes.programme", {"slug": entry.slug}
    for event_id in db.session.scalars(select(Event.id).where(visible()).order_by(Event.id)):
        yield "programmes.event", {"event_id": event_id}


def init_app(app: Flask) -> None:
    from oicvet.programmes import display
    from oicvet.programmes.views import bp

    app.register_blueprint(bp)
    seo.add_provider(app, listed_pages)
    add_entry(app, 20, sectors_entry)
    add_entry(app, 30, MenuItem(_l("Activities Archive"), "programmes.archive"))
    add_entry(app, 40, MenuItem(_l("Programme Summary"), "programmes.summary"))
    app.jinja_env.globals.update(
        event_kind=lambda kind: EVENT_KIND_LABELS.get(kind, kind),
        event_venue=display.event_venue,
        event_dates=display.event_dates,
        event_title=display.event_title,
        event_rows=display.event_rows,
        summary_rows=display.summary_rows,
    )
