"""What every template can use beyond Flask's and Babel's own helpers.

Only what the layout and the plugin contract need lives here; each feature
adds its own labels and helpers from its ``init_app``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, url_for
from flask.globals import _cv_app, _cv_request
from markupsafe import Markup

from oicvet.i18n import DEFAULT_LANGUAGE, babel_locale, current_language, current_translations
from oicvet.plugins.registry import get_registry

#: Links kept by the templates' ``url_for`` (each a few short strings); past it, they are made anew.
LINKS_KEPT = 8192


def sector_title(key: str) -> Any:
    plugin = get_registry().sector(key)
    return plugin.title if plugin else key


def link(endpoint: str, **values: Any) -> str:
    """Flask's ``url_for`` (the templates' one), its answers kept: a list has dozens of links.

    A path depends on the endpoint, its values, the page's language (added by
    ``i18n``) and the script root; anything else (``_external``, a relative
    endpoint, no request) is built as usual.
    """
    context = _cv_request.get(None)  # the request, without a proxy: a list page asks dozens of times
    if context is None or endpoint[:1] == "." or any(name[:1] == "_" for name in values):
        return url_for(endpoint, **values)
    links: dict[tuple[Any, ...], str] = context.app.extensions["oicvet.links"]
    lang = _cv_app.get().g.__dict__.get("lang")
    key = (endpoint, lang, context.request.script_root, *sorted(values.items()))
    try:
        url = links.get(key)
    except TypeError:  # a value that cannot be a key
        return url_for(endpoint, **values)
    if url is None:
        if len(links) >= LINKS_KEPT:
            links.clear()
        url = links[key] = url_for(endpoint, **values)
    return url


def shown_in_english(text: Any) -> bool:
    """Whether a plugin's text shows in English on this page because its catalog has no translation.

    Languages beyond the OIC's three may leave the programmes' texts to English; the page then
    marks them ``lang="en"``, so that browsers and screen readers read them as English.
    """
    language = current_language()
    msgid = getattr(text, "msgid", None)
    if language == DEFAULT_LANGUAGE or not isinstance(msgid, str):
        return False
    return not current_app.extensions["oicvet.domain"].translates(language, msgid)


def once(name: str, render: Callable[..., Any], *args: Any) -> Markup:
    """``render(*args)`` (a macro), made once per app and language, then kept.

    For the parts of a page that depend on nothing but the code, the loaded
    plugins and the language: never on the database, the visitor or the URL.
    ``name`` names the part and whatever else it depends on (a programme's slug).
    """
    kept: dict[tuple[Any, ...], Markup] = current_app.extensions.setdefault("oicvet.once", {})
    key = (name, current_language(), current_translations())
    html = kept.get(key)
    if html is None:
        html = kept[key] = Markup(render(*args))
    return html


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    assets: dict[tuple[str, str], str] = {}
    app.extensions["oicvet.links"] = {}

    def asset_url(filename: str) -> str:
        # The file is hashed once, and its URL made once per script root (every page has three).
        key = (filename, request.script_root)
        url = assets.get(key)
        if url is None:
            digest = hashlib.sha256((static / filename).read_bytes()).hexdigest()[:12]
            url = assets[key] = url_for("static", filename=filename, v=digest)
        return url

    # Each served language's code, name and direction, for the inputs of a text in every language.
    served = app.extensions["oicvet.languages"]
    languages = tuple((code, served.names[code], babel_locale(code).text_direction) for code in served.codes)

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        served_languages=lambda: languages,
        asset_url=asset_url,
        once=once,
        url_for=link,
        programme_entry=lambda slug: get_registry().programme(slug),
        sector_title=sector_title,
        shown_in_english=shown_in_english,
    )
