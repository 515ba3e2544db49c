"""The sitemap and robots.txt (the crawl-based checks are in tests/quality)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Blueprint

from oicvet.seo import unlisted

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def read_sitemap(xml: bytes) -> dict[str, dict[str, str]]:
    """{page URL: {hreflang: URL}}"""
    return {
        url.findtext("sm:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)
        }
        for url in ET.fromstring(xml).findall("sm:url", NS)
    }


def test_sitemap_lists_each_page_in_three_languages_with_alternates(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    entries = read_sitemap(response.data)
    egov = "http://localhost/ar/programmes/e-government-working-group/"
    assert entries[egov] == {
        "en": "http://localhost/en/programmes/e-government-working-group/",
        "ar": egov,
        "fr": "http://localhost/fr/programmes/e-government-working-group/",
        "x-default": "http://localhost/en/programmes/e-government-working-group/",
    }
    assert entries["http://localhost/fr/"]["x-default"] == "http://localhost/"
    assert "http://localhost/en/sectors/ict/" in entries
    assert "http://localhost/fr/contact/" in entries
    assert any("/en/events/" in url for url in entries)


def test_sitemap_follows_the_loaded_plugins(make_app):
    entries = read_sitemap(make_app(OICVET_PLUGINS=["ict"]).test_client().get("/sitemap.xml").data)
    assert "http://localhost/en/sectors/ict/" in entries
    assert "http://localhost/en/sectors/labour/" not in entries
    assert "http://localhost/en/programmes/e-government-working-group/" in entries
    assert "http://localhost/en/programmes/public-employment-services/" not in entries


def test_a_new_page_is_listed_unless_unlisted(make_app):
    extra = Blueprint("extra", __name__, url_prefix="/<lang:lang>")
    extra.add_url_rule("/found/", "found", lambda: "found")
    extra.add_url_rule("/hidden/", "hidden", unlisted(lambda: "hidden"))
    app = make_app()
    app.register_blueprint(extra)
    entries = read_sitemap(app.test_client().get("/sitemap.xml").data)
    assert "http://localhost/fr/found/" in entries
    assert not any("/hidden/" in url for url in entries)


def test_sitemap_and_robots_are_cacheable(client):
    for path in ("/sitemap.xml", "/robots.txt"):
        response = client.get(path)
        assert response.headers["Cache-Control"].startswith("public"), path
        assert response.headers.get("ETag"), path


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in response.get_data(as_text=True)
