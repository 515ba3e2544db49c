"""The served languages are one setting; content is stored per language in JSON.

A fourth, right-to-left language (Persian) is switched on with a small test
catalog under tests/fixtures/catalogs, layered on the core's: no code changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date
from sqlalchemy import inspect, text
from sqlalchemy.exc import StatementError

from config import language_list
from oicvet.content import LocalText, local_text
from oicvet.i18n import LanguageSettingError, in_every_language
from oicvet.i18n import lazy_gettext as _l
from oicvet.plugins import SeedEvent
from oicvet.seed import CORE_PROGRAMME, _event_from
from tests.crawler import crawl
from tests.test_seo import read_sitemap

ROOT = Path(__file__).resolve().parent.parent
FA_CATALOGS = Path(__file__).resolve().parent / "fixtures" / "catalogs"
WITH_PERSIAN = {"LANGUAGES": "en,ar,fr,fa", "TRANSLATION_FOLDERS": [str(FA_CATALOGS)]}


@pytest.fixture(scope="module")
def persian_app(make_app):
    return make_app(**WITH_PERSIAN)


@pytest.fixture
def fa(persian_app):
    return persian_app.test_client()


def _event_id(app, key: str) -> int:
    from oicvet.extensions import db
    from oicvet.models import Event

    with app.app_context():
        return db.session.scalar(db.select(Event.id).where(Event.seed_key == key))


# The setting -------------------------------------------------------------------------------


def test_the_setting_comes_from_the_environment():
    assert language_list(" en, AR,fr ,, fa") == ("en", "ar", "fr", "fa")
    env = {**os.environ, "OICVET_LANGUAGES": "en, fa"}
    found = subprocess.run([sys.executable, "-c", "from config import Config; print(Config.LANGUAGES)"],
                           cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert found.strip() == "('en', 'fa')"


def test_the_default_is_english_arabic_and_french(app):
    assert app.config["LANGUAGES"] == ("en", "ar", "fr")
    assert app.test_client().get("/fa/").status_code == 404


def test_fewer_languages_serve_fewer_prefixes(make_app):
    client = make_app(LANGUAGES="en,fr").test_client()
    assert client.get("/", headers={"Accept-Language": "ar"}).headers["Location"].endswith("/en/")
    assert client.get("/ar/").status_code == 404
    html = client.get("/fr/about/").get_data(as_text=True)
    assert 'hreflang="ar"' not in html and 'hreflang="en"' in html
    assert not any("/ar/" in url for url in read_sitemap(client.get("/sitemap.xml").data))


@pytest.mark.parametrize("setting,folders,message", [
    ("en,ar,fr,xx", [], "Babel does not know the language 'xx'"),
    ("en,ar,fr,ur", [], "The language 'ur' has no core catalog"),
    ("en,ar,fr,fa", [], "The language 'fa' has no core catalog"),
    ("en,ar,fr,ur", [str(FA_CATALOGS)], "The language 'ur' has no core catalog"),
    ("ar,en,fr", [], "must begin with 'en'"),
    ("en,pt_br", [], "'pt_br' is not a two-letter language code"),
])
def test_a_language_that_cannot_be_served_stops_start_up(make_app, setting, folders, message):
    with pytest.raises(LanguageSettingError, match=message):
        make_app(LANGUAGES=setting, TRANSLATION_FOLDERS=folders)


# Persian, switched on by configuration ------------------------------------------------------


def test_persian_pages_answer_right_to_left(persian_app, fa):
    event_id = _event_id(persian_app, "egovwg-first-meeting-2011")
    for path in ("/fa/", "/fa/about/", "/fa/committee/", "/fa/archive/?year=2011",
                 "/fa/programmes/e-government-working-group/", f"/fa/events/{event_id}/"):
        response = fa.get(path)
        assert response.status_code == 200, path
        assert '<html lang="fa" dir="rtl">' in response.get_data(as_text=True), path


def test_the_crawl_from_the_persian_home_page_finds_every_page(persian_app):
    site = crawl(persian_app, starts=("/fa/",))
    assert not site.broken, site.broken
    pages = {page.path for page in site.in_language("fa")}
    assert len(pages) >= 9 + 6 + 30 + 9
    assert {page.lang for page in site.pages} == {"en", "ar", "fr", "fa"}


def test_switcher_alternates_and_sitemap_list_persian(fa):
    html = fa.get("/en/about/").get_data(as_text=True)
    assert '<link rel="alternate" hreflang="fa" href="http://localhost/fa/about/">' in html
    # The switcher names each language in itself, as Babel writes it.
    assert '<a href="/fa/about/" lang="fa" hreflang="fa">فارسی</a>' in html
    assert '<a href="/fr/about/" lang="fr" hreflang="fr">Français</a>' in html
    assert 'hreflang="fa" aria-current="true">فارسی</a>' in fa.get("/fa/about/").get_data(as_text=True)
    entries = read_sitemap(fa.get("/sitemap.xml").data)
    assert entries["http://localhost/fa/about/"]["fa"] == "http://localhost/fa/about/"
    assert entries["http://localhost/en/about/"]["fa"] == "http://localhost/fa/about/"
    assert any("/fa/events/" in url for url in entries)


def test_the_visitor_language_can_be_persian(fa):
    assert fa.get("/", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"}).headers["Location"].endswith("/fa/")
    fa.get("/fa/about/")
    assert fa.get("/").headers["Location"].endswith("/fa/")


def test_persian_dates_and_country_names_come_from_babel(fa):
    html = fa.get("/fa/committee/").get_data(as_text=True)
    # 13 مهٔ 2009, its spaces no-break ones: a date never breaks across lines
    assert format_date(date(2009, 5, 13), format="long", locale="fa").replace(" ", "\u00a0") in html
    assert Locale.parse("fa").territories["TR"] in html and "ترکیه" in html
    assert "ایران" in html


def test_translated_strings_show_in_persian_and_the_rest_in_english(fa):
    html = fa.get("/fa/committee/").get_data(as_text=True)
    assert "پرش به محتوای اصلی" in html  # the layout, from the test catalog
    assert "<h1>کمیتهٔ نظارت و مشورت</h1>" in html
    assert "<h2>اعضا</h2>" in html and "<h2>نشست‌ها</h2>" in html
    # Not in the test catalog: shown in English.
    assert "<caption>Meetings of the Monitoring and Advisory Committee</caption>" in html
    # A plugin's words can come from the same folder, in the plugin's own domain.
    programme = fa.get("/fa/programmes/e-government-working-group/").get_data(as_text=True)
    assert "<h1>کارگروه دولت الکترونیک</h1>" in programme
    home = fa.get("/fa/").get_data(as_text=True)
    assert "۱ برنامه" in home or "1 برنامه" in home  # the plural form of the Persian catalog


def test_event_content_without_persian_shows_the_english_marked_english(persian_app, fa):
    event_id = _event_id(persian_app, "egovwg-first-meeting-2011")
    html = fa.get(f"/fa/events/{event_id}/").get_data(as_text=True)
    assert '<h1><span lang="en" dir="ltr">First Meeting of the OIC E-Government Working Group</span></h1>' in html
    assert '<span lang="en" dir="ltr">Ankara</span>، ترکیه' in html
    assert '<p lang="en" dir="ltr">The OIC E-Government Working Group (eGovWG) held its first meeting' in html
    # Arabic has its own text, unmarked.
    ar = fa.get(f"/ar/events/{event_id}/").get_data(as_text=True)
    assert '<span lang="en"' not in ar.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_content_in_persian_needs_no_migration(persian_app, fa):
    from oicvet.extensions import db
    from oicvet.models import Event

    with persian_app.app_context():
        event = Event(kind="workshop", year=2011, title={"en": "A test workshop", "fa": "کارگاه آزمایشی"},
                      summary={"en": "Only in English.", "fa": "  "})
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    try:
        html = fa.get(f"/fa/events/{event_id}/").get_data(as_text=True)
        assert "<h1>کارگاه آزمایشی</h1>" in html
        assert '<p class="lead"><span lang="en" dir="ltr">Only in English.</span></p>' in html
        ar = fa.get(f"/ar/events/{event_id}/").get_data(as_text=True)
        assert '<h1><span lang="en" dir="ltr">A test workshop</span></h1>' in ar
        with persian_app.app_context():
            event = db.session.get(Event, event_id)
            assert event.summary == {"en": "Only in English."}  # an empty text is not stored
            event.title["ar"] = "ورشة تجريبية"  # an edit in place is saved
            db.session.commit()
        assert "<h1>ورشة تجريبية</h1>" in fa.get(f"/ar/events/{event_id}/").get_data(as_text=True)
    finally:
        with persian_app.app_context():
            db.session.execute(db.delete(Event).where(Event.id == event_id))
            db.session.commit()


def test_english_is_required(persian_app):
    from oicvet.extensions import db
    from oicvet.models import FocalPoint

    with persian_app.app_context():
        db.session.add(FocalPoint(country="ML", institution={"fa": "فقط فارسی"}))
        with pytest.raises(StatementError, match="English"):
            db.session.flush()
        db.session.rollback()


def test_reading_a_field_falls_back_to_english_marked():
    texts = {"en": "Ankara", "fa": "آنکارا"}
    assert local_text(texts, "fa") == LocalText("آنکارا")
    assert local_text(texts, "ar") == LocalText("Ankara", "en")
    assert local_text(texts, "en") == LocalText("Ankara")
    assert local_text(None, "fa") == LocalText("")


def test_the_seed_stores_only_the_languages_its_catalogs_translate(persian_app):
    with persian_app.app_context():
        izmir = in_every_language(_l("Izmir"))
        assert izmir["en"] == "Izmir" and izmir["fa"] == "ازمیر" and set(izmir) == {"en", "ar", "fr", "fa"}
        antalya = in_every_language(_l("Antalya"))
        assert set(antalya) == {"en", "ar", "fr"}  # no Persian translation: English shows, marked
        # A seed may also give its texts as they are, in any language.
        seed = SeedEvent(key="x", programme=CORE_PROGRAMME, kind="workshop", year=2020,
                         title={"en": "A workshop", "fa": "یک کارگاه", "ar": " "}, city=_l("Izmir"))
        event = _event_from(seed, None)
        assert event.title == {"en": "A workshop", "fa": "یک کارگاه"} and event.city["fa"] == "ازمیر"
        assert event.summary is None


def test_focal_point_names_in_any_language(persian_app, fa):
    runner = persian_app.test_cli_runner()
    result = runner.invoke(args=["focal-points", "set", "sn", "Example Office (test data)",
                                 "--name", "fa", "دفتر نمونه", "--fr", "Bureau d'exemple"])
    assert result.exit_code == 0, result.output
    assert "en, fa, fr" in result.output
    try:
        assert "دفتر نمونه" in fa.get("/fa/focal-points/").get_data(as_text=True)
        assert "Bureau d&#39;exemple" in fa.get("/fr/focal-points/").get_data(as_text=True)
        ar = fa.get("/ar/focal-points/").get_data(as_text=True)
        assert '<span lang="en" dir="ltr">Example Office (test data)</span>' in ar
        bad = runner.invoke(args=["focal-points", "set", "SN", "Example", "--name", "xx", "Nothing"])
        assert bad.exit_code != 0 and "Babel does not know" in bad.output
    finally:
        runner.invoke(args=["focal-points", "remove", "SN"])


def test_an_administrator_language_must_be_served(persian_app):
    result = persian_app.test_cli_runner().invoke(
        args=["accounts", "create-admin", "x@example.org", "--name", "X", "--language", "de",
              "--password", "a long and quiet river"])
    assert result.exit_code != 0 and "en, ar, fr, fa" in result.output


# The migration -----------------------------------------------------------------------------


def test_the_migration_moves_the_texts_into_json_and_back(make_app, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import downgrade, upgrade

    from oicvet.cli import init_migrations
    from oicvet.extensions import db
    from oicvet.models import Event, FocalPoint

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migration.db'}")
    init_migrations(app)
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO event (id, kind, title_en, title_ar, title_fr, summary_en, summary_ar, body_en, "
                "city_en, city_fr, year, country, programme, is_virtual, created_at, updated_at) VALUES "
                "(1, 'meeting', 'Kept', 'محفوظ', '', 'Summary', NULL, 'Body', 'Ankara', 'Ankara', 2011, 'TR', "
                "'e-government-working-group', 0, '2024-01-01', '2024-01-01'), "
                "(2, 'meeting', 'English only', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2010, NULL, NULL, 0, "
                "'2024-01-01', '2024-01-01')"))
            connection.execute(text(
                "INSERT INTO focal_point (id, country, institution_en, institution_fr, updated_at) "
                "VALUES (1, 'SN', 'Office', 'Bureau', '2024-01-01')"))

        upgrade(revision="0004")
        with db.engine.connect() as connection:
            row = connection.execute(text("SELECT title, summary, body, city FROM event WHERE id = 1")).one()
            assert [json.loads(value) for value in row] == [
                {"en": "Kept", "ar": "محفوظ"}, {"en": "Summary"}, {"en": "Body"}, {"en": "Ankara", "fr": "Ankara"}]
            bare = connection.execute(text("SELECT title, summary, body, city FROM event WHERE id = 2")).one()
            assert json.loads(bare[0]) == {"en": "English only"} and bare[1:] == (None, None, None)
            assert json.loads(connection.execute(text("SELECT institution FROM focal_point")).scalar()) == {
                "en": "Office", "fr": "Bureau"}
            inspector = inspect(connection)
            columns = {column["name"]: column for column in inspector.get_columns("event")}
            assert not any(name.endswith(("_en", "_ar", "_fr")) for name in columns)
            assert columns["title"]["nullable"] is False and columns["summary"]["nullable"] is True
            indexes = {index["name"] for index in inspector.get_indexes("event")}
            assert {"ix_event_programme_year", "ix_event_year_start", "ix_event_country", "ix_event_sector"} <= indexes
        # The later migrations keep the texts; at the latest, the models and the tables agree.
        upgrade()
        with db.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), db.metadata)
            assert not [d for d in map(str, diffs) if "'event'" in d or "focal_point" in d], diffs
        assert db.session.get(Event, 1).local("city", "ar") == LocalText("Ankara", "en")
        assert db.session.get(FocalPoint, 1).local("institution", "fr") == LocalText("Bureau")
        event = db.session.get(Event, 1)
        event.title["fa"] = "نگه‌داشته"
        db.session.commit()
        db.session.remove()

        downgrade(revision="0003")
        with db.engine.connect() as connection:
            row = connection.execute(text(
                "SELECT title_en, title_ar, title_fr, summary_en, summary_ar, city_fr FROM event WHERE id = 1")).one()
            assert tuple(row) == ("Kept", "محفوظ", None, "Summary", None, "Ankara")
            assert connection.execute(text("SELECT institution_fr FROM focal_point")).scalar() == "Bureau"
            columns = {column["name"]: column for column in inspect(connection).get_columns("event")}
            assert "title" not in columns and columns["title_en"]["nullable"] is False
        db.engine.dispose()
