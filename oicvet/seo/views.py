"""``/sitemap.xml`` and ``/robots.txt``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, render_template

from oicvet.i18n import DEFAULT_LANGUAGE, languages
from oicvet.urls import external_url

bp = Blueprint("seo", __name__)


def language_pages() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every view that answers GET with the language as its only argument, unless unlisted."""
    seen = set()
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint in seen or "GET" not in (rule.methods or ()) or rule.arguments != {"lang"}:
            continue
        seen.add(rule.endpoint)
        view = current_app.view_functions[rule.endpoint]
        if not getattr(view, "sitemap_unlisted", False):
            yield rule.endpoint, {}


def entries() -> list[dict[str, str]]:
    """One entry per page and language: its URL and the URLs of its alternates."""
    pages = list(language_pages())
    for provider in current_app.extensions.get("oicvet.sitemap", []):
        pages.extend(provider())
    found = []
    served = languages()
    for endpoint, values in pages:
        urls = {lang: external_url(endpoint, lang=lang, **values) for lang in served}
        # As in each page's head: the home page's x-default is "/", which picks the language.
        default = (external_url("root.choose_language") if endpoint == "pages.home"
                   else urls[DEFAULT_LANGUAGE])
        alternates = [*urls.items(), ("x-default", default)]
        found.extend({"loc": url, "alternates": alternates} for url in urls.values())
    return found


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    xml = render_template("seo/sitemap.xml", entries=entries())
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    text = f"User-agent: *\nDisallow:\n\nSitemap: {external_url('seo.sitemap')}\n"
    return Response(text, mimetype="text/plain")
