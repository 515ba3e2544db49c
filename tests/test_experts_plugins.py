"""Rosters come from the sector plugins: the menu, the joining form and the search follow the
loaded plugins, a plugin left out hides its roster (its experts' records stay), a later plugin
brings a roster of its own, and a badly declared roster stops start-up naming its plugin."""

from __future__ import annotations

import html as htmllib
import re
import textwrap
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oicvet.accounts.models import Role
from oicvet.experts.models import Expert
from oicvet.plugins import PluginError
from oicvet.profiles.status import Status
from tests.conftest import ALL_SECTORS, FIXTURES, PASSWORD, csrf_token, log_in, unique_email
from tests.expert_helpers import ENVIRONMENT, SAFETY, create_expert, join_data, unique
from tests.panel_helpers import create_account

LANGUAGES = ("en", "ar", "fr")
TITLES = {ENVIRONMENT: "Environment and Water", SAFETY: "Occupational Safety and Health"}
#: The roster of the plugin in tests/fixtures/roster_plugin.
TEST_ROSTER = "test-roster"
WITHOUT_AGRICULTURE = [key for key in ALL_SECTORS if key != "agriculture"]


def _word() -> str:
    return unique("expert").split()[-1]


def _text(html: str) -> str:
    """The words a reader sees."""
    html = re.sub(r"</?bdi>", "", html)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _menu_entry(html: str, lang: str) -> str:
    """The "Roster of Experts" entry of the main menu: its link and its list of children."""
    found = re.search(rf'<li><a href="/{lang}/experts/">[^<]*</a><ul>(.*?)</ul></li>', html, re.S)
    assert found, "the menu has no entry for the Roster of Experts"
    return found.group(1)


