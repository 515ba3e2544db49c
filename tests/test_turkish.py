"""Turkish, the fourth language: shipped with the code, enabled by the LANGUAGES setting.

Its catalogs translate everything the others do; shipped events loaded while
Turkish was not served show in English, marked as English.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from oicvet.models import Event
from oicvet.plugins.testing import check_plugin
from tests.conftest import ALL_SECTORS

WITH_TURKISH = ("en", "ar", "fr", "tr")


@pytest.fixture(scope="module")
def turkish_app(make_app) -> Flask:
    return make_app(LANGUAGES=WITH_TURKISH)


@pytest.fixture
def tr(turkish_app):
    return turkish_app.test_client()


def test_turkish_is_not_served_unless_enabled(client):
    assert client.get("/tr/").status_code == 404


def test_the_home_page_in_turkish(tr):
    html = tr.get("/tr/").get_data(as_text=True)
    assert '<html lang="tr" dir="ltr">' in html
    for words in ("Etkinlik Arşivi", "Bize Ulaşın", "Ana içeriğe geç"):
        assert words in html
    # The switcher names each language in itself, and offers the same page in Turkish from every language.
    assert '<a href="/tr/" lang="tr" hreflang="tr" aria-current="true">Türkçe</a>' in html
    assert '<a href="/tr/" lang="tr" hreflang="tr">Türkçe</a>' in tr.get("/ar/").get_data(as_text=True)


def test_a_programme_in_turkish_with_its_title_summary_and_text(tr):
    html = tr.get("/tr/programmes/poverty-alleviation-programme/").get_data(as_text=True)
    assert re.search(r"<h1>Yoksulluğun Azaltılması Programı</h1>", html)
    assert "İİT üye ülkelerinde yoksulluğun azaltılmasına yönelik politikaları" in html  # the summary
    assert "Reducing poverty is one of the main aims" not in html  # the text, translated too
    assert '<div lang="en" dir="ltr">' not in html


def test_a_programme_text_a_language_leaves_to_english_is_marked_as_english(make_app):
    # Persian's test catalog translates none of the programmes' texts: they show in English, marked.
    from tests.test_language_setting import WITH_PERSIAN

    html = make_app(**WITH_PERSIAN).test_client().get("/fa/programmes/poverty-alleviation-programme/")
    assert re.search(r'<div lang="en" dir="ltr">\s*<p>Reducing poverty is one of the main aims',
                     html.get_data(as_text=True))


def test_an_event_in_turkish_falls_back_to_english_with_a_turkish_date(tr, turkish_app):
    with turkish_app.app_context():
        event = Event.query.filter_by(seed_key="oicvet-launch-2009").one()
    html = tr.get(f"/tr/events/{event.id}/").get_data(as_text=True)
    assert "9\u00a0Kasım\u00a02009" in html  # a date never breaks across lines
    assert '<h1><span lang="en" dir="ltr">Launch of the OIC Vocational Education and Training Programme</span></h1>' in html
    assert "<dt>Faaliyet türü</dt>" in html
    # Its description is a Turkish sentence, not the English summary.
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert "Launch of the OIC" in description and "OIC-VET was launched" not in description


def test_turkish_plurals_and_numbers_come_from_babel(turkish_app):
    from flask_babel import force_locale

    from oicvet.i18n import lazy_ngettext, number

    with turkish_app.test_request_context("/tr/"), force_locale("tr"):
        assert str(lazy_ngettext("%(num)d programme", "%(num)d programmes", 30)) == "30 program"
        assert str(lazy_ngettext("%(num)d programme", "%(num)d programmes", 1)) == "1 program"
        assert number(100000, "tr") == "100.000"


@pytest.mark.parametrize("key", ALL_SECTORS)
def test_every_plugin_keeps_its_contract_with_turkish_enabled(turkish_app, key):
    # Its pages in four languages, and a Turkish catalog that leaves only content to English.
    assert check_plugin(turkish_app, key) == []


def test_the_sitemap_lists_the_turkish_alternates(tr):
    xml = tr.get("/sitemap.xml").get_data(as_text=True)
    assert 'hreflang="tr" href="http://localhost/tr/"' in xml
    assert xml.count('hreflang="tr"') == xml.count('hreflang="fr"')
