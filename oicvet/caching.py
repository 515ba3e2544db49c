"""HTTP caching for anonymous pages, so a front proxy (nginx) can serve them.

A page is cacheable when the visitor has no session and the response sets
no cookie: then its HTML is the same for everyone who asks for that URL.
The ETag lets browsers and proxies revalidate with a 304.
"""

from __future__ import annotations

from flask import Flask, Response, request, session

PUBLIC_MAX_AGE = 60
#: Pages, the sitemap and robots.txt; static files carry their own long lifetime.
CACHEABLE_TYPES = {"text/html", "application/xml", "text/plain"}


def init_app(app: Flask) -> None:
    # Flask runs after_request hooks last-registered first: put this one at the
    # front of the list so that it runs after every other, and sees every cookie
    # they set (the language cookie, Flask-Login's remember cookie).
    app.after_request_funcs.setdefault(None, []).insert(0, cache_anonymous_pages)


def cache_anonymous_pages(response: Response) -> Response:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.direct_passthrough or response.mimetype not in CACHEABLE_TYPES:
        return response
    if session or session.modified or "Set-Cookie" in response.headers:
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    # After login the same URL shows the account's header: never serve the visitor's copy then.
    response.vary.add("Cookie")
    response.add_etag()
    return response.make_conditional(request)
