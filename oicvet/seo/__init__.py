"""The sitemap and robots.txt: how search engines find every public page in every language.

Pages are listed without being named one by one: every view that answers GET
and takes only the language (the core's pages, a plugin blueprint's pages,
pages added later) is listed by itself, and views with more arguments
(sectors, programmes, events, partners) come from the providers that their
features add. A view that is not public (behind a login, or a step of a form)
says so with :func:`unlisted`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask

#: A provider yields (endpoint, URL arguments) for each page of a view with arguments.
Provider = Callable[[], Iterable[tuple[str, dict[str, Any]]]]
View = TypeVar("View", bound=Callable[..., Any])


def unlisted(view: View) -> View:
    """Keep a view out of the sitemap: for pages behind a login, or not worth finding."""
    view.sitemap_unlisted = True  # type: ignore[attr-defined]
    return view


def add_provider(app: Flask, provider: Provider) -> None:
    """List the pages of a view that takes more than the language (``provider`` runs per request)."""
    app.extensions.setdefault("oicvet.sitemap", []).append(provider)


def init_app(app: Flask) -> None:
    from oicvet.seo.views import bp

    app.register_blueprint(bp)
