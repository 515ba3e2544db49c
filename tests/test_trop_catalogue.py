"""The catalogue of training opportunities and the page of each: what a visitor finds, filters and
reads, in every language; what only an opportunity's institution and staff see."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from oicvet.accounts.models import Role
from tests.conftest import queries
from tests.panel_helpers import create_account, logged_in
from tests.trop_helpers import add_opportunity, create_institution, unique

TODAY = date.today()
#: A date well ahead, so that month names are those the tests expect.
MAY = date(TODAY.year + 1, 5, 12)


def keyword() -> str:
    """A word that only this test's opportunities have in their titles."""
    return unique("kw").split()[-1]


def titles(html: str) -> list[str]:
    """The opportunities' titles in the list, in order."""
    listed = html.split('<ul class="results">', 1)[1].split("</ul>", 1)[0] if '<ul class="results">' in html else ""
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r"<h2><a [^>]*>(.*?)</a></h2>", listed)]


def listing(client, query: str, lang: str = "en") -> tuple[int, str]:
    response = client.get(f"/{lang}/trop/?{query}")
    return response.status_code, response.get_data(as_text=True)


@contextmanager
def page_size(app, size: int):
    previous = app.config.get("TROP_PAGE_SIZE")
    app.config["TROP_PAGE_SIZE"] = size
    try:
        yield
    finally:
        app.config["TROP_PAGE_SIZE"] = previous


@pytest.fixture(scope="module")
def institution(app):
    _account, found = create_institution(app, name=unique("Catalogue Test Institute"))
    return found


def test_the_catalogue_introduces_trop_and_shows_each_opportunitys_facts(app, client, institution):
    word = keyword()
    add_opportunity(app, institution, title=f"Welding for trainers {word}", start=MAY, days=5,
                    languages=("en", "fr"), kind="workshop", modality="blended", venue_city="Dakar",
                    venue_country="SN", is_free=False, fee_amount="250", fee_currency="USD",
                    application_deadline=MAY - timedelta(days=20))
    status, html = listing(client, f"q={word}")
    assert status == 200
    assert 'href="/en/trop/apply"' in html and "Become a Member of TROP" in html
    assert 'href="/en/trop/institutions/"' in html and "Training Institutions" in html
    assert "member countries" in html and "experienced staff" in html
    assert titles(html) == [f"Welding for trainers {word}"]
    card = html.split('<ul class="results">', 1)[1].split("</ul>", 1)[0]
    assert f'href="/en/trop/institutions/{institution.id}/"><bdi>{institution.name}</bdi>' in card
    assert "Workshop" in card and "Blended" in card
    assert f"12–16\u00a0May\u00a0{MAY.year}" in card
    assert "<bdi>Dakar</bdi>, Senegal" in card
    assert "English, French" in card
    assert "US$250.00" in card
    assert f"Apply by {(MAY - timedelta(days=20)).day}\u00a0April\u00a0{MAY.year}" in card
    assert "1 opportunity found" in html


@pytest.mark.parametrize(("query", "wanted", "other"), [
    ("sector=ict", {"sector": "ict"}, {"sector": "labour"}),
    ("country=TR", {"venue_country": "TR", "venue_city": "Ankara"}, {"venue_country": "SN"}),
    ("language=fr", {"languages": ("fr",)}, {"languages": ("en",)}),
    ("kind=seminar", {"kind": "seminar"}, {"kind": "course"}),
    ("modality=online", {"modality": "online"}, {"modality": "face_to_face"}),
    ("fee=free", {"is_free": True}, {"is_free": False, "fee_amount": "100", "fee_currency": "EUR"}),
    ("fee=paid", {"is_free": False, "fee_amount": "100", "fee_currency": "EUR"}, {"is_free": True}),
])
def test_each_filter_keeps_the_opportunities_that_match_it(app, client, institution, query, wanted, other):
    word = keyword()
    add_opportunity(app, institution, title=f"Wanted {word}", **wanted)
    add_opportunity(app, institution, title=f"Other {word}", **other)
    assert sorted(titles(listing(client, f"q={word}")[1])) == [f"Other {word}", f"Wanted {word}"]
    status, html = listing(client, f"q={word}&{query}")
    assert status == 200
    assert titles(html) == [f"Wanted {word}"]
    # The choice stays selected, and the pages' links keep it.
    name, value = query.split("=")
    assert f'<option selected value="{value}">' in html
    assert 'href="/en/trop/feed.atom?' in html and f"{name}={value}" in html.split("feed.atom?", 1)[1].split('"')[0]


