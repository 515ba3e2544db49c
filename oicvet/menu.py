"""The site's navigation: entries that each feature adds from its own ``init_app``.

The menu knows no feature. A feature calls :func:`add_entry` (or
:func:`add_footer_entry`) at start-up; the entries are put in order once, on
first use, and their URLs made once per language and audience, so a page
costs a dictionary lookup.

An entry may be shown to everyone or to an audience only: visitors who are
not logged in (``ANONYMOUS``), those who are (``AUTHENTICATED``), or those
with a given role. "Partner Login" for visitors and "My profile" for a
partner can then stand in the same place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup, escape

from oicvet.i18n import current_language

ANONYMOUS = "anonymous"
AUTHENTICATED = "authenticated"


@dataclass(frozen=True)
class MenuItem:
    label: Any
    endpoint: str
    args: tuple[tuple[str, str], ...] = ()
    children: tuple[MenuItem, ...] = ()
    #: Who sees it: everyone (None), or visitors in any of these audiences.
    audience: frozenset[str] | None = None


@dataclass(frozen=True)
class LinkedItem:
    """A menu item with its label and URL in one language."""

    label: str
    url: str
    children: tuple[LinkedItem, ...] = ()


#: An entry, or a function that makes it once in an app context (one that reads the plugins, say).
Entry = MenuItem | Callable[[], MenuItem]


@dataclass
class Menu:
    """One app's entries, in the order given, and their URLs per language and audience."""

    entries: list[tuple[int, Entry]] = field(default_factory=list)
    items: tuple[MenuItem, ...] | None = None
    linked: dict[tuple[str, frozenset[str]], tuple[LinkedItem, ...]] = field(default_factory=dict)
    lists: dict[tuple[str, frozenset[str]], str] = field(default_factory=dict)

    def add(self, order: int, entry: Entry) -> None:
        if self.items is not None:
            raise RuntimeError("Menu entries are added at start-up, from a feature's init_app")
        self.entries.append((order, entry))

    def links(self, lang: str, audience: frozenset[str]) -> tuple[LinkedItem, ...]:
        if self.items is None:
            ordered = sorted(self.entries, key=lambda pair: pair[0])  # stable: equal orders keep theirs
            self.items = tuple(entry if isinstance(entry, MenuItem) else entry() for _order, entry in ordered)
        key = (lang, audience)
        if key not in self.linked:
            # Labels translated here, once: the layout shows some fifty on every page.
            with force_locale(lang):
                self.linked[key] = _linked(self.items, lang, audience)
        return self.linked[key]

    def html(self, lang: str, audience: frozenset[str], current_path: str | None = None) -> Markup:
        """The menu as nested lists; the link to ``current_path``, if given, marked as the current page."""
        key = (lang, audience)
        html = self.lists.get(key)
        if html is None:
            html = self.lists[key] = _list(self.links(lang, audience))
        if current_path is None:
            return Markup(html)
        # Made once per language and audience; only the current page's mark differs between pages.
        link = f'<a href="{escape(current_path)}">'
        return Markup(html.replace(link, f'{link[:-1]} aria-current="page">'))


def _list(items: tuple[LinkedItem, ...]) -> str:
    entries = "".join(
        f'<li><a href="{escape(item.url)}">{escape(item.label)}</a>{_list(item.children) if item.children else ""}</li>'
        for item in items
    )
    return f"<ul>{entries}</ul>"


def _linked(items: Iterable[MenuItem], lang: str, audience: frozenset[str]) -> tuple[LinkedItem, ...]:
    return tuple(
        LinkedItem(
            str(item.label),
            url_for(item.endpoint, lang=lang, **dict(item.args)),
            _linked(item.children, lang, audience),
        )
        for item in items
        if item.audience is None or not item.audience.isdisjoint(audience)
    )


def add_entry(app: Flask, order: int, entry: Entry) -> None:
    """Add an entry to the main menu; lower ``order`` first (the core's entries use tens)."""
    app.extensions["oicvet.menu"].add(order, entry)


def add_footer_entry(app: Flask, order: int, entry: Entry) -> None:
    """Add a link to the footer; lower ``order`` first."""
    app.extensions["oicvet.footer"].add(order, entry)


def visitor_audience() -> frozenset[str]:
    """The audiences of the person reading the page."""
    if not current_user.is_authenticated:
        return frozenset({ANONYMOUS})
    return frozenset({AUTHENTICATED, *getattr(current_user, "roles", ())})


def init_app(app: Flask) -> None:
    app.extensions["oicvet.menu"] = Menu()
    app.extensions["oicvet.footer"] = Menu()

    def main_menu() -> tuple[LinkedItem, ...]:
        return current_app.extensions["oicvet.menu"].links(current_language(), visitor_audience())

    def footer_menu() -> tuple[LinkedItem, ...]:
        return current_app.extensions["oicvet.footer"].links(current_language(), visitor_audience())

    def main_menu_html() -> Markup:
        return current_app.extensions["oicvet.menu"].html(current_language(), visitor_audience(), request.path)

    def footer_menu_html() -> Markup:
        return current_app.extensions["oicvet.footer"].html(current_language(), visitor_audience())

    app.jinja_env.globals.update(main_menu=main_menu, main_menu_html=main_menu_html, footer_menu=footer_menu,
                                 footer_menu_html=footer_menu_html)
