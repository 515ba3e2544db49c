"""The real content a fresh install starts with.

OIC-VET's own events live here; each plugin ships its programme's events.
Loading is idempotent: an event already loaded (by its seed key) is kept as
staff may have edited it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from oicvet.content import clean_texts
from oicvet.extensions import db
from oicvet.i18n import in_every_language
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import Event
from oicvet.plugins import PluginError, SeedEvent
from oicvet.plugins.registry import get_registry
from oicvet.richtext import texts_to_html

CORE_PROGRAMME = "oicvet"  # stands for OIC-VET itself; stored as NULL

CORE_EVENTS = [
    SeedEvent(
        key="mac-1-2009",
        programme=CORE_PROGRAMME,
        kind="committee_meeting",
        title=_l("First Meeting of the Monitoring and Advisory Committee"),
        year=2009,
        start=date(2009, 5, 13),
        city=_l("Izmir"),
        country="TR",
        summary=_l("The Monitoring and Advisory Committee of OIC-VET met for the first time."),
    ),
    SeedEvent(
        key="oicvet-launch-2009",
        programme=CORE_PROGRAMME,
        kind="launch",
        title=_l("Launch of the OIC Vocational Education and Training Programme"),
        year=2009,
        start=date(2009, 11, 9),
        summary=_l("OIC-VET was launched at the COMCEC Economic Summit, after COMCEC had endorsed it at its 24th Session in 2008."),
    ),
    SeedEvent(
        key="mac-2-2010",
        programme=CORE_PROGRAMME,
        kind="committee_meeting",
        title=_l("Second Meeting of the Monitoring and Advisory Committee"),
        year=2010,
        start=date(2010, 5, 11),
        end=date(2010, 5, 12),
        city=_l("Antalya"),
        country="TR",
        summary=_l("The Monitoring and Advisory Committee of OIC-VET held its second meeting."),
    ),
    SeedEvent(
        key="mac-3-2011",
        programme=CORE_PROGRAMME,
        kind="committee_meeting",
        title=_l("Third Meeting of the Monitoring and Advisory Committee"),
        year=2011,
        start=date(2011, 7, 16),
        end=date(2011, 7, 20),
        city=_l("Tehran"),
        country="IR",
        summary=_l("The Monitoring and Advisory Committee of OIC-VET held its third meeting."),
    ),
]


def _texts(text) -> dict[str, str] | None:
    """A seed's field as stored: ``{language: text}``, or None when it has none."""
    if text is None:
        return None
    if isinstance(text, Mapping):
        return clean_texts(text) or None
    # A lazy string: English, and each served language whose catalogs translate it.
    return in_every_language(text)


def _event_from(seed: SeedEvent, sector: str | None) -> Event:
    return Event(
        seed_key=seed.key,
        sector=sector,
        programme=None if seed.programme == CORE_PROGRAMME else seed.programme,
        kind=seed.kind,
        title=_texts(seed.title),
        summary=_texts(seed.summary),
        body=_texts(seed.body),
        body_html=texts_to_html(_texts(seed.body)) or None,
        city=_texts(seed.city),
        year=seed.year,
        start_date=seed.start,
        end_date=seed.end,
        country=seed.country,
        is_virtual=seed.virtual,
        participants=seed.participants,
        countries_count=seed.countries,
    )


def load_seed() -> int:
    """Add the shipped events that are not in the database yet; return how many."""
    wanted = [(seed, None) for seed in CORE_EVENTS]
    core_keys = {seed.key for seed in CORE_EVENTS}
    for plugin in get_registry():
        taken = sorted(core_keys & {seed.key for seed in plugin.events})
        if taken:
            # The event already stored under that key is OIC-VET's own: the plugin's would never load.
            raise PluginError(f"Plugin {plugin.key!r}: the seed event key {taken[0]!r} is one of OIC-VET's own "
                              f"events; give the event a key of its own")
        wanted += [(seed, plugin.key) for seed in plugin.events]
    present = set(db.session.scalars(db.select(Event.seed_key).where(Event.seed_key.is_not(None))))
    added = 0
    for seed, sector in wanted:
        if seed.key not in present:
            db.session.add(_event_from(seed, sector))
            added += 1
    db.session.commit()
    return added
