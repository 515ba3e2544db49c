"""Every public page answers in English, Arabic and French, with real content."""

from __future__ import annotations

import re

import pytest

LANGS = ["en", "ar", "fr"]
CORE_PAGES = ["/", "/about/", "/programme-types/", "/committee/", "/focal-points/",
              "/archive/", "/summary/", "/links/", "/contact/"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", CORE_PAGES)
def test_core_page_in_each_language(client, lang, page):
    response = client.get(f"/{lang}{page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+</title>", html)


@pytest.mark.parametrize("lang", LANGS)
def test_every_sector_and_programme_page(client, app, lang):
    registry = app.extensions["oicvet.plugins"]
    for sector in registry:
        assert client.get(f"/{lang}/sectors/{sector.key}/").status_code == 200
        for programme in sector.programmes:
            response = client.get(f"/{lang}/programmes/{programme.slug}/")
            assert response.status_code == 200, programme.slug


def test_thirty_programmes_in_six_groups_in_seed_order(app):
    registry = app.extensions["oicvet.plugins"]
    assert [s.key for s in registry] == ["diplomacy", "agriculture", "economy", "ict", "labour", "social"]
    assert len(registry.programmes) == 30
    assert [p.slug for p in registry.sector("ict").programmes][1] == "e-government-working-group"


def test_home_shows_sectors_and_latest_events(client):
    html = client.get("/en/").get_data(as_text=True)
    for title in ["Diplomacy", "Agriculture &amp; Environment", "Economy, Finance &amp; Trade",
                  "Information, Communication &amp; Transportation", "Labour &amp; Social Security",
                  "Social Policy"]:
        assert title in html
    assert "Latest events" in html
    # The newest real event comes first.
    assert html.index("Skill Development for Youth Employment") < html.index("E-Government Working Group")


def test_egov_programme_page_lists_the_first_meeting(client):
    html = client.get("/en/programmes/e-government-working-group/").get_data(as_text=True)
    assert "<h1>E-Government Working Group</h1>" in html
    assert "<th scope=\"col\">Venue</th>" in html and "<th scope=\"col\">Information</th>" in html
    assert "Ankara, Türkiye" in html
    assert "5–6\u00a0July\u00a02011" in html
    assert "First Meeting of the OIC E-Government Working Group" in html
    # The year selector lists the years with events, latest first, the latest chosen.
    options = re.findall(r'<option value="(\d{4})"( selected)?>', html)
    assert options[0] == ("2011", " selected")
    assert [year for year, _ in options] == sorted((y for y, _ in options), reverse=True)


def test_choosing_a_year_shows_that_years_events(client):
    html = client.get("/en/programmes/e-government-working-group/?year=2009").get_data(as_text=True)
    assert "eGOVsharE2009" in html
    assert "First Meeting of the OIC E-Government Working Group" not in html
    assert client.get("/en/programmes/e-government-working-group/?year=1990").status_code == 404


def test_programme_page_in_arabic_and_french(client):
    ar = client.get("/ar/programmes/e-government-working-group/").get_data(as_text=True)
    assert "أنقرة" in ar and "تركيا" in ar and "يوليو" in ar
    fr = client.get("/fr/programmes/e-government-working-group/").get_data(as_text=True)
    assert "Turquie" in fr and "juillet\u00a02011" in fr


def test_event_page(client, db):
    from oicvet.models import Event

    event = db.session.scalar(db.select(Event).where(Event.seed_key == "egovwg-first-meeting-2011"))
    html = client.get(f"/en/events/{event.id}/").get_data(as_text=True)
    assert "<h1>First Meeting of the OIC E-Government Working Group</h1>" in html
    assert "Meeting" in html and "Ankara, Türkiye" in html and "5–6\u00a0July\u00a02011" in html
    assert 'href="/en/programmes/e-government-working-group/"' in html
    ar = client.get(f"/ar/events/{event.id}/").get_data(as_text=True)
    assert event.title["ar"] in ar


def test_unknown_sector_programme_and_event_are_404(client):
    assert client.get("/en/sectors/nowhere/").status_code == 404
    assert client.get("/en/programmes/nowhere/").status_code == 404
    assert client.get("/en/events/999999/").status_code == 404
    assert client.get("/de/").status_code == 404


def test_committee_lists_its_three_meetings(client):
    html = client.get("/en/committee/").get_data(as_text=True)
    assert "Izmir, Türkiye" in html and "13\u00a0May\u00a02009" in html
    assert "Antalya, Türkiye" in html and "11–12\u00a0May\u00a02010" in html
    assert "Tehran, Iran" in html and "16–20\u00a0July\u00a02011" in html


def test_focal_points_empty_then_listed_by_country_in_the_page_language(app, client, db):
    from oicvet.models import FocalPoint

    db.session.execute(db.delete(FocalPoint))
    db.session.commit()
    assert "No National Focal Point has been published" in client.get("/en/focal-points/").get_data(as_text=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["focal-points", "set", "sn", "Example Office (test data)", "--ar", "مكتب تجريبي"])
    assert result.exit_code == 0, result.output
    try:
        ar = client.get("/ar/focal-points/").get_data(as_text=True)
        assert "السنغال" in ar and "مكتب تجريبي" in ar
        fr = client.get("/fr/focal-points/").get_data(as_text=True)
        assert "Sénégal" in fr
        # No French name: the English one shows, marked as English.
        assert '<span lang="en" dir="ltr">Example Office (test data)</span>' in fr
        bad = runner.invoke(args=["focal-points", "set", "FR", "Not a member"])
        assert bad.exit_code != 0
    finally:
        runner.invoke(args=["focal-points", "remove", "SN"])


def test_programme_summary_counts_events_and_years(client):
    html = client.get("/en/summary/").get_data(as_text=True)
    row = re.search(r'e-government-working-group/">E-Government Working Group</a></td>\s*'
                    r"<td>(\d+)</td>\s*<td>([^<]*)</td>", html)
    assert row and row.group(1) == "2" and row.group(2) == "2009, 2011"
    assert html.count("programmes/") >= 30


def test_archive_filters_and_pagination(make_app):
    app = make_app(ARCHIVE_PAGE_SIZE=2)
    client = app.test_client()
    html = client.get("/en/archive/").get_data(as_text=True)
    assert 'rel="next"' in html
    total = int(re.search(r"(\d+) events found", html).group(1))
    assert total >= 9
    page2 = client.get("/en/archive/?page=2").get_data(as_text=True)
    assert 'aria-current="page">2<' in page2
    assert client.get("/en/archive/?page=99").status_code == 404

    ict = client.get("/en/archive/?sector=ict").get_data(as_text=True)
    assert "2 events found" in ict
    iran = client.get("/en/archive/?country=IR").get_data(as_text=True)
    assert "1 event found" in iran and "Third Meeting" in iran
    year = client.get("/en/archive/?year=2012").get_data(as_text=True)
    assert "Skill Development" in year and "1 event found" in year
    programme = client.get("/en/archive/?programme=occupational-safety-and-health-network")
    assert "OIC-OSHNET" in programme.get_data(as_text=True)
    # Filters are kept in the page links.
    assert "sector=ict" in client.get("/en/archive/?sector=ict&page=1").get_data(as_text=True)
    bad = client.get("/en/archive/?sector=nowhere").get_data(as_text=True)
    assert "This choice is not available" in bad and f"{total} events found" in bad


def test_archive_in_arabic_names_countries_in_arabic(client):
    html = client.get("/ar/archive/").get_data(as_text=True)
    assert "إيران" in html and "تركيا" in html


def test_anonymous_pages_are_cacheable_and_revalidate(client):
    client.set_cookie("lang", "en")
    response = client.get("/en/summary/")
    assert response.headers["Cache-Control"].startswith("public")
    assert "Cookie" in response.headers["Vary"]  # a logged-in person never gets the visitor's copy
    etag = response.headers["ETag"]
    again = client.get("/en/summary/", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_arabic_venues_use_the_arabic_comma(client):
    assert "طهران، إيران" in client.get("/ar/committee/").get_data(as_text=True)