def test_open_for_applications_keeps_those_whose_deadline_has_not_passed(app, client, institution):
    word = keyword()
    soon = TODAY + timedelta(days=30)
    add_opportunity(app, institution, title=f"Deadline ahead {word}", start=soon,
                    application_deadline=TODAY + timedelta(days=3))
    add_opportunity(app, institution, title=f"Deadline today {word}", start=soon, application_deadline=TODAY)
    add_opportunity(app, institution, title=f"Deadline passed {word}", start=soon,
                    application_deadline=TODAY - timedelta(days=1))
    add_opportunity(app, institution, title=f"No deadline not started {word}", start=soon,
                    application_deadline=None)
    add_opportunity(app, institution, title=f"No deadline started {word}", start=TODAY - timedelta(days=2),
                    days=10, application_deadline=None)
    add_opportunity(app, institution, title=f"On request {word}", on_request=True, start_date=None,
                    end_date=None, application_deadline=None)
    everything = titles(listing(client, f"q={word}")[1])
    assert len(everything) == 6
    status, html = listing(client, f"q={word}&open=y")
    assert status == 200
    assert sorted(titles(html)) == sorted([f"Deadline ahead {word}", f"Deadline today {word}",
                                           f"No deadline not started {word}", f"On request {word}"])
    assert re.search(r'<input checked[^>]*name="open" type="checkbox"', html)  # the box stays ticked


def test_current_ones_come_soonest_first_and_past_ones_have_their_own_view(app, client, institution):
    word = keyword()
    add_opportunity(app, institution, title=f"Later {word}", start=TODAY + timedelta(days=60))
    add_opportunity(app, institution, title=f"On request {word}", on_request=True, start_date=None, end_date=None)
    add_opportunity(app, institution, title=f"Sooner {word}", start=TODAY + timedelta(days=10))
    add_opportunity(app, institution, title=f"Ends today {word}", start=TODAY - timedelta(days=4), days=5)
    add_opportunity(app, institution, title=f"Ended long ago {word}", start=TODAY - timedelta(days=400), days=3)
    add_opportunity(app, institution, title=f"Ended lately {word}", start=TODAY - timedelta(days=20), days=3)

    status, html = listing(client, f"q={word}")
    assert status == 200
    assert titles(html) == [f"Ends today {word}", f"Sooner {word}", f"Later {word}", f"On request {word}"]
    assert f'href="/en/trop/?when=past&amp;q={word}"' in html  # the other view keeps the keywords

    status, html = listing(client, f"q={word}&when=past")
    assert status == 200
    assert titles(html) == [f"Ended lately {word}", f"Ended long ago {word}"]
    assert "2 past opportunities found" in html and "<title>Past training opportunities" in html
    assert '<input type="hidden" name="when" value="past">' in html
    # A past opportunity's page stays reachable, and says it has ended.
    link = re.search(r'<h2><a href="(/en/trop/opportunities/\d+/)">', html).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "This opportunity has ended." in page.get_data(as_text=True)


@pytest.mark.parametrize(("text", "search"), [
    ({"fr": "Formation des formateurs en électricité"}, "ELECTRICITE"),
    ({"fr": "Sécurité et santé au travail œuvre"}, "oeuvre securite"),
    ({"ar": "دورة تدريبية في الصيانة الكهربائية"}, "صيانه"),
    ({"ar": "السلامة المهنية"}, "سلامة"),
])
def test_keywords_find_titles_in_every_language_folded(app, client, institution, text, search):
    word = keyword()
    [(language, title)] = text.items()
    add_opportunity(app, institution, title={language: f"{title} {word}"})
    status, html = listing(client, f"q={search} {word}")
    assert status == 200
    assert titles(html) == [f"{title} {word}"]


def test_keywords_find_descriptions_too(app, client, institution):
    word = keyword()
    add_opportunity(app, institution, title=f"Described {word}",
                    description={"en": "Short text.", "fr": f"Énergies renouvelables et réseaux {word}"})
    assert titles(listing(client, f"q=energies {word}")[1]) == [f"Described {word}"]
    assert titles(listing(client, f"q=nothinglikethis {word}")[1]) == []
    assert "No opportunity matches this search." in listing(client, f"q=nothinglikethis {word}")[1]


def test_the_list_is_paginated_with_its_filters_and_counted(app, client, institution):
    word = keyword()
    for number in range(5):
        add_opportunity(app, institution, title=f"Paged {number} {word}", start=TODAY + timedelta(days=10 + number))
    with page_size(app, 2):
        status, first = listing(client, f"q={word}&fee=free")
        _status, last = listing(client, f"q={word}&fee=free&page=3")
    assert status == 200
    assert titles(first) == [f"Paged 0 {word}", f"Paged 1 {word}"]
    assert "5 opportunities found" in first
    assert f'href="/en/trop/?page=2&amp;q={word}&amp;fee=free" rel="next"' in first
    assert titles(last) == [f"Paged 4 {word}"]


