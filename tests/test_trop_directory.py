"""Training Institutions: the directory of TROP members and each institution's page."""

from __future__ import annotations

import html as htmllib
import re
import uuid
from datetime import date, timedelta

import pytest

from oicvet.accounts.models import Role
from oicvet.profiles.status import Status
from oicvet.trop.institutions import listed_pages
from tests.conftest import queries
from tests.panel_helpers import create_account, logged_in
from tests.trop_helpers import add_opportunity, create_institution, unique

DIRECTORY = "/{lang}/trop/institutions/"


def _word() -> str:
    """A made-up word no other test uses, to find this test's institutions among everyone's."""
    return "zq" + uuid.uuid4().hex[:8]


def _page(client, lang: str = "en", **query) -> str:
    return client.get(DIRECTORY.format(lang=lang), query_string=query).get_data(as_text=True)


def _found(client, lang: str = "en", **query) -> list[str]:
    """The names the list of results shows, in order."""
    results = re.search(r'<ul class="results">(.*?)</ul>', _page(client, lang, **query), re.S)
    return [htmllib.unescape(name) for name in re.findall(r"<h2><a [^>]*><bdi>(.*?)</bdi>", results.group(1))] \
        if results else []


def _text(html: str) -> str:
    """The words a reader sees; text isolated with <bdi> reads as part of its sentence."""
    html = re.sub(r"</?bdi>", "", html)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_only_approved_institutions_are_listed(app):
    word = _word()
    for status in Status:
        create_institution(app, status, name=f"{status.value} institute {word}")
    client = app.test_client()
    assert _found(client, q=word) == [f"approved institute {word}"]
    assert "1 institution found" in _page(client, q=word)


def test_each_result_shows_name_acronym_type_place_fields_and_a_link(app):
    word = _word()
    _account, institution = create_institution(app, name=f"Listed Institute {word}", acronym="LIX",
                                               institution_type="excellence", country="MA", city="Casablanca",
                                               fields=("ict", "labour"))
    html = _page(app.test_client(), q=word)
    item = _text(re.search(r'<ul class="results">(.*?)</ul>', html, re.S).group(1))
    assert f"Listed Institute {word} (LIX)" in item
    assert "Centre of excellence" in item and "Casablanca, Morocco" in item
    assert "Information, Communication & Transportation" in item and "Labour & Social Security" in item
    assert f'href="/en/trop/institutions/{institution.id}/"' in html


def test_filters_by_country_and_field(app):
    word = _word()
    alpha, beta = f"Alpha {word}", f"Beta {word}"
    create_institution(app, name=alpha, country="MA", fields=("agriculture",))
    create_institution(app, name=beta, country="ID", fields=("ict", "economy"))
    client = app.test_client()
    assert _found(client, q=word) == [alpha, beta]  # by name
    assert _found(client, q=word, country="MA") == [alpha]
    assert _found(client, q=word, field="ict") == [beta]
    assert _found(client, q=word, country="MA", field="ict") == []
    assert "0 institutions found" in _page(client, q=word, country="MA", field="ict")
    # A country that is no member state, or a field no plugin has: ignored, and said so.
    for query in ({"country": "FR"}, {"country": "XX"}, {"field": "astrology"}):
        response = client.get(DIRECTORY.format(lang="en"), query_string={"q": word, **query})
        assert response.status_code == 200
        assert "This choice is not available; all are shown." in response.get_data(as_text=True)
        assert _found(client, q=word, **query) == [alpha, beta]


def test_the_filters_are_in_the_pages_language(app):
    html = _page(app.test_client(), "fr")
    country = re.search(r'<select[^>]*name="country".*?</select>', html, re.S).group(0)
    assert ">Sénégal</option>" in country and len(re.findall(r'<option value="[A-Z]{2}"', country)) == 57
    assert 'name="field"' in html and 'name="q"' in html


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Ecoles techniques régionales", "écoles"),  # the accent on the query only
        ("Ecole nationale des métiers", "École"),
        ("École supérieure polytechnique", "ecole superieure"),  # and on the stored side
        ("المعهد الاسلامي للتدريب", "الإِسْلامِيّ"),  # hamza and short vowels on the query
        ("مؤسسة التدريب المهني", "موسسة"),  # hamza on the stored side
        ("المدرسة الوطنية", "مدرسة"),  # the article on the stored word only
    ],
)
def test_keywords_are_folded_in_arabic_and_french(app, stored, query):
    word = _word()
    create_institution(app, name=f"{stored} {word}")
    assert _found(app.test_client(), "ar", q=f"{query} {word}") == [f"{stored} {word}"]
    assert _found(app.test_client(), "ar", q=f"{query}x {word}") == []  # every word must match


def test_keywords_search_acronym_city_and_description(app):
    word = _word()
    create_institution(app, name=f"By acronym {word}", acronym=f"AC{word[:6]}")
    create_institution(app, name=f"By city {word}", city=f"Town{word}")
    create_institution(app, name=f"By description {word}", description=f"We train welders in {word}desc.")
    client = app.test_client()
    assert _found(client, q=f"ac{word[:6]} {word}") == [f"By acronym {word}"]
    assert _found(client, q=f"town{word}") == [f"By city {word}"]
    assert _found(client, q=f"{word}desc") == [f"By description {word}"]


def test_the_directory_is_paginated_by_name(make_app):
    app = make_app(TROP_PAGE_SIZE=2)
    word = _word()
    for letter in "CAB":
        create_institution(app, name=f"{letter} Paged {word}")
    client = app.test_client()
    assert _found(client, q=word) == [f"A Paged {word}", f"B Paged {word}"]
    html = _page(client, q=word)
    assert "3 institutions found" in html and f"page=2&amp;q={word}" in html
    assert _found(client, q=word, page=2) == [f"C Paged {word}"]
    for page in ("999999", "abc", "0", "-1", "٢"):
        assert client.get(DIRECTORY.format(lang="en"), query_string={"q": word, "page": page}).status_code == 404


