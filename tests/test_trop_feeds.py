"""Training opportunities in calendars and feed readers: one opportunity's .ics file, the catalogue's
calendar and its Atom feed, each read back as a calendar application or a feed reader would."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from tests.trop_helpers import add_opportunity, create_institution, unique, withdraw

TODAY = date.today()
START = date(TODAY.year + 1, 3, 9)
ATOM = "{http://www.w3.org/2005/Atom}"
#: The test configuration's PUBLIC_URL; requests below come for another allowed host.
PUBLIC = "http://localhost"
OTHER_HOST = "http://127.0.0.1"


def keyword() -> str:
    return unique("kw").split()[-1]


@pytest.fixture(scope="module")
def institution(app):
    _account, found = create_institution(app, name=unique("Feed Test Institute"))
    return found


def read_calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def events(calendar: Calendar) -> dict[str, object]:
    """The calendar's events by their summary."""
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def read_feed(response) -> ET.Element:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.data)


def entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def test_an_opportunity_goes_into_a_calendar_as_an_all_day_event(app, client, institution):
    word = keyword()
    found = add_opportunity(
        app, institution, title=f"Boiler safety {word}", start=START, days=5, venue_city="Ankara",
        venue_country="TR", description={"en": f"What you will learn {word}."},
        apply_url="https://apply.example.org/boilers", apply_email="boilers@example.org",
        application_deadline=START - timedelta(days=10),
    )
    # Asked for through another allowed host: the links are still the public site's.
    response = client.get(f"/en/trop/opportunities/{found.id}.ics", base_url=OTHER_HOST)
    calendar = read_calendar(response)
    assert response.headers["Content-Disposition"] == f'attachment; filename="Boiler-safety-{word}.ics"'
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Boiler safety {word}"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(days=5)  # the day after the last: exclusive
    assert str(event["UID"]) == f"trop-opportunity-{found.id}@localhost"
    assert str(event["URL"]) == f"{PUBLIC}/en/trop/opportunities/{found.id}/"
    assert str(event["LOCATION"]) == "Ankara, Türkiye"
    description = str(event["DESCRIPTION"])
    assert f"What you will learn {word}." in description
    assert "https://apply.example.org/boilers" in description and "boilers@example.org" in description
    assert f"{PUBLIC}/en/trop/opportunities/{found.id}/" in description
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_the_same_opportunity_keeps_its_uid_in_every_language_and_its_title_follows_the_page(app, client,
                                                                                              institution):
    word = keyword()
    found = add_opportunity(app, institution, title={"en": f"Masonry {word}", "ar": f"البناء {word}"},
                            description={"en": "Bricks."})
    english = events(read_calendar(client.get(f"/en/trop/opportunities/{found.id}.ics")))
    arabic = events(read_calendar(client.get(f"/ar/trop/opportunities/{found.id}.ics")))
    french = events(read_calendar(client.get(f"/fr/trop/opportunities/{found.id}.ics")))
    assert list(english) == [f"Masonry {word}"] and list(arabic) == [f"البناء {word}"]
    assert list(french) == [f"Masonry {word}"]  # no French title: the English one
    uids = {str(event["UID"]) for found_events in (english, arabic, french) for event in found_events.values()}
    assert uids == {f"trop-opportunity-{found.id}@localhost"}
    # A title without Latin letters gives an ASCII file name all the same.
    arabic_only = add_opportunity(app, institution, title={"ar": "البناء والتشييد"})
    response = client.get(f"/ar/trop/opportunities/{arabic_only.id}.ics")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="training-opportunity-{arabic_only.id}.ics"')


@pytest.mark.parametrize("state", ["on request", "draft", "held", "withdrawn"])
def test_no_calendar_file_for_an_opportunity_without_dates_or_hidden(app, client, institution, state):
    owner = institution
    values: dict[str, object] = {}
    if state == "on request":
        values = {"on_request": True, "start_date": None, "end_date": None}
    elif state == "draft":
        values = {"published": False}
    elif state == "held":
        values = {"published": False, "held_reason": "Wrong dates."}
    if state == "withdrawn":  # published, then its institution left TROP
        _account, owner = create_institution(app)
    found = add_opportunity(app, owner, **values)
    if state == "withdrawn":
        withdraw(app, owner)
    assert client.get(f"/en/trop/opportunities/{found.id}.ics").status_code == 404


def test_no_calendar_file_for_an_opportunity_that_does_not_exist(client):
    assert client.get("/en/trop/opportunities/2147483000.ics").status_code == 404