@pytest.mark.parametrize("query", ["page=abc", "page=99999", "page=-1", "page=٣"])
def test_a_page_that_does_not_exist_is_a_404(client, query):
    assert client.get(f"/en/trop/?{query}").status_code == 404


def test_an_unknown_choice_is_said_and_ignored(app, client, institution):
    word = keyword()
    add_opportunity(app, institution, title=f"Still shown {word}")
    for query in ("sector=nosuchsector", "country=XX", "language=zz", "kind=lecture", "modality=<b>",
                  "fee=maybe", "when=future", "open=%00"):
        status, html = listing(client, f"q={word}&{query}")
        assert status == 200, query
        assert titles(html) == [f"Still shown {word}"], query
    html = listing(client, f"q={word}&sector=nosuchsector")[1]
    assert "This choice is not available; all are shown." in html
    assert "nosuchsector" not in html.split("</form>", 1)[1]  # the links leave it out


def test_a_page_costs_the_same_queries_whatever_its_size(app, client, institution):
    word = keyword()
    for number in range(6):
        add_opportunity(app, institution, title=f"Counted {number} {word}", languages=("en", "ar"))
    client.get(f"/en/trop/?q={word}")  # statements and choices made once
    counts = []
    for size in (2, 3):
        with page_size(app, size), queries(app) as seen:
            html = client.get(f"/en/trop/?q={word}").get_data(as_text=True)
        assert len(titles(html)) == size and "6 opportunities found" in html
        counts.append(len(seen))
        assert len([statement for statement in seen if "trop_" in statement]) <= 3
    assert counts[0] == counts[1]


