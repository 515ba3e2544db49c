"""``flask demo-data``: invented partners and events, marked as such, found by the search in three
languages, refused on a database with real content; and Partner Search's capped count on them.

Each test gets a database of its own (a SQLite file, or a schema of the PostgreSQL test database),
migrated and seeded, since the shared one holds the other tests' real-looking accounts.
"""

from __future__ import annotations

import re
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from oicvet.accounts.models import Account
from oicvet.cli import init_migrations
from oicvet.demo import DEMO_DOMAIN, NAME_MARKER, TITLE_MARKERS, make_demo_data, real_content
from oicvet.extensions import db
from oicvet.models import Event
from oicvet.partners import search as partner_search
from oicvet.partners.models import Partner, PartnerSector, Status
from oicvet.seed import load_seed

PARTNERS, EVENTS = 300, 50


@pytest.fixture
def fresh_app(make_app, database_url, tmp_path):
    """An app on an empty database of its own, migrated and seeded."""
    schema = None
    if database_url.startswith("postgresql"):
        schema = f"demo_{uuid.uuid4().hex[:10]}"
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{database_url}{'&' if '?' in database_url else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'demo.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    init_migrations(app)
    with app.app_context():
        upgrade()
        load_seed()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if schema:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture
def demo_app(fresh_app):
    with fresh_app.app_context():
        make_demo_data(PARTNERS, EVENTS, seed=7, password="a demo password")
    return fresh_app


def _names(html: str) -> list[str]:
    results = re.search(r'<ul class="results">(.*?)</ul>', html, re.S)
    return re.findall(r"<h2><a [^>]*><bdi>(.*?)</bdi>", results.group(1)) if results else []


def test_everything_made_is_marked_as_demo_data(demo_app):
    with demo_app.app_context():
        partners = db.session.scalars(select(Partner)).all()
        assert len(partners) == PARTNERS
        assert all(partner.name.endswith(NAME_MARKER) for partner in partners)
        assert all(partner.email.endswith(f"@{DEMO_DOMAIN}") for partner in partners)
        statuses = {status: sum(p.status == status for p in partners) for status in Status}
        assert statuses[Status.APPROVED] > PARTNERS / 2 and all(statuses.values())  # every status, mostly approved
        assert len({p.country for p in partners}) > 40 and {p.organisation_type for p in partners} > {"tvet"}
        assert db.session.scalar(select(func.count()).select_from(PartnerSector)) >= PARTNERS
        # One shared hash, not one argon2 run per account.
        assert db.session.scalar(select(func.count(func.distinct(Account.password_hash)))) == 1

        events = db.session.scalars(select(Event).where(Event.seed_key.like("demo-%"))).all()
        assert len(events) == EVENTS
        for event in events:
            assert all(event.title[lang].endswith(marker) for lang, marker in TITLE_MARKERS.items())
        assert len({event.programme for event in events}) > 10 and len({event.year for event in events}) > 5
        # What the ORM would have stored: the search text is the folded fields.
        partner = partners[0]
        stored = partner.search_text
        partner.description += " "
        db.session.flush()
        assert partner.search_text == stored


def test_a_visitor_sees_the_marker(demo_app):
    client = demo_app.test_client()
    assert "(demo data)" in client.get("/en/partners/").get_data(as_text=True)
    assert "(données de démonstration)" in client.get("/fr/archive/").get_data(as_text=True)
    assert "(بيانات تجريبية)" in client.get("/ar/archive/").get_data(as_text=True)


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("en", "vocational training", "Demo data"),
    ("fr", "competences", "Données de démonstration"),  # without its accents
    ("fr", "formation", "Données de démonstration"),
    ("ar", "التَّدْرِيب", "بيانات تجريبية"),  # with short vowels and shadda
    ("ar", "التدريب المهني", "بيانات تجريبية"),
])
def test_the_search_finds_demo_partners_in_three_languages(demo_app, lang, query, expected):
    client = demo_app.test_client()
    html = client.get(f"/{lang}/partners/", query_string={"q": query}).get_data(as_text=True)
    assert _names(html), query
    first = re.search(r'<h2><a href="(/\w\w/partners/\d+/)"', html).group(1)
    assert expected in client.get(first).get_data(as_text=True)
    assert not _names(client.get(f"/{lang}/partners/", query_string={"q": "zygomorphic"}).get_data(as_text=True))


def test_a_common_word_gives_a_capped_count_and_every_page(demo_app, monkeypatch):
    monkeypatch.setattr(partner_search, "COUNT_LIMIT", 40)
    client = demo_app.test_client()
    html = client.get("/en/partners/", query_string={"q": "demo"}).get_data(as_text=True)
    assert "40+ partners found" in html and 'rel="next"' in html
    with demo_app.app_context():
        approved = db.session.scalar(select(func.count()).select_from(Partner).where(Partner.status == "approved"))
    # Every approved partner is on one page or another, each once; the last page counts them all.
    seen, page = [], 1
    while True:
        response = client.get("/en/partners/", query_string={"q": "demo", "page": page})
        if response.status_code == 404:
            break
        seen += re.findall(r'<h2><a href="/en/partners/(\d+)/"', response.get_data(as_text=True))
        page += 1
    assert len(seen) == len(set(seen)) == approved
    last = client.get("/en/partners/", query_string={"q": "demo", "page": page - 1}).get_data(as_text=True)
    assert f"{approved} partners found" in last and 'rel="next"' not in last


def test_it_refuses_a_database_with_real_content(fresh_app, make_account):
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["demo-data", "--partners", "5", "--events", "2"])
    assert result.exit_code == 0, result.output
    assert "5 demo partners" in result.output and f"@{DEMO_DOMAIN}" in result.output
    with fresh_app.app_context():
        db.session.add(Account(email="someone@example.org", name="A real person", password_hash="x"))
        db.session.commit()
        assert real_content()
    refused = runner.invoke(args=["demo-data", "--partners", "5"])
    assert refused.exit_code != 0 and "real content" in refused.output
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 5
    forced = runner.invoke(args=["demo-data", "--partners", "5", "--force"])
    assert forced.exit_code == 0, forced.output
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 10


def test_an_event_entered_on_the_site_is_real_content(fresh_app):
    with fresh_app.app_context():
        assert real_content() == []  # the shipped events are not
        db.session.add(Event(kind="workshop", title={"en": "Entered by staff"}, year=2024))
        db.session.commit()
        assert real_content()
    assert fresh_app.test_cli_runner().invoke(args=["demo-data", "--events", "3"]).exit_code != 0


def test_setup_never_makes_demo_data(fresh_app):
    with fresh_app.app_context():
        result = fresh_app.test_cli_runner().invoke(args=["setup"])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 0
