"""Lists on a page (years, sectors, languages) are joined as the page's language writes them."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from oicvet.i18n import join_list, list_separator


@pytest.mark.parametrize("lang,separator", [("en", ", "), ("fr", ", "), ("tr", ", "), ("ar", "، "), ("fa", "،\u200f ")])
def test_the_separator_of_each_language(lang, separator):
    assert list_separator(lang) == separator


def test_a_list_has_no_and_before_its_last_item():
    # Babel's format_list would write "2009، 2011 و2013" or "2009, 2011 and 2013".
    assert join_list([2009, 2011, 2013], "ar") == "2009، 2011، 2013"
    assert join_list([2009, 2011, 2013], "en") == "2009, 2011, 2013"
    assert join_list([], "ar") == ""


def test_markup_in_a_list_escapes_the_rest_as_jinja_join_does():
    assert join_list(["<b>", Markup("<i>x</i>")], "en") == Markup("&lt;b&gt;, <i>x</i>")
    assert join_list(["<b>", "c"], "en") == "<b>, c"  # plain text stays text; the template escapes it


def test_the_filter_and_the_separator_in_templates(app):
    with app.test_request_context("/ar/"):
        from flask import g

        g.lang = "ar"
        template = app.jinja_env.from_string(
            "{{ ['a', 'b', 'c']|join_list }}|{% for x in [1, 2] %}{{ x }}{% if not loop.last %}{{ list_separator() }}"
            "{% endif %}{% endfor %}"
        )
        assert template.render() == "a، b، c|1، 2"


def _years_cells(html: str) -> list[str]:
    # The third cell of each row of the Programme Summary: the years of the programme's events.
    return re.findall(r"<td>(\d{4}(?:[^<]*\d{4})*)</td>", html)


def test_the_programme_summary_years_in_arabic(client):
    html = client.get("/ar/summary/").get_data(as_text=True)
    lists = [cell for cell in _years_cells(html) if len(cell) > 4]
    assert lists, "the summary shows a programme with events in several years"
    for cell in lists:
        assert "، " in cell and ", " not in cell, cell
    english = client.get("/en/summary/").get_data(as_text=True)
    assert any(", " in cell for cell in _years_cells(english))


def test_a_partner_summary_in_arabic(app, make_partner):
    partner = make_partner(sectors=["labour", "ict", "economy"])
    html = app.test_client().get(f"/ar/partners/{partner.id}/").get_data(as_text=True)
    sectors = re.search(r"<dd>([^<]*)</dd>\s*<dt>[^<]*</dt><dd>[^<]*</dd>\s*</dl>", html)
    assert sectors, html
    assert sectors.group(1).count("، ") == 2 and ", " not in sectors.group(1), sectors.group(1)