@pytest.mark.parametrize("state", ["draft", "held", "withdrawn"])
def test_an_opportunity_visitors_may_not_see_is_absent_and_its_page_a_404(app, client, state):
    word = keyword()
    owner, institution = create_institution(app)
    values = {"published": False} if state == "draft" else {}
    if state == "held":
        values = {"published": False, "held_reason": "The dates are wrong."}
    hidden = add_opportunity(app, institution, title=f"Hidden {word}", **values)
    if state == "withdrawn":
        # Published, then its institution leaves TROP: staff reject it, and its opportunities go with it.
        assert titles(listing(client, f"q={word}")[1]) == [f"Hidden {word}"]
        staff, token = logged_in(app, create_account(app, Role.ADMINISTRATOR))
        decided = staff.post(f"/en/admin/institutions/{institution.id}/",
                             data={"csrf_token": token, "decision": "reject", "reason": "It left TROP."})
        assert decided.status_code == 302
    assert titles(listing(client, f"q={word}")[1]) == []
    assert titles(listing(client, f"q={word}&when=past")[1]) == []
    assert client.get(f"/en/trop/opportunities/{hidden.id}/").status_code == 404
    assert f"/trop/opportunities/{hidden.id}/" not in client.get("/sitemap.xml").get_data(as_text=True)
    # Its institution sees it, told that visitors do not.
    member, _token = logged_in(app, owner)
    page = member.get(f"/en/trop/opportunities/{hidden.id}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Hidden {word}" in html
    assert "This opportunity is not public" in html
    if state == "held":
        assert "The dates are wrong." in html
    assert "Add to my calendar" not in html


def test_staff_see_a_hidden_opportunity_with_a_notice_and_other_members_do_not(app, institution):
    word = keyword()
    draft = add_opportunity(app, institution, title=f"Draft {word}", published=False)
    staff, _token = logged_in(app, create_account(app, Role.ADMINISTRATOR))
    html = staff.get(f"/en/trop/opportunities/{draft.id}/").get_data(as_text=True)
    assert f"Draft {word}" in html and "This opportunity is not public" in html
    other, _institution = create_institution(app)
    member, _token = logged_in(app, other)
    assert member.get(f"/en/trop/opportunities/{draft.id}/").status_code == 404


def test_the_page_of_an_opportunity_shows_every_fact_and_how_to_apply(app, client, institution):
    word = keyword()
    found = add_opportunity(
        app, institution, title=f"Solar installers {word}", start=MAY, days=10, languages=("en", "ar"),
        description={"en": f"First paragraph {word}.\n\nSecond <b>paragraph</b>."}, kind="tot",
        modality="face_to_face", venue_country="TR", venue_city="Ankara", target_group="Senior trainers",
        places=12, is_free=False, fee_amount="1500", fee_currency="EUR",
        application_deadline=MAY - timedelta(days=30), apply_url="https://apply.example.org/solar",
        apply_email="solar@example.org",
    )
    response = client.get(f"/en/trop/opportunities/{found.id}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>Solar installers {word}</h1>" in html
    assert f'href="/en/trop/institutions/{institution.id}/"><bdi>{institution.name}</bdi>' in html
    for label, value in [("Type of training", "Training of Trainers course"), ("Modality", "Face-to-face"),
                         ("Dates", f"12–21\u00a0May\u00a0{MAY.year}"), ("Duration", "10 days"),
                         ("Venue", "<bdi>Ankara</bdi>, Türkiye"), ("Languages of instruction", "Arabic, English"),
                         ("Places", "12"), ("Fee", "€1,500.00"),
                         ("Application deadline", f"12\u00a0April\u00a0{MAY.year}")]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html, label
    assert '<dd dir="auto">Senior trainers</dd>' in html
    assert f"<p>First paragraph {word}.</p>" in html and "<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>" in html
    assert '<a href="https://apply.example.org/solar" rel="nofollow noopener" dir="ltr">' in html
    assert '<a href="mailto:solar@example.org" dir="ltr">solar@example.org</a>' in html
    assert f'<a href="/en/trop/opportunities/{found.id}.ics" type="text/calendar">Add to my calendar (.ics)</a>' in html
    assert "This opportunity is not public" not in html and "has ended" not in html


def test_the_page_says_when_the_deadline_has_passed_and_has_no_calendar_link_on_request(app, client, institution):
    closed = add_opportunity(app, institution, application_deadline=TODAY - timedelta(days=2),
                             start=TODAY + timedelta(days=5))
    html = client.get(f"/en/trop/opportunities/{closed.id}/").get_data(as_text=True)
    assert "The deadline for applications has passed" in html
    on_request = add_opportunity(app, institution, on_request=True, start_date=None, end_date=None,
                                 application_deadline=None)
    html = client.get(f"/en/trop/opportunities/{on_request.id}/").get_data(as_text=True)
    assert "<dt>Dates</dt><dd>On request</dd>" in html
    assert "Add to my calendar" not in html and "deadline" not in html.lower().split("<main", 1)[1].split("</main>")[0]


def test_dates_and_labels_follow_the_pages_language(app, client, institution):
    word = keyword()
    found = add_opportunity(app, institution, title=f"Maintenance {word}", start=MAY, days=5)
    status, html = listing(client, f"q={word}", lang="fr")
    assert status == 200 and f"12–16\u00a0mai\u00a0{MAY.year}" in html
    status, html = listing(client, f"q={word}", lang="ar")
    assert status == 200 and "مايو" in html and f'<span lang="en" dir="ltr">Maintenance {word}</span>' in html
    page = client.get(f"/fr/trop/opportunities/{found.id}/").get_data(as_text=True)
    assert f"12–16\u00a0mai\u00a0{MAY.year}" in page
    arabic = client.get(f"/ar/trop/opportunities/{found.id}/").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "مايو" in arabic
    # The title exists in English only: the Arabic page marks it as English.
    assert f'<h1><span lang="en" dir="ltr">Maintenance {word}</span></h1>' in arabic
    assert '<div lang="en" dir="ltr">' in arabic  # the description too


def test_a_title_in_the_pages_language_is_preferred(app, client, institution):
    word = keyword()
    found = add_opportunity(app, institution, title={"en": f"Plumbing {word}", "ar": f"السباكة {word}"},
                            description={"ar": "وصف الدورة."})
    arabic = client.get(f"/ar/trop/opportunities/{found.id}/").get_data(as_text=True)
    assert f"<h1>السباكة {word}</h1>" in arabic
    english = client.get(f"/en/trop/opportunities/{found.id}/").get_data(as_text=True)
    assert f"<h1>Plumbing {word}</h1>" in english
    assert '<div lang="ar" dir="rtl">' in english and "<p>وصف الدورة.</p>" in english


def test_the_sitemap_lists_the_visible_opportunities_ended_ones_too(app, client, institution):
    current = add_opportunity(app, institution)
    past = add_opportunity(app, institution, start=TODAY - timedelta(days=40))  # still a public page
    draft = add_opportunity(app, institution, published=False)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"http://localhost/en/trop/opportunities/{current.id}/" in sitemap
    assert f"http://localhost/fr/trop/opportunities/{current.id}/" in sitemap
    assert f"http://localhost/ar/trop/opportunities/{past.id}/" in sitemap
    assert f"/trop/opportunities/{draft.id}/" not in sitemap


def test_the_catalogue_is_cacheable_and_links_to_its_feeds(client):
    client.get("/en/trop/")  # the language is remembered (a cookie): the next answers are everyone's
    response = client.get("/en/trop/?sector=ict")
    assert response.headers["Cache-Control"] == "public, no-cache" and response.headers.get("ETag")
    html = response.get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/en/trop/feed.atom?sector=ict"' in html
    assert 'href="/en/trop/calendar.ics?sector=ict"' in html
