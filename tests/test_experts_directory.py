"""The Roster of Experts as visitors, experts, partners and staff read it: the search and its
filters, each expert's page, and who sees an expert's e-mail address, telephone and CV."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oicvet.accounts.models import Account, Role
from oicvet.experts.models import Expert
from oicvet.profiles.status import Status
from tests.conftest import PASSWORD, log_in
from tests.expert_helpers import ENVIRONMENT, SAFETY, create_expert, cv_path, pdf_bytes, unique
from tests.panel_helpers import create_account
from tests.test_seo import read_sitemap
from tests.trop_helpers import create_institution

SEARCH = "/{lang}/experts/"
LANGUAGES = ("en", "ar", "fr")
#: A telephone number no other record has, to look for on pages.
PHONE_DIGITS = "987 65 43"


def _word() -> str:
    """A made-up word of letters that no other test uses: it finds this test's experts alone."""
    return unique("expert").split()[-1]


def _page(client: FlaskClient, lang: str = "en", **query: object) -> str:
    response = client.get(SEARCH.format(lang=lang), query_string=query)
    assert response.status_code == 200, (query, response.status_code)
    return response.get_data(as_text=True)


def _results(html: str) -> str:
    found = re.search(r'<ul class="results">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def _found(client: FlaskClient, lang: str = "en", **query: object) -> list[str]:
    """The names the list of results shows, in order (the query itself is echoed in the form)."""
    return [htmllib.unescape(name) for name in re.findall(r"<h2><a [^>]*><bdi>(.*?)</bdi>",
                                                          _results(_page(client, lang, **query)))]


def _text(html: str) -> str:
    """The words a reader sees."""
    html = re.sub(r"</?bdi>", "", html)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _client(app: Flask, account: Account | None = None) -> FlaskClient:
    client = app.test_client()
    if account is not None:
        response = log_in(client, account.email, PASSWORD)
        assert response.status_code in (302, 303), f"{account.email} could not log in"
    return client


def _approved_partner(app: Flask, make_partner) -> Account:
    partner = make_partner(Status.APPROVED)
    with app.app_context():
        from oicvet.extensions import db

        return _detached(db.session.get(Account, partner.account_id))


def _detached(account: Account) -> Account:
    from oicvet.extensions import db

    _ = account.role_rows
    db.session.expunge(account)
    return account


# The search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_only_approved_experts_are_found(app, lang):
    word = _word()
    for status in Status:
        create_expert(app, status, name=f"{status.value} expert {word}")
    client = app.test_client()
    assert _found(client, lang, q=word) == [f"approved expert {word}"]
    assert _found(client, lang, q=word, roster=ENVIRONMENT) == [f"approved expert {word}"]


def test_a_result_shows_name_roster_fields_and_country_and_links_to_the_page(app):
    word = _word()
    _account, expert = create_expert(app, name=f"Shown Expert {word}", rosters=(SAFETY,),
                                     expertise=(f"{SAFETY}.inspection", f"{SAFETY}.chemicals"),
                                     residence_country="MA")
    html = _page(app.test_client(), q=word)
    item = _text(_results(html))
    assert f"Shown Expert {word}" in item
    assert "Occupational Safety and Health" in item and "Morocco" in item
    assert "Labour inspection" in item and "Chemical safety" in item
    assert "Environment and Water" not in item
    assert f'href="/en/experts/{expert.id}/"' in html
    assert "1 expert found" in html
    # The country reads in the page's language.
    assert "Maroc" in _text(_results(_page(app.test_client(), "fr", q=word)))
    assert "المغرب" in _text(_results(_page(app.test_client(), "ar", q=word)))


def test_each_filter_narrows_the_search(app):
    word = _word()
    alpha, beta, both = f"Alpha {word}", f"Beta {word}", f"Gamma {word}"
    create_expert(app, name=alpha, rosters=(ENVIRONMENT,), expertise=(f"{ENVIRONMENT}.wastewater",),
                  residence_country="SN", work_countries=["SN", "ML"], languages=["fr:native"], years_experience=6)
    create_expert(app, name=beta, rosters=(SAFETY,), expertise=(f"{SAFETY}.inspection",),
                  residence_country="MA", work_countries=["MA", "TN"], languages=["ar:native", "en:fluent"],
                  years_experience=12)
    create_expert(app, name=both, rosters=(ENVIRONMENT, SAFETY),
                  expertise=(f"{ENVIRONMENT}.irrigation", f"{SAFETY}.mining"), residence_country="EG",
                  work_countries=["EG"], languages=["en:working"], years_experience=25)
    client = app.test_client()
    assert _found(client, q=word) == [alpha, beta, both]  # by name
    assert _found(client, q=word, roster=ENVIRONMENT) == [alpha, both]
    assert _found(client, q=word, roster=SAFETY) == [beta, both]
    assert _found(client, q=word, field=f"{ENVIRONMENT}.wastewater") == [alpha]
    assert _found(client, q=word, field=f"{SAFETY}.mining") == [both]
    assert _found(client, q=word, field=f"{ENVIRONMENT}.water-resources") == []
    assert _found(client, q=word, country="SN") == [alpha]
    assert _found(client, q=word, country="MA") == [beta]
    assert _found(client, q=word, worked_in="ML") == [alpha]
    assert _found(client, q=word, worked_in="TN") == [beta]
    assert _found(client, q=word, worked_in="MA") == [beta]
    assert _found(client, q=word, language="fr") == [alpha]
    assert _found(client, q=word, language="ar") == [beta]
    assert _found(client, q=word, language="en") == [beta, both]
    assert _found(client, q=word, years="5") == [alpha, beta, both]
    assert _found(client, q=word, years="10") == [beta, both]
    assert _found(client, q=word, years="20") == [both]
    # Filters add up.
    assert _found(client, q=word, roster=ENVIRONMENT, years="10") == [both]
    assert _found(client, q=word, roster=SAFETY, country="SN") == []
    assert "0 experts found" in _page(client, q=word, roster=SAFETY, country="SN")
    # Each filter works without keywords too (other tests' experts may be found beside).
    assert alpha in _found(client, field=f"{ENVIRONMENT}.wastewater", worked_in="ML", language="fr")
    assert beta not in _found(client, field=f"{ENVIRONMENT}.wastewater", worked_in="ML", language="fr")


def test_keywords_search_name_institution_position_and_profile(app):
    word = _word()
    create_expert(app, name=f"By name {word}")
    create_expert(app, name=f"By institution {word}a", institution=f"Institute {word}inst")
    create_expert(app, name=f"By position {word}b", position=f"Chief {word}pos")
    create_expert(app, name=f"By profile {word}c", profile=f"Twenty years of {word}prof work.")
    client = app.test_client()
    assert _found(client, q=f"{word}inst") == [f"By institution {word}a"]
    assert _found(client, q=f"{word}pos") == [f"By position {word}b"]
    assert _found(client, q=f"{word}prof") == [f"By profile {word}c"]
    assert _found(client, q=f"name {word}") == [f"By name {word}"]  # every word must match


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("أَحْمَد بن عليّ", "احمد علي"),  # short vowels and shadda on the stored side
        ("احمد الاسلامي", "أَحْمَد الإسلاميّ"),  # and on the query side
        ("مؤمن الرئيسي", "مومن رييسي"),  # hamza on waw and on ya
        ("آمال السالمي", "امال سالمي"),  # madda, and the article on the stored word only
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_arabic_keywords_ignore_short_vowels_and_hamza_forms(app, stored, query, lang):
    word = _word()
    create_expert(app, name=f"{stored} {word}")
    client = app.test_client()
    assert _found(client, lang, q=f"{query} {word}") == [f"{stored} {word}"]
    assert _found(client, lang, q=f"{query}ز {word}") == []  # a different word does not match


@pytest.mark.parametrize(
    ("name", "profile", "query"),
    [
        ("Hélène Dupré", "Expert in water.", "helene dupre"),
        ("Moussa Diop", "Twenty years in Sénégal and in Côte d'Ivoire.", "senegal cote"),
        ("Awa Ndiaye", "Worked across senegal.", "Sénégal"),  # accents on the query side
        ("Œuvre Fall", "Expert in safety.", "OEUVRE"),
    ],
)
def test_french_keywords_ignore_accents_and_case(app, name, profile, query):
    word = _word()
    create_expert(app, name=f"{name} {word}", profile=profile)
    client = app.test_client()
    for lang in LANGUAGES:
        assert _found(client, lang, q=f"{query} {word}") == [f"{name} {word}"], lang
    assert _found(client, q=f"{query}q {word}") == []


def test_a_tampered_filter_is_ignored(app):
    word = _word()
    alpha, beta = f"Alpha {word}", f"Beta {word}"
    create_expert(app, name=alpha, rosters=(ENVIRONMENT,))
    create_expert(app, name=beta, rosters=(SAFETY,))
    client = app.test_client()
    tampered = [
        {"roster": "astrology"}, {"roster": f"{ENVIRONMENT}.wastewater"}, {"years": "abc"}, {"years": "7"},
        {"years": "-1"}, {"years": "99999999999999999999"}, {"field": "environment-water.nothing"},
        {"field": ENVIRONMENT}, {"country": "XX"}, {"country": "ZZ"}, {"country": "sn"}, {"worked_in": "' OR 1=1 --"},
        {"language": "zz"}, {"language": "fr:native"},
    ]
    for query in tampered:
        assert _found(client, q=word, **query) == [alpha, beta], query
    for query in ('"unbalanced', "a AND OR NOT", "x:* & !y | (", "' OR 1=1 --", "*", "٣"):
        assert client.get("/en/experts/", query_string={"q": query}).status_code == 200, query
    # A list where one value is expected, and a very long keyword.
    assert client.get(f"/en/experts/?years=5&years=abc&roster=x&roster={SAFETY}&q={word}").status_code == 200
    assert client.get("/en/experts/", query_string={"q": "x" * 5000}).status_code == 200


def test_pages_past_the_last_are_not_found(make_app):
    app = make_app(PARTNER_PAGE_SIZE=2)
    word = _word()
    for number in range(3):
        create_expert(app, name=f"Paged {number} {word}")
    client = app.test_client()
    assert _found(client, q=word) == [f"Paged 0 {word}", f"Paged 1 {word}"]  # by name
    assert "page=2" in _page(client, q=word)
    # The next page keeps the filters.
    filtered = _page(client, q=word, roster=ENVIRONMENT, years="10")
    links = [htmllib.unescape(href) for href in re.findall(r'href="([^"]*page=2[^"]*)"', filtered)]
    assert links and all(f"roster={ENVIRONMENT}" in href and "years=10" in href for href in links)
    for lang in LANGUAGES:
        assert _found(client, lang, q=word, page=2) == [f"Paged 2 {word}"]
        for page in ("3", "99", "0", "-1", "abc", "٢"):
            response = client.get(SEARCH.format(lang=lang), query_string={"q": word, "page": page})
            assert response.status_code == 404, (lang, page)


# Privacy ------------------------------------------------------------------------------------------


@pytest.fixture
def listed(app) -> tuple[Account, Expert]:
    """An approved expert with a telephone no other record has."""
    return create_expert(app, name=unique("Private Expert"), phone=f"+221 33 {PHONE_DIGITS}",
                         rosters=(ENVIRONMENT, SAFETY),
                         expertise=(f"{ENVIRONMENT}.wastewater", f"{SAFETY}.inspection"))


def _pages_of(client: FlaskClient, expert: Expert) -> str:
    """The expert's page and the search pages that list them, in every language (each must show them)."""
    word = expert.name.split()[-1]
    pages = []
    for lang in LANGUAGES:
        page = client.get(f"/{lang}/experts/{expert.id}/")
        assert page.status_code == 200, lang
        pages.append(page.get_data(as_text=True))
        for query in ({"q": word}, {"q": word, "roster": SAFETY}):
            listing = _page(client, lang, **query)
            assert expert.name in listing, (lang, query)
            pages.append(listing)
    return "\n".join(pages)


def _shows_contacts(pages: str, expert: Expert, account: Account) -> dict[str, bool]:
    return {
        "e-mail": account.email in pages,
        "telephone": PHONE_DIGITS in pages,
        "CV link": f"/experts/{expert.id}/cv" in pages,
    }


def _viewers_without_contacts(app: Flask, make_partner) -> dict[str, Account | None]:
    other_expert, _other = create_expert(app)
    pending_partner = make_partner(Status.PENDING)
    trop_member, _institution = create_institution(app)
    with app.app_context():
        from oicvet.extensions import db

        pending = _detached(db.session.get(Account, pending_partner.account_id))
    return {"anonymous": None, "another expert": other_expert, "pending partner": pending,
            "TROP member": trop_member}


def test_contacts_and_cv_are_hidden_from_visitors_experts_pending_partners_and_trop(app, listed, make_partner):
    account, expert = listed
    for who, viewer in _viewers_without_contacts(app, make_partner).items():
        client = _client(app, viewer)
        pages = _pages_of(client, expert)
        assert _shows_contacts(pages, expert, account) == {"e-mail": False, "telephone": False,
                                                           "CV link": False}, who
        assert "/cv" not in pages, who
        for lang in LANGUAGES:
            response = client.get(f"/{lang}/experts/{expert.id}/cv")
            assert response.status_code == 404, (who, lang)
            assert b"%PDF" not in response.data, who


def _check_cv_download(client: FlaskClient, app: Flask, expert: Expert, who: str) -> None:
    response = client.get(f"/en/experts/{expert.id}/cv")
    assert response.status_code == 200, who
    assert response.headers["Content-Disposition"].startswith("attachment"), who
    assert response.headers["X-Content-Type-Options"] == "nosniff", who
    assert response.mimetype == "application/pdf", who
    assert response.data == cv_path(app, expert).read_bytes() and response.data.startswith(b"%PDF"), who
    cache = response.headers.get("Cache-Control", "")
    assert "public" not in cache and ("private" in cache or "no-store" in cache), (who, cache)
    assert expert.cv_name not in response.headers["Content-Disposition"], who


def test_staff_and_approved_partners_see_contacts_and_download_the_cv(app, listed, make_partner):
    account, expert = listed
    viewers = {
        "administrator": create_account(app, Role.ADMINISTRATOR),
        "sector editor": create_account(app, Role.SECTOR_EDITOR, sectors=("agriculture",)),
        "editor of another sector": create_account(app, Role.SECTOR_EDITOR, sectors=("ict",)),
        "approved partner": _approved_partner(app, make_partner),
    }
    for who, viewer in viewers.items():
        client = _client(app, viewer)
        response = client.get(f"/en/experts/{expert.id}/")
        page = response.get_data(as_text=True)
        assert _shows_contacts(page, expert, account) == {"e-mail": True, "telephone": True, "CV link": True}, who
        # A page with contact details is never kept by a shared cache, to be shown to the next visitor.
        assert "public" not in response.headers.get("Cache-Control", ""), who
        _check_cv_download(client, app, expert, who)
        # The list shows no contact details, even to those who may see them.
        assert account.email not in _page(client, q=expert.name.split()[-1]), who


def test_the_owner_sees_their_contacts_and_downloads_their_cv(app, listed):
    account, expert = listed
    client = _client(app, account)
    page = client.get(f"/en/experts/{expert.id}/").get_data(as_text=True)
    assert _shows_contacts(page, expert, account) == {"e-mail": True, "telephone": True, "CV link": True}
    _check_cv_download(client, app, expert, "owner")


def test_the_download_is_the_file_kept_for_the_expert(app, listed):
    """A CV of three pages differs from every other test's one-page CV."""
    account, expert = listed
    cv_path(app, expert).write_bytes(pdf_bytes(pages=3))
    client = _client(app, account)
    assert client.get(f"/en/experts/{expert.id}/cv").data == pdf_bytes(pages=3)


@pytest.mark.parametrize("status", [Status.PENDING, Status.UNCONFIRMED, Status.REJECTED])
def test_an_unlisted_expert_is_for_the_owner_and_staff_only(app, make_partner, status):
    account, expert = create_expert(app, status, name=unique("Unlisted Expert"))
    hidden_from = {
        "anonymous": None,
        "approved partner": _approved_partner(app, make_partner),
        "another expert": create_expert(app)[0],
    }
    for who, viewer in hidden_from.items():
        client = _client(app, viewer)
        for lang in LANGUAGES:
            assert client.get(f"/{lang}/experts/{expert.id}/").status_code == 404, (who, lang)
        assert client.get(f"/en/experts/{expert.id}/cv").status_code == 404, who
        assert _found(client, q=expert.name.split()[-1]) == [], who
    if status == Status.UNCONFIRMED:
        return  # an unconfirmed account cannot log in yet
    # The owner reads the page, and has their CV.
    _check_cv_download(_client(app, account), app, expert, "owner")
    shown_to = {
        "owner": account,
        "administrator": create_account(app, Role.ADMINISTRATOR),
        "sector editor": create_account(app, Role.SECTOR_EDITOR, sectors=("agriculture",)),
    }
    for who, viewer in shown_to.items():
        client = _client(app, viewer)
        for lang in LANGUAGES:
            response = client.get(f"/{lang}/experts/{expert.id}/")
            assert response.status_code == 200, (who, lang)
            assert expert.name in response.get_data(as_text=True), who


def test_an_unconfirmed_expert_is_shown_to_staff(app):
    _account, expert = create_expert(app, Status.UNCONFIRMED, name=unique("Unconfirmed Expert"))
    client = _client(app, create_account(app, Role.ADMINISTRATOR))
    assert client.get(f"/en/experts/{expert.id}/").status_code == 200


def test_the_stored_cv_name_appears_on_no_page(app, listed, make_partner):
    account, expert = listed
    stem = expert.cv_name.rsplit(".", 1)[0]
    admin = _client(app, create_account(app, Role.ADMINISTRATOR))
    owner = _client(app, account)
    partner = _client(app, _approved_partner(app, make_partner))
    pages = {
        "admin: expert page": admin.get(f"/en/experts/{expert.id}/"),
        "admin: review page": admin.get(f"/en/admin/experts/{expert.id}/"),
        "admin: review queue": admin.get("/en/admin/experts/?status=approved"),
        "admin: search": admin.get("/en/experts/", query_string={"q": expert.name.split()[-1]}),
        "owner: profile": owner.get("/en/experts/profile"),
        "owner: expert page": owner.get(f"/ar/experts/{expert.id}/"),
        "partner: expert page": partner.get(f"/fr/experts/{expert.id}/"),
        "owner: cv": owner.get(f"/en/experts/{expert.id}/cv"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        shown = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        headers = str(response.headers)
        assert stem not in shown and stem not in headers, where
    # The review and profile pages do show the expert: the check above looked at the right pages.
    assert expert.name in pages["admin: review page"].get_data(as_text=True)
    assert expert.name in pages["owner: profile"].get_data(as_text=True)


# Search engines and odd addresses -----------------------------------------------------------------


def test_an_expert_page_is_not_indexed_nor_in_the_sitemap(app, listed):
    _account, expert = listed
    client = app.test_client()
    for lang in LANGUAGES:
        html = client.get(f"/{lang}/experts/{expert.id}/").get_data(as_text=True)
        assert '<meta name="robots" content="noindex">' in html, lang
    entries = read_sitemap(client.get("/sitemap.xml").data)
    assert entries, "the sitemap lists pages"
    listed_urls = set(entries) | {url for alternates in entries.values() for url in alternates.values()}
    assert not [url for url in listed_urls if re.search(r"/experts/\d+/", url)]
    assert not [url for url in listed_urls if "/cv" in url]


def _arabic_digits(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def test_ids_that_are_not_an_expert_are_not_found(app, listed):
    _account, expert = listed
    client = _client(app, create_account(app, Role.ADMINISTRATOR))
    ids = ["0", "99999999999", "99999999999999999999999", "٣", _arabic_digits(expert.id), "-1", "1.0", "abc",
           f"{expert.id}x"]
    for value in ids:
        for path in (f"/en/experts/{value}/", f"/en/experts/{value}/cv", f"/ar/experts/{value}/"):
            response = client.get(path)
            assert response.status_code == 404, (path, response.status_code)
    # The same expert, by its own id, is there: the 404s above are for the ids.
    assert client.get(f"/en/experts/{expert.id}/").status_code == 200


def test_the_rosters_country_filters_and_the_directories_keep_their_own_lists(client):
    # Every country for the roster, the 57 member states for Partner Search and the
    # Training Institutions: whichever page is asked for first, each keeps its own list.
    def options(path: str) -> int:
        html = client.get(path).get_data(as_text=True)
        select = html[html.index('<select id="country"'):]
        return len(re.findall(r'<option value="[A-Z]{2}"', select[:select.index("</select>")]))

    for lang in ("fr", "en"):
        assert options(f"/{lang}/experts/") > 200
        assert options(f"/{lang}/partners/") == 57
        assert options(f"/{lang}/trop/institutions/") == 57
        assert options(f"/{lang}/experts/") > 200