def test_the_calendar_holds_the_filtered_opportunities_with_dates(app, client, institution):
    word = keyword()
    add_opportunity(app, institution, title=f"ICT course {word}", sector="ict", start=START)
    add_opportunity(app, institution, title=f"ICT ended {word}", sector="ict", start=TODAY - timedelta(days=30))
    add_opportunity(app, institution, title=f"ICT on request {word}", sector="ict", on_request=True,
                    start_date=None, end_date=None)
    add_opportunity(app, institution, title=f"Labour course {word}", sector="labour", start=START)
    add_opportunity(app, institution, title=f"ICT draft {word}", sector="ict", published=False)

    calendar = read_calendar(client.get(f"/en/trop/calendar.ics?q={word}&sector=ict", base_url=OTHER_HOST))
    assert str(calendar["X-WR-CALNAME"]) == "OIC-VET training opportunities"
    found = events(calendar)
    # Ended ones stay in a subscribed calendar; on request and draft ones are not in it.
    assert sorted(found) == [f"ICT course {word}", f"ICT ended {word}"]
    assert all(str(event["URL"]).startswith(f"{PUBLIC}/en/trop/opportunities/") for event in found.values())

    past = events(read_calendar(client.get(f"/en/trop/calendar.ics?q={word}&when=past")))
    assert list(past) == [f"ICT ended {word}"]
    french = read_calendar(client.get(f"/fr/trop/calendar.ics?q={word}"))
    assert str(french["X-WR-CALNAME"]) != "" and len(events(french)) == 3


def test_the_feed_lists_the_filtered_opportunities_last_published_first(app, client, institution):
    word = keyword()
    add_opportunity(app, institution, title=f"Online first {word}", modality="online")
    add_opportunity(app, institution, title=f"Face to face {word}", modality="face_to_face")
    add_opportunity(app, institution, title=f"Online second {word}", modality="online")
    add_opportunity(app, institution, title=f"Online draft {word}", modality="online", published=False)
    add_opportunity(app, institution, title=f"Online ended {word}", modality="online",
                    start=TODAY - timedelta(days=60))

    response = client.get(f"/en/trop/feed.atom?q={word}&modality=online", base_url=OTHER_HOST)
    feed = read_feed(response)
    assert entry_titles(feed) == [f"Online second {word}", f"Online first {word}"]
    assert "127.0.0.1" not in response.get_data(as_text=True)
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"{PUBLIC}/en/trop/feed.atom?q={word}&modality=online"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{PUBLIC}/en/trop/?q={word}&modality=online"
    assert feed.findtext(f"{ATOM}id").startswith(f"{PUBLIC}/")
    entry = feed.find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith(f"{PUBLIC}/en/trop/opportunities/") and entry.findtext(f"{ATOM}id") == link
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == institution.name
    assert entry.findtext(f"{ATOM}author/{ATOM}uri") == f"{PUBLIC}/en/trop/institutions/{institution.id}/"
    assert entry.findtext(f"{ATOM}updated") and "Made by a test." in entry.findtext(f"{ATOM}summary")

    everything = read_feed(client.get(f"/en/trop/feed.atom?q={word}"))
    assert sorted(entry_titles(everything)) == sorted([f"Online first {word}", f"Face to face {word}",
                                                       f"Online second {word}"])
    assert entry_titles(read_feed(client.get(f"/en/trop/feed.atom?q={word}&when=past"))) == [f"Online ended {word}"]


def test_the_feed_speaks_the_pages_language(app, client, institution):
    word = keyword()
    add_opportunity(app, institution, title={"en": f"Welding {word}", "fr": f"Soudage {word}"}, start=START)
    feed = read_feed(client.get(f"/fr/trop/feed.atom?q={word}"))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert entry_titles(feed) == [f"Soudage {word}"]
    assert f"9–13\u00a0mars\u00a0{START.year}" in feed.find(f"{ATOM}entry").findtext(f"{ATOM}summary")


def test_an_empty_feed_is_still_a_valid_feed(client):
    feed = read_feed(client.get(f"/en/trop/feed.atom?q={keyword()}"))
    assert entry_titles(feed) == []
    assert feed.findtext(f"{ATOM}title") and feed.findtext(f"{ATOM}updated") and feed.findtext(f"{ATOM}id")


@pytest.mark.parametrize("path", ["/en/trop/feed.atom?sector=labour", "/en/trop/calendar.ics?sector=labour"])
def test_feeds_are_cacheable_like_pages_and_ignore_unknown_filters(client, path):
    client.get("/en/trop/")  # the language is remembered (a cookie): the next answers are everyone's
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache" and response.headers.get("ETag")
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(path + "&kind=nosuchkind&page=abc").status_code == 200


def test_feeds_are_not_in_the_sitemap(client):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "feed.atom" not in sitemap and "calendar.ics" not in sitemap