def test_a_page_of_the_directory_costs_few_queries(app):
    word = _word()
    for number in range(4):
        create_institution(app, name=f"Costed {number} {word}", fields=("ict", "labour"))
    client = app.test_client()
    client.get(DIRECTORY.format(lang="en"))  # the statements are built on first use
    with queries(app) as seen:
        html = _page(client, q=word, field="ict")
    assert "4 institutions found" in html
    touching = [statement for statement in seen if "trop_institution" in statement]
    assert len(touching) <= 3, touching  # the page, the fields of its rows, and a count when it is full


def test_search_text_with_query_syntax_is_harmless(client):
    for query in ('"unbalanced', "a AND OR NOT", "x:* & !y | (", "col:term", "' OR 1=1 --", "*", "x" * 500):
        assert client.get(DIRECTORY.format(lang="en"), query_string={"q": query}).status_code == 200, query


def test_an_institutions_page_hides_its_contacts_from_visitors(app):
    account, institution = create_institution(app, name=unique("Private Contacts Institute"),
                                              phone="+221 33 987 65 43", public_email="ask@private.example.org")
    page = f"/en/trop/institutions/{institution.id}/"
    visitor = app.test_client().get(page).get_data(as_text=True)
    assert institution.name in visitor and "Dakar" in visitor and "TROP Test Contact" in visitor
    assert "987 65 43" not in visitor and "ask@private.example.org" not in visitor and account.email not in visitor

    member, _member_institution = create_institution(app)
    others = [member, create_account(app, Role.ADMINISTRATOR), create_account(app, Role.SECTOR_EDITOR), account]
    for viewer in others:
        client, _token = logged_in(app, viewer)
        html = client.get(page).get_data(as_text=True)
        assert "987 65 43" in html and "ask@private.example.org" in html and account.email in html, viewer.roles
    # A partner, or an institution that waits for approval, is not a TROP member.
    _pending_account, _pending = create_institution(app, Status.PENDING)
    for viewer in (create_account(app, Role.PARTNER), _pending_account):
        client, _token = logged_in(app, viewer)
        html = client.get(page).get_data(as_text=True)
        assert "987 65 43" not in html and "ask@private.example.org" not in html


def test_an_unlisted_institution_is_seen_by_its_owner_and_staff_only(app):
    for status in (Status.UNCONFIRMED, Status.PENDING, Status.REJECTED):
        account, institution = create_institution(app, status)
        page = f"/en/trop/institutions/{institution.id}/"
        assert app.test_client().get(page).status_code == 404
        member, _listed = create_institution(app)
        client, _token = logged_in(app, member)
        assert client.get(page).status_code == 404
        for viewer in (account, create_account(app, Role.ADMINISTRATOR)):
            if status == Status.UNCONFIRMED and viewer is account:
                continue  # an unconfirmed address cannot log in
            client, _token = logged_in(app, viewer)
            html = _text(client.get(page).get_data(as_text=True))
            assert "is not listed among the Training Institutions" in html
            assert {Status.PENDING: "Waiting for approval", Status.REJECTED: "Not approved",
                    Status.UNCONFIRMED: "E-mail address not confirmed"}[status] in html
    assert app.test_client().get("/en/trop/institutions/2147483647/").status_code == 404
    assert app.test_client().get("/en/trop/institutions/99999999999/").status_code == 404


def test_an_institutions_page_lists_its_published_current_opportunities(app):
    _account, institution = create_institution(app)
    today = date.today()
    later = add_opportunity(app, institution, title=unique("Later course"), start=today + timedelta(days=60),
                            kind="workshop")
    sooner = add_opportunity(app, institution, title=unique("Sooner course"), start=today + timedelta(days=10))
    running = add_opportunity(app, institution, title=unique("Running course"), start=today - timedelta(days=2),
                              days=5)
    on_request = add_opportunity(app, institution, title=unique("On request course"), on_request=True)
    draft = add_opportunity(app, institution, title=unique("Draft course"), published=False)
    past = add_opportunity(app, institution, title=unique("Past course"), start=today - timedelta(days=30))
    html = app.test_client().get(f"/en/trop/institutions/{institution.id}/").get_data(as_text=True)
    listed = re.findall(r'<a href="/en/trop/opportunities/(\d+)/">', html)
    assert listed == [str(o.id) for o in (running, sooner, later, on_request)]
    assert draft.title["en"] not in html and past.title["en"] not in html
    text = _text(html)
    assert "Workshop" in text and "On request" in text and str((today + timedelta(days=60)).year) in text


def test_the_sitemap_lists_approved_institutions_only(app):
    _account, approved = create_institution(app)
    _other, pending = create_institution(app, Status.PENDING)
    with app.test_request_context("/en/"):
        pages = list(listed_pages())
    assert ("trop.institution", {"institution_id": approved.id}) in pages
    assert ("trop.institution", {"institution_id": pending.id}) not in pages


def test_user_text_is_escaped(app):
    _account, institution = create_institution(app, name=unique("<script>alert(1)</script>"),
                                               description="<b>bold</b> & more", city="<i>Dakar</i>")
    word = institution.name.split()[-1]
    for html in (_page(app.test_client(), q=word),
                 app.test_client().get(f"/en/trop/institutions/{institution.id}/").get_data(as_text=True)):
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        assert "<i>Dakar</i>" not in html
