"""Partner Search's results, made in Python: a page of twenty in the template took a hundred
macro and helper calls, more than the rest of the page."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from oicvet.i18n import country_name, join_list, long_date
from oicvet.i18n import markup_gettext as _
from oicvet.partners.models import ORGANISATION_TYPES
from oicvet.partners.search import Listed
from oicvet.plugins.registry import get_registry
from oicvet.templating import link

#: How much of a description the list shows (Jinja's ``truncate``, at a word's end).
EXCERPT = 220


def partner_results(partners: Iterable[Listed]) -> Markup:
    """The ``<li>`` of each partner in the list: name, type and place, sectors, description, last update."""
    registry = get_registry()
    environment = current_app.jinja_env
    place = gettext("%(city)s, %(country)s")  # filled below with text escaped, as the templates' _() would
    sectors_label = _("Sectors:")
    items = []
    for partner in partners:
        name = f"<bdi>{escape(partner.name)}</bdi>"
        if partner.acronym:
            name += f" (<bdi>{escape(partner.acronym)}</bdi>)"
        where = place % {"city": escape(partner.city), "country": escape(country_name(partner.country))}
        kind = escape(ORGANISATION_TYPES.get(partner.organisation_type, partner.organisation_type))
        # The loaded plugins' sectors, by their titles; a sector whose plugin is gone is left out.
        titles = [plugin.title for key in partner.sectors if (plugin := registry.sector(key)) is not None]
        sectors = join_list(escape(title) for title in titles)
        excerpt = escape(do_truncate(environment, partner.description, EXCERPT))
        updated = _("Last update: %(date)s", date=long_date(partner.updated_at))
        items.append(
            f'\n  <li>\n    <h2><a href="{escape(link("partners.partner", partner_id=partner.id))}">{name}</a></h2>'
            f"\n    <p>{kind} · {where}</p>\n    <p>{sectors_label} {sectors}</p>"
            f'\n    <p dir="auto">{excerpt}</p>\n    <p class="muted">{updated}</p>\n  </li>'
        )
    return Markup("".join(items))