def _menu_links(client: FlaskClient, lang: str) -> dict[str, str]:
    """{href: label} of the children of the roster's menu entry."""
    entry = _menu_entry(client.get(f"/{lang}/").get_data(as_text=True), lang)
    return {htmllib.unescape(href): htmllib.unescape(label)
            for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', entry)}


def _h1(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found, "the page has no heading"
    return _text(found.group(1))


def _results(html: str) -> str:
    found = re.search(r'<ul class="results">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def _found(client: FlaskClient, lang: str = "en", **query: object) -> list[str]:
    response = client.get(f"/{lang}/experts/", query_string=query)
    assert response.status_code == 200
    return [htmllib.unescape(name) for name in
            re.findall(r"<h2><a [^>]*><bdi>(.*?)</bdi>", _results(response.get_data(as_text=True)))]


def _options(html: str, name: str) -> set[str]:
    """The values a form's list or group of boxes named ``name`` offers."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return set(re.findall(r'<option[^>]*value="([^"]*)"', select.group(1)))
    return set(re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)) | \
        set(re.findall(rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html))


# The menu -----------------------------------------------------------------------------------------


def _roster_texts(app: Flask, lang: str, key: str) -> tuple[str, str]:
    """A roster's title and description, as the plugin declares them, in ``lang``."""
    from flask_babel import force_locale

    from oicvet.plugins.registry import get_registry

    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        roster = get_registry().roster(key).roster
        return str(roster.title), " ".join(str(roster.description).split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_menu_has_one_link_per_roster_and_one_to_join(app, client, lang):
    links = _menu_links(client, lang)
    for key in (ENVIRONMENT, SAFETY):
        title, description = _roster_texts(app, lang, key)
        href = f"/{lang}/experts/?roster={key}"
        assert links.get(href) == title, key
        page = client.get(href)
        assert page.status_code == 200, key
        html = page.get_data(as_text=True)
        # The page is the roster's: its heading names it, it shows its description, and the filter is set.
        assert title in _h1(html), key
        assert description in _text(html), key
        assert f'<option selected value="{key}">' in html, key
    assert f"/{lang}/experts/join" in links
    assert client.get(f"/{lang}/experts/join").status_code == 200
    # The rosters come first, in the plugins' order, then joining.
    assert list(links)[:3] == [f"/{lang}/experts/?roster={ENVIRONMENT}", f"/{lang}/experts/?roster={SAFETY}",
                               f"/{lang}/experts/join"]


def test_the_menu_names_the_rosters_in_english(client):
    links = _menu_links(client, "en")
    assert links["/en/experts/?roster=environment-water"] == "Environment and Water"
    assert links["/en/experts/?roster=occupational-safety-health"] == "Occupational Safety and Health"
    assert links["/en/experts/join"] == "Join the Roster of Experts"
    environment = client.get("/en/experts/?roster=environment-water").get_data(as_text=True)
    assert _h1(environment) == "Roster of Experts: Environment and Water"
    assert "Specialists in the environment and in water resources" in _text(environment)
    safety = client.get("/en/experts/?roster=occupational-safety-health").get_data(as_text=True)
    assert _h1(safety) == "Roster of Experts: Occupational Safety and Health"
    assert "Specialists in safety and health at work" in _text(safety)
    assert "Specialists in the environment" not in _text(safety)


# A plugin left out ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def without_agriculture(make_app) -> Flask:
    return make_app(OICVET_PLUGINS=WITHOUT_AGRICULTURE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_its_plugin_a_roster_leaves_the_menu_the_join_form_and_the_filters(without_agriculture, lang):
    client = without_agriculture.test_client()
    links = _menu_links(client, lang)
    assert f"/{lang}/experts/?roster={SAFETY}" in links
    assert not [href for href in links if ENVIRONMENT in href]
    home = client.get(f"/{lang}/").get_data(as_text=True)
    assert ENVIRONMENT not in home and "Environment and Water" not in home
    join = client.get(f"/{lang}/experts/join").get_data(as_text=True)
    assert _options(join, "rosters") == {SAFETY}
    assert f"{SAFETY}.inspection" in _options(join, "expertise")
    assert not [key for key in _options(join, "expertise") if key.startswith(ENVIRONMENT)]
    assert ENVIRONMENT not in join
    search = client.get(f"/{lang}/experts/").get_data(as_text=True)
    assert _options(search, "roster") == {"", SAFETY}
    assert f"{SAFETY}.inspection" in _options(search, "field")
    assert ENVIRONMENT not in search
    # The roster's old address shows the whole roster: nothing on it names the roster that is gone.
    gone = client.get(f"/{lang}/experts/", query_string={"roster": ENVIRONMENT})
    assert gone.status_code == 200
    html = gone.get_data(as_text=True)
    assert _h1(html) == _h1(search)
    assert _options(html, "roster") == {"", SAFETY} and "Environment and Water" not in html


def test_with_every_plugin_the_join_form_and_filters_offer_both_rosters(client):
    join = client.get("/en/experts/join").get_data(as_text=True)
    assert _options(join, "rosters") == {ENVIRONMENT, SAFETY}
    assert f"{ENVIRONMENT}.wastewater" in _options(join, "expertise")
    assert _options(client.get("/en/experts/").get_data(as_text=True), "roster") == {"", ENVIRONMENT, SAFETY}


def test_without_its_plugin_a_roster_cannot_be_joined(without_agriculture):
    client = without_agriculture.test_client()
    email = unique_email("joiner")
    token = csrf_token(client.get("/en/experts/join").get_data(as_text=True))
    response = client.post("/en/experts/join", data=join_data(token, email=email))  # the Environment roster
    assert response.status_code == 200
    assert "Please choose at least one roster." in _text(response.get_data(as_text=True))
    with without_agriculture.app_context():
        from oicvet.accounts.models import Account
        from oicvet.extensions import db

        assert db.session.scalar(db.select(Account).filter_by(email=email)) is None


def test_without_its_plugin_its_experts_are_hidden_but_kept(app, without_agriculture, make_partner):
    word = _word()
    only_environment = f"Environment only {word}"
    in_both = f"In both rosters {word}"
    _account, hidden = create_expert(app, name=only_environment, rosters=(ENVIRONMENT,),
                                     expertise=(f"{ENVIRONMENT}.wastewater",))
    _account, shared = create_expert(app, name=in_both, rosters=(ENVIRONMENT, SAFETY),
                                     expertise=(f"{ENVIRONMENT}.irrigation", f"{SAFETY}.inspection"))
    # With every plugin, both are found and shown.
    everyone = app.test_client()
    assert _found(everyone, q=word) == [only_environment, in_both]
    assert everyone.get(f"/en/experts/{hidden.id}/").status_code == 200

    client = without_agriculture.test_client()
    partner = make_partner(Status.APPROVED)
    as_partner = without_agriculture.test_client()
    assert log_in(as_partner, partner.email, PASSWORD).status_code == 302
    for lang in LANGUAGES:
        for visitor in (client, as_partner):
            assert _found(visitor, lang, q=word) == [in_both], lang
            assert visitor.get(f"/{lang}/experts/{hidden.id}/").status_code == 404, lang
            assert visitor.get(f"/{lang}/experts/{shared.id}/").status_code == 200, lang
        assert as_partner.get(f"/{lang}/experts/{hidden.id}/cv").status_code == 404, lang
    # Filtering by the roster that is gone finds nothing of it.
    assert _found(client, q=word, roster=SAFETY) == [in_both]
    assert _found(client, q=word, field=f"{ENVIRONMENT}.wastewater") == [in_both]  # a field gone: ignored

    # The expert in both rosters shows the loaded roster only, in the list and on the page.
    listing = _text(_results(client.get("/en/experts/", query_string={"q": word}).get_data(as_text=True)))
    assert "Occupational Safety and Health" in listing and "Labour inspection" in listing
    assert "Environment and Water" not in listing and "Irrigation" not in listing
    page = client.get(f"/en/experts/{shared.id}/").get_data(as_text=True)
    assert "Occupational Safety and Health" in _text(page) and "Labour inspection" in _text(page)
    assert "Environment and Water" not in page and "Irrigation" not in page and ENVIRONMENT not in page

    # The records stay, rosters and all: loading the plugin again shows them as before.
    with without_agriculture.app_context():
        from oicvet.extensions import db

        kept = db.session.get(Expert, hidden.id)
        assert kept is not None and kept.status == Status.APPROVED
        assert kept.rosters == [ENVIRONMENT] and kept.expertise == [f"{ENVIRONMENT}.wastewater"]
        assert db.session.get(Expert, shared.id).rosters == sorted([ENVIRONMENT, SAFETY])
    assert _found(everyone, q=word) == [only_environment, in_both]


def test_without_its_plugin_staff_still_reach_its_experts(without_agriculture, app):
    """Staff keep the records in hand (to withdraw or correct them) though the roster is gone."""
    _account, hidden = create_expert(app, rosters=(ENVIRONMENT,), expertise=(f"{ENVIRONMENT}.wastewater",))
    staff = without_agriculture.test_client()
    assert log_in(staff, create_account(app, Role.ADMINISTRATOR).email, PASSWORD).status_code == 302
    assert staff.get(f"/en/experts/{hidden.id}/").status_code == 200


# A later plugin ------------------------------------------------------------------------------------


@pytest.fixture
def with_test_roster(make_app, monkeypatch) -> Flask:
    """Every plugin, and one more installed as a distribution, which declares the test roster."""
    monkeypatch.syspath_prepend(str(FIXTURES / "roster_plugin"))
    return make_app()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_later_plugin_brings_its_roster_to_the_menu_the_join_form_and_the_search(with_test_roster, lang):
    client = with_test_roster.test_client()
    links = _menu_links(client, lang)
    href = f"/{lang}/experts/?roster={TEST_ROSTER}"
    assert list(links)[:4] == [f"/{lang}/experts/?roster={ENVIRONMENT}", f"/{lang}/experts/?roster={SAFETY}",
                               href, f"/{lang}/experts/join"]
    assert links[href] == "Fisheries and Aquaculture"
    page = client.get(href).get_data(as_text=True)
    assert _h1(page).endswith("Fisheries and Aquaculture")
    assert "Specialists in fisheries who exist only in the tests." in page
    join = client.get(f"/{lang}/experts/join").get_data(as_text=True)
    assert _options(join, "rosters") == {ENVIRONMENT, SAFETY, TEST_ROSTER}
    assert {f"{TEST_ROSTER}.aquaculture", f"{TEST_ROSTER}.sea-safety"} <= _options(join, "expertise")
    assert "Safety at sea" in join
    search = client.get(f"/{lang}/experts/").get_data(as_text=True)
    assert TEST_ROSTER in _options(search, "roster")
    assert f"{TEST_ROSTER}.sea-safety" in _options(search, "field")


def test_an_expert_joins_the_later_plugins_roster_and_is_found_in_it(with_test_roster, outbox):
    client = with_test_roster.test_client()
    email = unique_email("fisher")
    token = csrf_token(client.get("/en/experts/join").get_data(as_text=True))
    data = join_data(token, email=email, rosters=[TEST_ROSTER], expertise=[f"{TEST_ROSTER}.sea-safety"])
    response = client.post("/en/experts/join", data=data)
    assert response.status_code == 302, _text(response.get_data(as_text=True))[:2000]
    with with_test_roster.app_context():
        from oicvet.accounts.models import Account
        from oicvet.extensions import db

        account = db.session.scalar(db.select(Account).filter_by(email=email))
        joined = db.session.scalar(db.select(Expert).filter_by(account_id=account.id))
        assert joined.rosters == [TEST_ROSTER] and joined.expertise == [f"{TEST_ROSTER}.sea-safety"]
        assert joined.status == Status.UNCONFIRMED

    # Once approved, the roster lists the expert, and the roster's filters find them.
    word = _word()
    name = f"Fisheries Expert {word}"
    _account, expert = create_expert(with_test_roster, name=name, rosters=(TEST_ROSTER,))
    assert expert.expertise == [f"{TEST_ROSTER}.aquaculture"]
    assert _found(client, q=word) == [name]
    assert _found(client, q=word, roster=TEST_ROSTER) == [name]
    assert _found(client, q=word, field=f"{TEST_ROSTER}.aquaculture") == [name]
    assert _found(client, q=word, field=f"{TEST_ROSTER}.sea-safety") == []
    assert _found(client, q=word, roster=SAFETY) == []
    page = client.get(f"/en/experts/{expert.id}/").get_data(as_text=True)
    assert "Fisheries and Aquaculture" in page and "Aquaculture" in page


def test_without_the_later_plugin_its_roster_is_gone(app):
    _account, expert = create_expert(app, name=unique("Stranded Expert"), rosters=(TEST_ROSTER,),
                                     expertise=(f"{TEST_ROSTER}.aquaculture",))
    client = app.test_client()
    assert _found(client, q=expert.name.split()[-1]) == []
    assert client.get(f"/en/experts/{expert.id}/").status_code == 404
    assert TEST_ROSTER not in client.get("/en/experts/join").get_data(as_text=True)


# Rosters declared badly --------------------------------------------------------------------------


def _install(folder: Path, monkeypatch: pytest.MonkeyPatch, key: str, rosters: str) -> None:
    """Install a plugin ``key`` as a distribution whose ``rosters`` (Python source) are given."""
    module = f"oicvet_roster_test_{key}_{uuid.uuid4().hex[:8]}"
    (folder / module).mkdir(parents=True)
    (folder / module / "__init__.py").write_text(textwrap.dedent(f"""
        from oicvet.plugins import Programme, Roster, SectorPlugin
        from oicvet.plugins import lazy_gettext as _l

        plugin = SectorPlugin(
            key={key!r}, title=_l("A test sector"), description=_l("A test sector."), order=90,
            programmes=[Programme({key + "-programme"!r}, _l("A test"), _l("A test"), _l("A test"))],
            rosters={rosters},
        )
    """))
    dist = folder / f"{module}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[oicvet.plugins]\n{key} = {module}:plugin\n")
    monkeypatch.syspath_prepend(str(folder))


@pytest.mark.parametrize(
    ("key", "rosters", "message"),
    [
        ("waterdup", f'[Roster("{ENVIRONMENT}", _l("Water"), _l("Water"), {{"wells": _l("Wells")}})]',
         f"'waterdup' redeclares roster '{ENVIRONMENT}' of plugin 'agriculture'"),
        ("twice", '[Roster("same-roster", _l("A"), _l("A"), {"a": _l("A")}), '
                  'Roster("same-roster", _l("B"), _l("B"), {"b": _l("B")})]',
         "'twice' redeclares roster 'same-roster'"),
        ("badkey", '[Roster("Bad Roster!", _l("Bad"), _l("Bad"), {"a": _l("A")})]', "'badkey'.*'Bad Roster!'"),
        ("dotkey", '[Roster("with.dot", _l("Dot"), _l("Dot"), {"a": _l("A")})]', "'dotkey'.*'with.dot'"),
        ("emptykey", '[Roster("", _l("Empty"), _l("Empty"), {"a": _l("A")})]', "'emptykey'.*roster key ''"),
        ("nofields", '[Roster("empty-roster", _l("Empty"), _l("Empty"), {})]', "'nofields'.*'empty-roster'"),
        ("badfield", '[Roster("field-roster", _l("F"), _l("F"), {"Bad Field": _l("F")})]',
         "'badfield'.*'field-roster'.*Bad Field"),
        ("dotfield", '[Roster("dot-field", _l("F"), _l("F"), {"a.b": _l("F")})]', "'dotfield'.*'dot-field'"),
    ],
)
def test_a_badly_declared_roster_stops_start_up_naming_its_plugin(make_app, tmp_path, monkeypatch, key, rosters,
                                                                  message):
    _install(tmp_path, monkeypatch, key, rosters)
    with pytest.raises(PluginError, match=message):
        make_app()


def test_a_good_roster_in_an_installed_plugin_starts(make_app, tmp_path, monkeypatch):
    """The checks above refuse the roster, not any plugin installed this way."""
    _install(tmp_path, monkeypatch, "goodroster",
             '[Roster("good-roster", _l("Good"), _l("Good"), {"a_field": _l("A"), "b-field": _l("B")})]')
    app = make_app()
    with app.app_context():
        from oicvet.plugins.registry import get_registry

        assert get_registry().roster("good-roster").field_keys() == ("good-roster.a_field", "good-roster.b-field")
