"""Features wire themselves: the kernel knows none of them, and each adds its own menu entries,
account-page links and labels. What a visitor, a partner and an administrator then find."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from oicvet.accounts.models import Role
from oicvet.partners.models import Status
from tests.conftest import PASSWORD, log_in

OICVET = Path(__file__).resolve().parents[1] / "oicvet"
#: What every page shares and no feature owns.
KERNEL = ["extensions", "i18n", "menu", "templating", "errors", "security", "caching", "urls", "forms",
          "countries", "plugins"]
#: Blocks that features build on (the audit log, rich text, uploads): they know no feature either.
BUILDING_BLOCKS = ["audit", "richtext", "uploads"]
FEATURES = {"pages", "programmes", "contact", "accounts", "partners", "seo", "profiles", "search", "panel", "trop",
            "experts"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("module", KERNEL + BUILDING_BLOCKS)
def test_the_kernel_imports_no_feature(module):
    target = OICVET / module
    files = sorted(target.glob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
    for path in files:
        features = {name for name in _imports(path) if name.split(".")[:2][-1] in FEATURES and
                    name.startswith("oicvet.")}
        assert not features, f"{path.name} imports {sorted(features)}: let the feature register itself"


def _menu(html: str) -> str:
    return re.search(r'<nav class="site-menu".*?</nav>', html, re.S).group(0)


def _link_texts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", html, re.S)]


def test_a_visitor_finds_registration_and_login_in_the_partners_menu(client):
    menu = _link_texts(_menu(client.get("/en/").get_data(as_text=True)))
    assert {"Partner Registration", "Partner Search", "Partner Login"} <= set(menu)
    assert "My profile" not in menu


@pytest.mark.parametrize(("lang", "my_profile", "login"), [
    ("en", "My profile", "Partner Login"),
    ("ar", "ملفي التعريفي", "دخول الشركاء"),
    ("fr", "Mon profil", "Connexion des partenaires"),
])
def test_a_partner_finds_my_profile_where_partner_login_stood(app, make_partner, lang, my_profile, login):
    partner = make_partner(Status.APPROVED)
    client = app.test_client()
    assert log_in(client, partner.account.email, PASSWORD, lang=lang).status_code == 302
    html = client.get(f"/{lang}/archive/").get_data(as_text=True)
    menu = _menu(html)
    assert f'<a href="/{lang}/partners/profile">{my_profile}</a>' in menu
    assert login not in _link_texts(menu)
    assert f"/{lang}/partners/register" not in menu  # registered already
    header = re.search(r'<nav class="account-links".*?</nav>', html, re.S).group(0)
    assert f'href="/{lang}/account/"' in header and "<bdi>Test Person</bdi>" in header


def test_my_account_is_named_in_the_header(app, make_account):
    account = make_account(Role.ADMINISTRATOR, name="Aisha Rahman")
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    header = re.search(r'<nav class="account-links".*?</nav>', client.get("/en/").get_data(as_text=True), re.S)
    assert '<a href="/en/account/">My account</a>' in header.group(0)
    # An administrator has no partner profile: neither "Partner Login" nor "My profile" in the menu.
    menu = _link_texts(_menu(client.get("/en/").get_data(as_text=True)))
    assert "Partner Login" not in menu and "My profile" not in menu and "Partner Search" in menu


def test_each_role_finds_its_pages_on_the_account_page_under_the_pages_own_names(app, make_account,
                                                                                 make_partner):
    partner = make_partner(Status.APPROVED)
    client = app.test_client()
    log_in(client, partner.account.email, PASSWORD)
    links = _link_texts(client.get("/en/account/").get_data(as_text=True).split("<main", 1)[1])
    assert {"My partner profile", "Partner Search", "Change my password", "Delete my account"} <= set(links)
    assert "Partners to review" not in links

    admin = make_account(Role.ADMINISTRATOR)
    client = app.test_client()
    log_in(client, admin.email, PASSWORD)
    page = client.get("/en/account/").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Partners to review</a>', page)
    assert link and "My partner profile" not in page
    opened = client.get(link.group(1)).get_data(as_text=True)
    assert "<h1>Partners to review</h1>" in opened  # the link and the page carry one name


def test_menu_entries_are_added_at_start_up_only(app):
    from oicvet.menu import MenuItem, add_entry

    with app.test_request_context("/en/"):
        app.jinja_env.globals["main_menu"]()  # the menu is put together on first use
        with pytest.raises(RuntimeError, match="start-up"):
            add_entry(app, 99, MenuItem("Late", "pages.home"))
