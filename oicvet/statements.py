"""SQL statements built once per app and run with new values each time.

Building a SQLAlchemy statement costs more than running a small indexed query
on it: a page's statements are made on first use, with bind parameters for
what changes between requests, and kept for the app's life.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import current_app
from flask_sqlalchemy.pagination import Pagination

S = TypeVar("S")


def prepared(name: str, build: Callable[[], S]) -> S:
    """The statement (or clause) ``build`` makes, made once per app under ``name``.

    ``build`` may read the app (its plugins, its database's dialect), never the request.
    """
    cache: dict[str, object] = current_app.extensions.setdefault("oicvet.statements", {})
    statement = cache.get(name)
    if statement is None:
        statement = cache[name] = build()
    return statement  # type: ignore[return-value]


class Page(Pagination):
    """A page of a list, as Flask-SQLAlchemy's, from two callables.

    ``items(limit, offset)`` gives the page's items and ``count()`` the total,
    which is asked for only when this page is full: a short page tells it.
    """

    def _query_items(self) -> list[Any]:
        return list(self._query_args["fetch"](self.per_page, self._query_offset))

    def _query_count(self) -> int:
        shown = len(self.items)
        if shown < self.per_page and (shown or self.page == 1):
            return self._query_offset + shown
        return int(self._query_args["total"]())


def paginate(items: Callable[[int, int], Iterable[Any]], count: Callable[[], int], page: int, per_page: int) -> Page:
    """The ``page``-th page of ``per_page`` items; a 404 past the last page (as ``db.paginate``)."""
    return Page(page=page, per_page=per_page, max_per_page=None, error_out=True, fetch=items, total=count)
