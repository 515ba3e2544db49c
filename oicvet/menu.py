"""The site's navigation, built from the core's pages and the loaded plugins.

The structure is fixed at start-up; its URLs are made once per language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, url_for

from oicvet.i18n import current_language
from oicvet.i18n import lazy_gettext as _l
from oicvet.plugins.registry import get_registry


@dataclass(frozen=True)
class MenuItem:
    label: Any
    endpoint: str
    args: tuple[tuple[str, str], ...] = ()
    children: tuple[MenuItem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LinkedItem:
    """A menu item with its URL in one language."""

    label: Any
    url: str
    children: tuple[LinkedItem, ...] = ()


def build_menu() -> tuple[MenuItem, ...]:
    sectors = tuple(
        MenuItem(
            plugin.title,
            "programmes.sector",
            (("key", plugin.key),),
            tuple(
                MenuItem(p.title, "programmes.programme", (("slug", p.slug),))
                for p in plugin.programmes
            )
            + tuple(MenuItem(link.label, f"{plugin.key}.{link.endpoint}") for link in plugin.links),
        )
        for plugin in get_registry()
    )
    return (
        MenuItem(
            _l("OIC-VET"),
            "pages.about",
            children=(
                MenuItem(_l("What is OIC-VET?"), "pages.about"),
                MenuItem(_l("Programme Types"), "pages.programme_types"),
                MenuItem(_l("Monitoring and Advisory Committee"), "pages.committee"),
                MenuItem(_l("National Focal Points"), "pages.focal_points"),
            ),
        ),
        MenuItem(_l("Activities & Capacity Building Programmes"), "programmes.summary", children=sectors),
        MenuItem(_l("Activities Archive"), "programmes.archive"),
        MenuItem(_l("Programme Summary"), "programmes.summary"),
        MenuItem(
            _l("OIC-VET Partners Database"),
            "partners.search",
            children=(
                MenuItem(_l("Partner Registration"), "partners.register"),
                MenuItem(_l("Partner Search"), "partners.search"),
                MenuItem(_l("Partner Login"), "accounts.login"),
            ),
        ),
    )


FOOTER = (
    MenuItem(_l("Home Page"), "pages.home"),
    MenuItem(_l("Links"), "pages.links"),
    MenuItem(_l("Contact Us"), "contact.form"),
)


def _link(item: MenuItem, lang: str) -> LinkedItem:
    return LinkedItem(
        item.label,
        url_for(item.endpoint, lang=lang, **dict(item.args)),
        tuple(_link(child, lang) for child in item.children),
    )


def linked(items: tuple[MenuItem, ...]) -> tuple[LinkedItem, ...]:
    lang = current_language()
    cache = current_app.extensions["oicvet.menu_urls"]
    key = (id(items), lang)
    if key not in cache:
        cache[key] = tuple(_link(item, lang) for item in items)
    return cache[key]


def init_app(app: Flask) -> None:
    with app.app_context():
        menu = build_menu()
    app.extensions["oicvet.menu_urls"] = {}
    app.jinja_env.globals.update(
        main_menu=lambda: linked(menu),
        footer_menu=lambda: linked(FOOTER),
    )
