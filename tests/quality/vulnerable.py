"""A tiny site with the faults the security scan must find (``bash scripts/scan --broken``).

Never served by the portal: scripts/scan runs it, alone, on 127.0.0.1, to show
that the scan fails on a site that has these faults.
"""

from __future__ import annotations

from flask import Flask, redirect, request

app = Flask(__name__)


@app.get("/")
def home():
    response = app.make_response(
        "<!doctype html><title>Faults</title><h1>Faults</h1>"
        '<p><a href="/search?q=tea">Search</a> <a href="/go?next=/">Go</a></p>'
        '<form method="post" action="/note"><input name="note"><button>Send</button></form>'
    )
    # No HttpOnly, no Secure.
    response.set_cookie("visitor", "1")
    return response


@app.get("/search")
def search():
    # Reflected without escaping.
    return f"<!doctype html><title>Search</title><p>You searched for {request.args.get('q', '')}</p>"


@app.get("/go")
def go():
    # Goes wherever it is told.
    return redirect(request.args.get("next", "/"))


@app.post("/note")
def note():
    # No CSRF token.
    return "<!doctype html><title>Noted</title><p>Noted.</p>"
