"""How an event's venue, dates and texts show in lists and on its page.

Python rather than template macros: a list of twenty events would otherwise
call some sixty macros and a hundred helpers, each dearer than the HTML it
makes. The macros of ``macros.html`` (``venue``, ``when``, ``event_table``)
call these, and remain what templates (plugins' too) use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from babel.numbers import format_decimal
from flask_babel import gettext
from markupsafe import Markup, escape

from oicvet.content import LocalText, local_html
from oicvet.events import ListedEvent
from oicvet.i18n import (
    FORMAT_LOCALES,
    babel_locale,
    country_name,
    current_language,
    date_range,
    join_list,
    number,
)
from oicvet.i18n import markup_gettext as _
from oicvet.models import Event
from oicvet.plugins import SectorPlugin
from oicvet.plugins.registry import get_registry
from oicvet.templating import link


def event_venue(event: Event | ListedEvent) -> Markup:
    if event.is_virtual:
        return _("Online")
    if not event.has_venue:
        # Outside the f-string: Babel does not look inside one, and the words were never translated.
        unknown = _("Venue not recorded")
        return Markup(f'<span class="muted">{unknown}</span>')
    city = event.local("city")
    if city and event.country:
        # The translated pattern, filled with text escaped here (as Markup's % would, at thrice the cost).
        pattern = gettext("%(city)s, %(country)s")
        return Markup(pattern % {"city": local_html(city), "country": escape(country_name(event.country))})
    return local_html(city) if city else escape(country_name(event.country))


def event_dates(event: Event | ListedEvent) -> Markup:
    text = date_range(event.start_date, event.end_date)
    if text:
        return escape(text)
    unknown = _("Dates not recorded")
    return Markup(f'<span class="muted">{unknown}</span>')


def event_title(event: Event | ListedEvent) -> Markup:
    return local_html(event.local("title"))


def event_rows(events: Iterable[Event | ListedEvent], show_programme: bool = False) -> Markup:
    """The rows of an events table (the ``event_table`` macro): venue, dates, title and, if asked, programme."""
    registry = get_registry()
    rows = []
    for event in events:
        title = f'<a href="{escape(link("programmes.event", event_id=event.id))}">{event_title(event)}</a>'
        if show_programme:
            entry = registry.programme(event.programme)
            programme = escape(entry.programme.title) if entry else _("OIC-VET")
            title += f'\n        <br><span class="muted">{programme}</span>'
        rows.append(
            f"\n    <tr>\n      <td>{event_venue(event)}</td>\n      <td>{event_dates(event)}</td>"
            f"\n      <td>{title}</td>\n    </tr>"
        )
    return Markup("".join(rows))


def summary_rows(sector: SectorPlugin, counts: Mapping[str, int], years: Mapping[str, list[int]]) -> Markup:
    """A sector's rows of the Programme Summary: each programme, its number of events, its years."""
    rows = []
    none_yet = None
    for programme in sector.programmes:
        url = escape(link("programmes.programme", slug=programme.slug))
        active = years.get(programme.slug)
        if active:
            when = escape(join_list(active))
        else:
            if none_yet is None:
                none_recorded = _("None recorded yet")
                none_yet = f'<span class="muted">{none_recorded}</span>'
            when = none_yet
        rows.append(
            f'\n      <tr>\n        <td><a href="{url}">{escape(programme.title)}</a></td>'
            f"\n        <td>{escape(number(counts.get(programme.slug, 0)))}</td>\n        <td>{when}</td>\n      </tr>"
        )
    return Markup("".join(rows))


# An event's photos and documents (the event's page, the staff panel) --------------------


def file_size(size: int, language: str | None = None) -> str:
    """A file's size as a person reads it, in the page's language: ``350 KB``, ``1.2 MB``."""
    language = language or current_language()
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=number(max(1, round(size / 1024)), language))
    megabytes = format_decimal(round(size / (1024 * 1024), 1), format="#,##0.#",
                               locale=FORMAT_LOCALES.get(language, language))
    return gettext("%(size)s MB", size=megabytes)


def language_name(code: str | None, language: str | None = None) -> str:
    """A language's name in the page's language (a document's language: "English", "anglais")."""
    if not code:
        return ""
    return babel_locale(language or current_language()).languages.get(code, code)


#: The block elements ``oicvet.richtext`` makes (it allows no attribute on them but ``start``).
_BLOCKS = re.compile(r"<(p|ul|ol)(?=[ >])")


def rich_text(text: LocalText) -> Markup:
    """An event's description, HTML sanitised when it was saved (``oicvet.richtext``).

    English shown where a translation is missing is marked as English, block by block,
    as the paragraphs of a plain text are.
    """
    if not text.lang:
        return Markup(text.text)
    marked = f' lang="{escape(text.lang)}" dir="ltr"'
    return Markup(_BLOCKS.sub(lambda match: f"<{match.group(1)}{marked}", text.text))
