"""Country names: CLDR's, in the page's language, but for Palestine, which the OIC names as a member state."""

from __future__ import annotations

import re

import pytest

from oicvet.i18n import country_name
from oicvet.models import Event
from oicvet.partners.models import Status

NAMES = {"en": "Palestine", "ar": "فلسطين", "fr": "Palestine"}


@pytest.mark.parametrize("lang", NAMES)
def test_palestine_is_named_as_the_oic_names_it(app, lang):
    with app.test_request_context():
        assert country_name("PS", lang) == NAMES[lang]
        assert "Territor" not in country_name("ps", lang) and "الأراضي" not in country_name("PS", lang)
        assert country_name("SN", lang) in {"Senegal", "السنغال", "Sénégal"}  # the others stay CLDR's


def _options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option[^>]* value="([A-Z]{2})"[^>]*>([^<]+)</option>', select))


@pytest.mark.parametrize("lang", NAMES)
def test_in_forms_filters_and_pages(app, client, db, make_partner, lang):
    # The registration form and Partner Search's filter: named, and sorted by that name.
    for page, field in (("partners/register", "country"), ("partners/", "country")):
        options = _options(client.get(f"/{lang}/{page}").get_data(as_text=True), field)
        assert options["PS"] == NAMES[lang]
    # A partner's page and the search results.
    partner = make_partner(Status.APPROVED, country="PS", city="Ramallah")
    assert NAMES[lang] in client.get(f"/{lang}/partners/{partner.id}/").get_data(as_text=True)
    # The archive's filter and its table (a test event, removed afterwards).
    event = Event(sector="ict", programme="e-government-working-group", kind="meeting",
                  title={"en": "Test meeting (test data)"}, year=2031, country="PS")
    db.session.add(event)
    db.session.commit()
    try:
        archive = client.get(f"/{lang}/archive/?country=PS").get_data(as_text=True)
        assert _options(archive, "country")["PS"] == NAMES[lang]
        assert archive.count(NAMES[lang]) >= 2  # the filter and the event's venue
    finally:
        db.session.delete(event)
        db.session.commit()


def test_in_the_focal_points_table(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["focal-points", "set", "PS", "Example Office (test data)"]).exit_code == 0
    try:
        for lang, name in NAMES.items():
            table = client.get(f"/{lang}/focal-points/").get_data(as_text=True)
            assert f">{name}<" in table
    finally:
        runner.invoke(args=["focal-points", "remove", "PS"])
