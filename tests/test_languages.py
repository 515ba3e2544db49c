"""Languages: the URL prefix, the redirect from "/", alternates, catalogs, plurals, formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(ROOT.glob("translations/*/LC_MESSAGES/*.po")) + sorted(
    ROOT.glob("plugins/*/translations/*/LC_MESSAGES/*.po")
)


def test_root_redirects_by_cookie_then_accept_language_then_english(client):
    assert client.get("/").headers["Location"].endswith("/en/")
    assert client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).headers["Location"].endswith("/fr/")
    assert client.get("/", headers={"Accept-Language": "de, ar;q=0.5"}).headers["Location"].endswith("/ar/")
    client.set_cookie("lang", "ar")
    response = client.get("/", headers={"Accept-Language": "fr"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/ar/")
    assert "Accept-Language" in response.headers["Vary"]


def test_reading_a_page_remembers_its_language(client):
    client.get("/fr/about/")
    assert client.get("/").headers["Location"].endswith("/fr/")


@pytest.mark.parametrize("lang,direction", [("en", "ltr"), ("ar", "rtl"), ("fr", "ltr")])
def test_html_lang_and_dir(client, lang, direction):
    html = client.get(f"/{lang}/about/").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html


def test_alternates_and_switcher_keep_the_page_and_query(client):
    html = client.get("/ar/programmes/e-government-working-group/?year=2009").get_data(as_text=True)
    for lang in ("en", "ar", "fr"):
        assert (f'<link rel="alternate" hreflang="{lang}" '
                f'href="http://localhost/{lang}/programmes/e-government-working-group/?year=2009">') in html
        assert f'href="/{lang}/programmes/e-government-working-group/?year=2009" lang="{lang}"' in html
    assert ('hreflang="x-default" href="http://localhost/en/programmes/e-government-working-group/?year=2009"'
            in html)
    home = client.get("/fr/").get_data(as_text=True)
    assert 'hreflang="x-default" href="http://localhost/"' in home


def test_layout_strings_are_translated(client):
    assert "انتقل إلى المحتوى الرئيسي" in client.get("/ar/").get_data(as_text=True)
    assert "Aller au contenu principal" in client.get("/fr/").get_data(as_text=True)


def content_msgids(app) -> set[str]:
    """The programmes' texts and the seed events, which a language outside FULL_CATALOG_LANGUAGES may
    leave to English (the pages mark them as English)."""
    from oicvet.plugins.testing import content_msgids as of_plugin
    from oicvet.seed import CORE_EVENTS

    found = {msgid for event in CORE_EVENTS for text in (event.title, event.city, event.summary, event.body)
             if isinstance(msgid := getattr(text, "msgid", None), str)}
    for plugin in app.extensions["oicvet.plugins"]:
        found |= of_plugin(plugin)
    return found


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete(path, app):
    from oicvet.plugins.testing import FULL_CATALOG_LANGUAGES

    with path.open("rb") as handle:
        catalog = read_po(handle)
    language = path.parts[-3]
    may_fall_back = set() if language in FULL_CATALOG_LANGUAGES else content_msgids(app)
    if language == "ar":
        assert catalog.num_plurals == 6, "Arabic needs its six plural forms"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not any(strings) and message.id in may_fall_back:
            continue
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
            continue
        try:
            python_format(catalog, message)
        except Exception as error:  # TranslationError from Babel's checker
            problems.append(f"placeholders: {message.id!r}: {error}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[0]))
        for string in strings:
            if set(re.findall(r"%\(\w+\)[sd]", string)) - wanted:
                problems.append(f"unknown placeholder in {message.id!r}")
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    assert not problems, "\n".join(problems)


def test_every_plugin_and_the_core_have_arabic_and_french_catalogs(app):
    assert (ROOT / "translations/ar/LC_MESSAGES/messages.po").is_file()
    assert (ROOT / "translations/fr/LC_MESSAGES/messages.po").is_file()
    for plugin in app.extensions["oicvet.plugins"]:
        for lang in ("ar", "fr"):
            assert (plugin.translations_dir / lang / "LC_MESSAGES" / f"{plugin.key}.po").is_file()


# What a reader of Arabic expects for each count (zero, one, two, few, many, other).
ARABIC_PROGRAMMES = {
    0: "لا برامج",
    1: "برنامج واحد",
    2: "برنامجان",
    3: "3 برامج",
    11: "11 برنامجًا",
    100: "100 برنامج",
    101: "101 برنامج",
}


def test_arabic_has_six_plural_forms(app):
    with app.test_request_context("/ar/"), force_locale("ar"):
        for count, expected in ARABIC_PROGRAMMES.items():
            assert ngettext("%(num)d programme", "%(num)d programmes", count) == expected, count
    assert len(set(ARABIC_PROGRAMMES.values())) == 7


# A limit set in the code ("Up to %(num)d characters.") reads right in Arabic whatever the number.
ARABIC_LIMITS = {
    1: "حرف واحد على الأكثر.",
    2: "حرفان على الأكثر.",
    3: "3 أحرف على الأكثر.",
    11: "11 حرفًا على الأكثر.",
    128: "128 حرفًا على الأكثر.",
    500: "500 حرف على الأكثر.",
    2000: "2000 حرف على الأكثر.",
}


def test_arabic_limits_read_right_for_any_number(app):
    from oicvet.i18n import lazy_ngettext

    with app.test_request_context("/ar/"), force_locale("ar"):
        for count, expected in ARABIC_LIMITS.items():
            assert str(lazy_ngettext("Up to %(num)d character.", "Up to %(num)d characters.", count)) == expected
    with app.test_request_context("/fr/"), force_locale("fr"):
        assert str(lazy_ngettext("Up to %(num)d character.", "Up to %(num)d characters.", 1)) == "Jusqu’à 1 caractère."
        assert str(lazy_ngettext("Up to %(num)d character.", "Up to %(num)d characters.", 2000)) == (
            "Jusqu’à 2000 caractères."
        )


def test_all_arabic_catalogs_share_one_plural_rule():
    rules = set()
    for path in CATALOGS:
        if path.parts[-3] == "ar":
            with path.open("rb") as handle:
                rules.add(read_po(handle).plural_forms)
    assert len(rules) == 1, rules


def test_french_plurals(app):
    with app.test_request_context("/fr/"), force_locale("fr"):
        assert ngettext("%(num)d programme", "%(num)d programmes", 0) == "0 programme"
        assert ngettext("%(num)d programme", "%(num)d programmes", 1) == "1 programme"
        for count in (2, 3, 11, 100, 101):
            assert ngettext("%(num)d programme", "%(num)d programmes", count) == f"{count} programmes"


def test_numbers_dates_and_countries_follow_the_page(client):
    fr = client.get("/fr/committee/").get_data(as_text=True)
    assert "13\u00a0mai\u00a02009" in fr and "Turquie" in fr
    ar = client.get("/ar/committee/").get_data(as_text=True)
    assert "مايو" in ar and "إيران" in ar


def test_a_date_never_breaks_across_lines():
    from datetime import date

    from oicvet.i18n import date_range, long_date

    # No-break spaces inside each date ("9 / novembre" was seen split); a range may break at its dash.
    assert long_date(date(2011, 11, 9), "fr") == "9\u00a0novembre\u00a02011"
    assert long_date(date(2011, 11, 9), "ar") == "9\u00a0نوفمبر\u00a02011"
    assert date_range(date(2011, 7, 5), date(2011, 8, 6), "fr") == "5\u00a0juillet – 6\u00a0août\u00a02011"
    assert date_range(date(2011, 7, 5), date(2011, 7, 6), "en") == "5–6\u00a0July\u00a02011"
    assert date_range(date(2010, 7, 5), date(2011, 8, 6), "en") == "5\u00a0July\u00a02010 – 6\u00a0August\u00a02011"


def _domains():
    yield "messages", ROOT / "oicvet", ROOT / "translations"
    for package in sorted((ROOT / "plugins").iterdir()):
        if (package / "__init__.py").is_file():
            yield package.name, package, package / "translations"


@pytest.mark.parametrize("domain,source,catalogs", list(_domains()), ids=lambda v: str(v)[-20:])
def test_every_string_in_the_code_is_in_the_catalogs(domain, source, catalogs):
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_ngettext": (1, 2)}
    found = {message[2] for message in extract_from_dir(str(source), method_map, options_map, keywords)}
    for lang in ("ar", "fr"):
        with (catalogs / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
            catalog = read_po(handle)
        known = {message.id for message in catalog if message.id}
        missing = {m if isinstance(m, str) else m[0] for m in found} - {
            k if isinstance(k, str) else k[0] for k in known
        }
        assert not missing, f"{lang}: not in the catalog (run `flask translate update`): {sorted(missing)}"
