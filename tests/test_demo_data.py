"""``flask demo-data``: invented partners, events, training institutions, training opportunities and
experts, marked as such, found by the search in three languages, refused on a database with real content, made
again in place by the same seed; and Partner Search's capped count on them.

Each test gets a database of its own (a SQLite file, or a schema of the PostgreSQL test database),
migrated and seeded, since the shared one holds the other tests' real-looking accounts.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from oicvet.accounts.models import Account, Role
from oicvet.choices import WORKING_LANGUAGES
from oicvet.cli import init_migrations
from oicvet.countries import OIC_MEMBER_STATES, all_countries
from oicvet.demo import DEMO_DOMAIN, NAME_MARKER, TITLE_MARKERS, make_demo_data, real_content
from oicvet.experts.choices import DEGREES, LEVELS
from oicvet.experts.models import Expert, ExpertField, ExpertRoster
from oicvet.extensions import db
from oicvet.models import Event
from oicvet.partners import search as partner_search
from oicvet.partners.models import Partner, PartnerSector, Status
from oicvet.plugins.registry import get_registry
from oicvet.search.folding import query_terms
from oicvet.search.searchable import matching
from oicvet.seed import load_seed
from oicvet.trop.choices import CURRENCIES, INSTITUTION_TYPES, INSTRUCTION_LANGUAGES, KINDS, MODALITIES
from oicvet.trop.models import NO_DATE, TrainingOpportunity, TropInstitution
from oicvet.uploads import folder

PARTNERS, EVENTS = 300, 50
INSTITUTIONS, OPPORTUNITIES = 60, 600
EXPERTS = 200
#: How a description in each language says that it is demo data.
DESCRIPTION_MARKERS = {"en": "Demo data", "fr": "Données de démonstration", "ar": "بيانات تجريبية"}


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


@pytest.fixture
def trop_app(fresh_app):
    with fresh_app.app_context():
        make_demo_data(0, 0, seed=11, password="a demo password", institutions=INSTITUTIONS,
                       opportunities=OPPORTUNITIES)
    return fresh_app


@pytest.fixture
def experts_app(fresh_app):
    with fresh_app.app_context():
        make_demo_data(0, 0, seed=13, password="a demo password", experts=EXPERTS)
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
    # Unless told otherwise, TROP's catalogue gets a benchmark's worth of training, and the roster experts.
    assert "300 demo training institutions, 5000 demo training opportunities and 300 demo experts" in result.output
    with fresh_app.app_context():
        db.session.add(Account(email="someone@example.org", name="A real person", password_hash="x"))
        db.session.commit()
        assert real_content()
    refused = runner.invoke(args=["demo-data", "--partners", "5"])
    assert refused.exit_code != 0 and "real content" in refused.output
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 5
    forced = runner.invoke(args=["demo-data", "--partners", "5", "--institutions", "0", "--opportunities", "0",
                                 "--force"])
    assert forced.exit_code == 0, forced.output
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 10
        assert db.session.scalar(select(func.count()).select_from(TrainingOpportunity)) == 5000


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


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_training_institutions_are_marked_as_demo_data(trop_app):
    with trop_app.app_context():
        sectors = {plugin.key for plugin in get_registry()}
        institutions = db.session.scalars(select(TropInstitution)).all()
        assert len(institutions) == INSTITUTIONS
        assert all(item.name.endswith(NAME_MARKER) for item in institutions)
        assert all(item.email.endswith(f"@{DEMO_DOMAIN}") for item in institutions)
        assert all(item.public_email.endswith(f"@{DEMO_DOMAIN}") for item in institutions if item.public_email)
        statuses = {status: sum(item.status == status for item in institutions) for status in Status}
        assert statuses[Status.APPROVED] > INSTITUTIONS / 2
        assert statuses[Status.PENDING] + statuses[Status.REJECTED] > 0
        # An approved institution is a TROP member; the others are not, as approval alone makes one.
        for item in institutions:
            assert item.account.has_role(Role.TROP_MEMBER) == (item.status == Status.APPROVED)
        assert all(item.country in OIC_MEMBER_STATES for item in institutions)
        assert all(item.institution_type in INSTITUTION_TYPES for item in institutions)
        assert all(1 <= len(item.fields) <= 3 and set(item.fields) <= sectors for item in institutions)
        assert len({item.country for item in institutions}) > 20


def test_training_opportunities_are_marked_and_varied(trop_app):
    today = date.today()
    with trop_app.app_context():
        sectors = {plugin.key for plugin in get_registry()}
        opportunities = db.session.scalars(select(TrainingOpportunity)).all()
        assert len(opportunities) == OPPORTUNITIES
        for item in opportunities:
            assert item.title and set(item.title) <= set(TITLE_MARKERS)
            assert all(item.title[lang].endswith(marker) for lang, marker in TITLE_MARKERS.items()
                       if lang in item.title)
            assert set(item.description) == set(item.title)
            assert all(DESCRIPTION_MARKERS[lang] in text for lang, text in item.description.items())
            assert item.sector in sectors and item.kind in KINDS and item.modality in MODALITIES
            assert 1 <= len(item.languages) <= 3 and set(item.languages) <= set(INSTRUCTION_LANGUAGES)
            assert item.is_free or (item.fee_amount > 0 and item.fee_currency in CURRENCIES)
        titles = [set(item.title) for item in opportunities]
        assert {"ar"} in titles and {"fr"} in titles and {"en", "fr", "ar"} in titles  # some in one language only
        assert sum(item.is_free for item in opportunities) > OPPORTUNITIES / 2
        assert {item.fee_currency for item in opportunities} >= {None, "USD", "EUR", "TRY"}
        assert OPPORTUNITIES / 2 < sum(item.published for item in opportunities) < OPPORTUNITIES  # some drafts
        # Opportunities are offered by the approved institutions (those of the catalogue).
        assert all(item.institution.status == Status.APPROVED for item in opportunities)
        assert sum(item.is_visible for item in opportunities) > OPPORTUNITIES / 2
        abroad = [item for item in opportunities if item.venue_country not in OIC_MEMBER_STATES | {None}]
        assert 0 < len(abroad) < OPPORTUNITIES / 10
        assert any(item.venue_country is None and item.modality == "online" for item in opportunities)

        # From about two years ago to a year ahead; a few on request, which sort last and never end.
        on_request = [item for item in opportunities if item.on_request]
        dated = [item for item in opportunities if not item.on_request]
        assert 0 < len(on_request) < OPPORTUNITIES / 5
        for item in on_request:
            assert item.start_date is None and item.sort_date == item.last_date == NO_DATE
        for item in dated:
            assert item.sort_date == item.start_date
            assert item.last_date == (item.end_date or item.start_date) >= item.start_date
            assert today - timedelta(days=740) < item.start_date < today + timedelta(days=370)
            if item.application_deadline:
                assert item.application_deadline < item.start_date
        assert any(item.is_past(today) for item in dated) and any(not item.is_past(today) for item in dated)


def test_the_rows_hold_what_the_models_would_have_stored(trop_app):
    """Core inserts skip the models' listeners: the search text and the catalogue dates are computed
    as those would; saving each row again through the ORM changes neither."""
    with trop_app.app_context():
        rows = [
            db.session.scalars(select(TrainingOpportunity).where(TrainingOpportunity.on_request)).first(),
            db.session.scalars(select(TrainingOpportunity).where(TrainingOpportunity.end_date.is_not(None))).first(),
            *db.session.scalars(select(TrainingOpportunity).order_by(TrainingOpportunity.id).limit(20)),
        ]
        stored = [(row.search_text, row.sort_date, row.last_date) for row in rows]
        for row in rows:
            row.target_group += " "
        institution = db.session.scalars(select(TropInstitution).where(TropInstitution.acronym != "")).first()
        institution_text = institution.search_text
        institution.description += " "
        db.session.flush()
        assert [(row.search_text, row.sort_date, row.last_date) for row in rows] == stored
        assert institution.search_text == institution_text
        db.session.rollback()


def test_the_search_finds_demo_training(trop_app):
    with trop_app.app_context():
        def found(model, words: str) -> set[int]:
            return set(db.session.scalars(select(model.id).where(matching(model, query_terms(words)))))

        opportunities = db.session.scalars(select(TrainingOpportunity).order_by(TrainingOpportunity.id)).all()
        for lang in ("en", "fr", "ar"):
            item = next(item for item in opportunities if lang in item.title)
            word = max(re.findall(r"\w+", item.title[lang].replace(TITLE_MARKERS[lang], "")), key=len)
            assert item.id in found(TrainingOpportunity, word), (lang, word)
        # French without its accents, Arabic with its short vowels: as visitors type them.
        accented = next(item for item in opportunities if "Données de démonstration" in item.description.get("fr", ""))
        assert accented.id in found(TrainingOpportunity, "donnees demonstration")
        arabic = next(item for item in opportunities if "التدريب" in item.description.get("ar", ""))
        assert arabic.id in found(TrainingOpportunity, "التَّدْرِيب")
        # The index is in step with every row: "demo" is in each English or French text, and in no other.
        expected = {item.id for item in opportunities if {"en", "fr"} & set(item.title)}
        assert found(TrainingOpportunity, "demo") == expected
        assert not found(TrainingOpportunity, "zygomorphic")

        institutions = db.session.scalars(select(TropInstitution).order_by(TropInstitution.id)).all()
        for item in institutions[:10]:
            word = max(re.findall(r"\w+", item.name.replace(NAME_MARKER, "")), key=len)
            assert item.id in found(TropInstitution, f"{word} {item.city}")


def test_a_visitor_sees_demo_training_marked(trop_app):
    client = trop_app.test_client()
    with trop_app.app_context():
        item = db.session.scalars(
            select(TrainingOpportunity).join(TrainingOpportunity.institution)
            .where(TrainingOpportunity.published, TropInstitution.status == Status.APPROVED,
                   TrainingOpportunity.title["en"].as_string().is_not(None))
            .order_by(TrainingOpportunity.id)
        ).first()
        institution_id = item.institution_id
    page = client.get(f"/en/trop/opportunities/{item.id}/")
    assert page.status_code == 200 and "(demo data)" in page.get_data(as_text=True)
    page = client.get(f"/fr/trop/institutions/{institution_id}/")
    assert page.status_code == 200 and NAME_MARKER in page.get_data(as_text=True)


def test_the_same_seed_makes_the_same_data_again_in_place(fresh_app):
    runner = fresh_app.test_cli_runner()
    sizes = ["--partners", "4", "--events", "3", "--institutions", "6", "--opportunities", "40"]

    def made() -> tuple[int, ...]:
        with fresh_app.app_context():
            counts = (_count(Account), _count(Partner), _count(Event, Event.seed_key.like("demo-%")),
                      _count(TropInstitution), _count(TrainingOpportunity))
            titles = sorted(str(title) for title in db.session.scalars(select(TrainingOpportunity.title)))
            found = db.session.scalar(select(func.count()).select_from(TrainingOpportunity).where(
                matching(TrainingOpportunity, query_terms("demo"))))
            if db.engine.dialect.name == "sqlite":
                # FTS5 checks its index against the table: deleted rows left no words behind.
                for table in ("trop_opportunity", "trop_institution", "partner"):
                    db.session.execute(text(f"INSERT INTO {table}_fts({table}_fts) VALUES ('integrity-check')"))
            db.session.rollback()
            return (*counts, found), titles

    first = runner.invoke(args=["demo-data", *sizes, "--seed", "5"])
    assert first.exit_code == 0, first.output
    counts, titles = made()
    assert counts[1:5] == (4, 3, 6, 40) and counts[5] > 0
    again = runner.invoke(args=["demo-data", *sizes, "--seed", "5", "--force"])
    assert again.exit_code == 0, again.output
    assert "Removed the demo data that an earlier run with the seed 5 made" in again.output
    assert made() == (counts, titles)  # replaced, not duplicated
    # Another seed (or none) adds to what is there, as before.
    other = runner.invoke(args=["demo-data", *sizes, "--seed", "6"])
    assert other.exit_code == 0 and "Removed" not in other.output
    with fresh_app.app_context():
        assert _count(TrainingOpportunity) == 80 and _count(Partner) == 8


def test_opportunities_need_institutions(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["demo-data", "--institutions", "0", "--opportunities", "5"])
    assert result.exit_code != 0 and "--institutions" in result.output
    with fresh_app.app_context():
        assert _count(TrainingOpportunity) == 0


def test_experts_are_marked_as_demo_data_and_varied(experts_app):
    with experts_app.app_context():
        rosters = {entry.key: set(entry.field_keys()) for entry in get_registry().rosters}
        countries = all_countries()
        experts = db.session.scalars(select(Expert)).all()
        assert len(experts) == EXPERTS
        for expert in experts:
            assert expert.name.endswith(NAME_MARKER) and expert.email.endswith(f"@{DEMO_DOMAIN}")
            assert any(expert.profile.startswith(marker) for marker in DESCRIPTION_MARKERS.values())
            # An expert is one the roster lists: the role comes with the approval.
            assert expert.account.has_role(Role.EXPERT) == (expert.status == Status.APPROVED)
            assert expert.rosters and set(expert.rosters) <= set(rosters)
            assert 1 <= len(expert.expertise) <= 4
            assert set(expert.expertise) <= set().union(*(rosters[key] for key in expert.rosters))
            assert all(rosters[key] & set(expert.expertise) for key in expert.rosters)  # a field in each roster
            languages = [pair.split(":") for pair in expert.languages]
            assert 1 <= len(languages) <= 3
            assert all(code in WORKING_LANGUAGES and level in LEVELS for code, level in languages)
            assert 1 <= len(expert.work_countries) <= 5 and set(expert.work_countries) <= countries
            assert expert.residence_country in countries and expert.nationality in OIC_MEMBER_STATES
            assert 0 <= expert.years_experience <= 40 and expert.degree in DEGREES
            # A CV is named, but there is no file: nothing invented is sent as someone's CV.
            assert expert.cv_size == 0 and not (folder() / expert.cv_name).exists()
        statuses = {status: sum(item.status == status for item in experts) for status in Status}
        assert statuses[Status.APPROVED] > EXPERTS / 2 and statuses[Status.PENDING] > 0
        assert {key for item in experts for key in item.rosters} == set(rosters)  # every roster has experts
        assert any(len(item.rosters) > 1 for item in experts)
        assert {item.profile[:4] for item in experts} >= {"Demo", "Donn", "بيان"}  # in three languages
        assert len({item.residence_country for item in experts}) > 20
        assert len({item.years_experience for item in experts}) > 20


def test_demo_experts_hold_what_the_model_would_have_stored(experts_app):
    with experts_app.app_context():
        experts = db.session.scalars(select(Expert).order_by(Expert.id).limit(20)).all()
        stored = [expert.search_text for expert in experts]
        for expert in experts:
            expert.position += " "
        db.session.flush()
        assert [expert.search_text for expert in experts] == stored
        db.session.rollback()


def _expert_ids(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/\w\w/experts/(\d+)/"', html)


@pytest.mark.parametrize(("lang", "query"), [
    ("en", "invented expert"),
    ("fr", "donnees demonstration"),  # without its accents
    ("ar", "بيانات تجريبية"),
])
def test_the_roster_finds_demo_experts_in_three_languages(experts_app, lang, query):
    client = experts_app.test_client()
    html = client.get(f"/{lang}/experts/", query_string={"q": query}).get_data(as_text=True)
    found = _expert_ids(html)
    assert found, query
    page = client.get(f"/{lang}/experts/{found[0]}/").get_data(as_text=True)
    assert NAME_MARKER in page and DESCRIPTION_MARKERS[lang] in page
    assert not _expert_ids(client.get(f"/{lang}/experts/", query_string={"q": "zygomorphic"}).get_data(as_text=True))


def test_the_roster_lists_every_approved_demo_expert_and_filters_them(experts_app):
    client = experts_app.test_client()
    with experts_app.app_context():
        approved = _count(Expert, Expert.status == Status.APPROVED)
        roster = get_registry().rosters[0]
        field = roster.field_keys()[0]
        in_field = _count(Expert, Expert.status == Status.APPROVED,
                          Expert.id.in_(select(ExpertField.expert_id).where(ExpertField.field == field)))
        # The index is in step with every row: "demo" is in every name.
        assert db.session.scalar(select(func.count()).select_from(Expert).where(
            matching(Expert, query_terms("demo")))) == EXPERTS
    assert f"{approved:,} experts found" in client.get("/en/experts/").get_data(as_text=True)
    html = client.get("/en/experts/", query_string={"roster": roster.key, "field": field}).get_data(as_text=True)
    shown = re.search(r'role="status">([\d,]+) experts? found', html)
    assert 0 < in_field < approved and shown and int(shown.group(1).replace(",", "")) == in_field


def test_the_same_seed_replaces_demo_experts_in_place(fresh_app):
    runner = fresh_app.test_cli_runner()
    sizes = ["--partners", "0", "--events", "0", "--institutions", "0", "--opportunities", "0", "--experts", "30"]

    def made() -> tuple[int, ...]:
        with fresh_app.app_context():
            counts = (_count(Account), _count(Expert), _count(ExpertRoster), _count(ExpertField),
                      db.session.scalar(select(func.count()).select_from(Expert).where(
                          matching(Expert, query_terms("demo")))))
            if db.engine.dialect.name == "sqlite":
                # FTS5 checks its index against the table: deleted rows left no words behind.
                db.session.execute(text("INSERT INTO expert_fts(expert_fts) VALUES ('integrity-check')"))
            db.session.rollback()
            return counts

    first = runner.invoke(args=["demo-data", *sizes, "--seed", "5"])
    assert first.exit_code == 0, first.output
    assert "30 demo experts" in first.output and f"expert-…@{DEMO_DOMAIN}" in first.output
    counts = made()
    assert counts[0] == counts[1] == counts[4] == 30 and counts[2] >= 30 and counts[3] >= 30
    again = runner.invoke(args=["demo-data", *sizes, "--seed", "5", "--force"])
    assert again.exit_code == 0 and "Removed the demo data" in again.output
    assert made() == counts  # replaced, with their rosters and fields: nothing left behind
    runner.invoke(args=["demo-data", *sizes, "--seed", "6"])
    with fresh_app.app_context():
        assert _count(Expert) == 60
    assert runner.invoke(args=["demo-data", *sizes[:-1], "0", "--seed", "7"]).exit_code == 0
    with fresh_app.app_context():
        assert _count(Expert) == 60  # --experts 0 adds none


def test_a_demo_account_logs_in_with_the_printed_password(fresh_app):
    # The README promises it: the demo accounts share the password the command prints.
    from tests.conftest import log_in

    result = fresh_app.test_cli_runner().invoke(
        args=["demo-data", "--partners", "10", "--events", "1", "--institutions", "0", "--opportunities", "0",
              "--experts", "0", "--seed", "7"])
    assert result.exit_code == 0, result.output
    password = result.output.split("has the password: ", 1)[1].strip()
    with fresh_app.app_context():
        # One whose address is confirmed: some demo partners have not confirmed theirs, as in life.
        email = db.session.scalars(select(Account.email).where(
            Account.email.like("partner-%"), Account.email_confirmed_at.is_not(None))).first()
    assert email is not None
    client = fresh_app.test_client()
    answer = log_in(client, email, password)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
