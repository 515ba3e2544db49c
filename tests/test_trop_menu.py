"""The seed's menu of TROP ("Become a Member of TROP", "Management Panel", "Training Institutions") leads
to the feature, in every language, for visitors and members alike."""

from __future__ import annotations

import re

import pytest

from oicvet.accounts.models import Role
from tests.conftest import PASSWORD, log_in
from tests.panel_helpers import create_account
from tests.trop_helpers import create_institution

#: The menu's TROP entry and its children, as each language names them (the glossary's words).
NAMES = {
    "en": ("Training Opportunities (TROP)", "Become a Member of TROP", "Management Panel", "Training Institutions"),
    "ar": ("فرص التدريب (TROP)", "طلب العضوية في TROP", "لوحة الإدارة", "مؤسسات التدريب"),
    "fr": ("Offres de formation (TROP)", "Devenir membre de TROP", "Espace de gestion", "Établissements de formation"),
}


def _menu_links(html: str) -> dict[str, str]:
    menu = re.search(r'<nav class="site-menu".*?</nav>', html, re.S).group(0)
    return {re.sub(r"<[^>]+>", "", text).strip(): href
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', menu, re.S)}


@pytest.mark.parametrize("lang", NAMES)
def test_a_visitor_finds_the_three_entries_of_the_seed_and_each_opens(client, lang):
    links = _menu_links(client.get(f"/{lang}/").get_data(as_text=True))
    top, apply, manage, institutions = NAMES[lang]
    assert links[top] == f"/{lang}/trop/"
    assert links[apply] == f"/{lang}/trop/apply"
    assert links[manage] == f"/{lang}/trop/manage/"
    assert links[institutions] == f"/{lang}/trop/institutions/"
    for path in (links[top], links[apply], links[institutions]):
        assert client.get(path).status_code == 200, path
    # The Management Panel is for members: a visitor is asked to log in, and comes back to it.
    response = client.get(links[manage])
    assert response.status_code == 302
    assert f"/{lang}/account/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]


def test_a_member_reaches_its_management_panel_from_the_menu_and_its_account_page(app):
    account, _institution = create_institution(app)
    client = app.test_client()
    assert log_in(client, account.email, PASSWORD).status_code == 302
    links = _menu_links(client.get("/en/").get_data(as_text=True))
    assert client.get(links["Management Panel"]).status_code == 200
    page = client.get("/en/account/").get_data(as_text=True)
    assert 'href="/en/trop/manage/">TROP Management Panel</a>' in page


def test_staff_reach_training_opportunities_and_the_institutions_to_review(app):
    admin = create_account(app, Role.ADMINISTRATOR)
    client = app.test_client()
    log_in(client, admin.email, PASSWORD)
    home = client.get("/en/admin/").get_data(as_text=True)
    assert 'href="/en/admin/opportunities/"' in home
    assert 'href="/en/admin/institutions/"' in home
    assert client.get("/en/admin/opportunities/").status_code == 200
    assert client.get("/en/admin/institutions/").status_code == 200
