"""How a training opportunity's facts read in the page's language: its dates, duration, fee,
languages, venue and labels. Templates call these as globals (``init_app``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from babel.numbers import format_currency
from flask import Flask
from flask_babel import gettext, ngettext
from markupsafe import Markup, escape

from oicvet.content import local_html
from oicvet.i18n import FORMAT_LOCALES, country_name, current_language, date_range, join_list, long_date
from oicvet.templating import link, sector_title
from oicvet.trop.choices import INSTITUTION_TYPES, KINDS, MODALITIES, language_name
from oicvet.trop.models import TrainingOpportunity
from oicvet.trop.opportunity_search import Card


def opportunity_dates(opportunity: TrainingOpportunity, language: str | None = None) -> str:
    """"12–16 May 2027", or "On request"."""
    if opportunity.on_request or opportunity.start_date is None:
        return gettext("On request")
    return date_range(opportunity.start_date, opportunity.end_date, language)


def opportunity_duration(opportunity: TrainingOpportunity) -> str:
    value, unit = opportunity.duration_value, opportunity.duration_unit
    if not value or not unit:
        return ""
    match unit:
        case "hours":
            return ngettext("%(num)d hour", "%(num)d hours", value)
        case "days":
            return ngettext("%(num)d day", "%(num)d days", value)
        case "weeks":
            return ngettext("%(num)d week", "%(num)d weeks", value)
        case "months":
            return ngettext("%(num)d month", "%(num)d months", value)
    return ""


@lru_cache(maxsize=1024)
def _money(amount: str, currency: str, language: str) -> str:
    return format_currency(amount, currency, locale=FORMAT_LOCALES.get(language, language))


def opportunity_fee(opportunity: TrainingOpportunity) -> str:
    """"Free", or the fee with its currency, in the page's language."""
    if opportunity.is_free or opportunity.fee_amount is None or not opportunity.fee_currency:
        return gettext("Free")
    return _money(str(opportunity.fee_amount), opportunity.fee_currency, current_language())


def opportunity_languages(opportunity: TrainingOpportunity) -> str:
    return join_list(language_name(code) for code in opportunity.languages)


def opportunity_venue(opportunity: TrainingOpportunity) -> Markup:
    """"Online", or "Dakar, Senegal"; the city as its institution wrote it."""
    if opportunity.modality == "online" and not opportunity.venue_country:
        return escape(gettext("Online"))
    city = opportunity.venue_city
    country = country_name(opportunity.venue_country)
    if city and country:
        pattern = gettext("%(city)s, %(country)s")
        return Markup(pattern % {"city": Markup(f"<bdi>{escape(city)}</bdi>"), "country": escape(country)})
    if city:
        return Markup(f"<bdi>{escape(city)}</bdi>")
    return escape(country)


def deadline_text(opportunity: TrainingOpportunity) -> str:
    return long_date(opportunity.application_deadline)


def kind_label(key: str) -> str:
    return str(KINDS.get(key, key))


def modality_label(key: str) -> str:
    return str(MODALITIES.get(key, key))


def institution_type_label(key: str) -> str:
    return str(INSTITUTION_TYPES.get(key, key))


def opportunity_cards(opportunities: Iterable[Card | TrainingOpportunity], today: date, heading: str = "h2",
                      show_institution: bool = True) -> Markup:
    """The catalogue's cards (``<li>`` each): the title linked, who offers it, what, when, where, in which
    languages, at what fee and until when one applies.

    Made in Python rather than a macro per card, as the events' rows are: twenty cards
    would cost some two hundred template calls. Each card reads only what the lists
    load (``opportunity_search``): no query.
    """
    dates_label, venue_label, fee_label = gettext("Dates:"), gettext("Venue:"), gettext("Fee:")
    languages_label = gettext("Languages of instruction:")
    cards = []
    for opportunity in opportunities:
        title = local_html(opportunity.local_title())
        url = escape(link("trop.opportunity", opportunity_id=opportunity.id))
        lines = [f'<{heading}><a href="{url}">{title}</a></{heading}>']
        if show_institution:
            institution_url = escape(link("trop.institution", institution_id=opportunity.institution_id))
            lines.append(f'<p><a href="{institution_url}"><bdi>{escape(opportunity.institution_name)}</bdi></a></p>')
        what = [kind_label(opportunity.kind), modality_label(opportunity.modality)]
        sector = sector_title(opportunity.sector)
        if sector != opportunity.sector:  # a sector whose plugin is left out is not named
            what.append(str(sector))
        lines.append(f"<p>{escape(' · '.join(what))}</p>")
        duration = opportunity_duration(opportunity)
        when = escape(opportunity_dates(opportunity)) + (escape(f" ({duration})") if duration else "")
        lines.append(f"<p>{escape(dates_label)} {when}</p>")
        lines.append(f"<p>{escape(venue_label)} {opportunity_venue(opportunity)}</p>")
        languages = opportunity_languages(opportunity)
        fee = f"{escape(fee_label)} {escape(opportunity_fee(opportunity))}"
        lines.append(f"<p>{escape(languages_label)} {escape(languages)} · {fee}</p>" if languages else f"<p>{fee}</p>")
        if opportunity.application_deadline:
            deadline = deadline_text(opportunity)
            if opportunity.application_deadline < today:
                closed = escape(gettext("Applications closed on %(date)s", date=deadline))
                lines.append(f'<p class="muted">{closed}</p>')
            else:
                apply_by = escape(gettext("Apply by %(date)s", date=deadline))
                lines.append(f"<p>{apply_by}</p>")
        cards.append("\n  <li>\n    " + "\n    ".join(lines) + "\n  </li>")
    return Markup("".join(cards))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        opportunity_dates=opportunity_dates,
        opportunity_duration=opportunity_duration,
        opportunity_fee=opportunity_fee,
        opportunity_languages=opportunity_languages,
        opportunity_venue=opportunity_venue,
        deadline_text=deadline_text,
        trop_kind=kind_label,
        trop_modality=modality_label,
        institution_type=institution_type_label,
        opportunity_cards=opportunity_cards,
    )
