"""Pages that break the quality gates on purpose, one fault each (a test-only blueprint).

Register ``bp`` on a test app and crawl from ``/en/broken/``: the gates must
name each page and its fault. Everything else on these pages is kept valid,
so that what a gate reports is the fault the page was made for.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, request, url_for
from markupsafe import escape

from oicvet.extensions import csrf
from oicvet.seo import unlisted

bp = Blueprint("broken", __name__, url_prefix="/<lang:lang>/broken")
# The form page checks how errors are shown, not CSRF.
csrf.exempt(bp)

PAGES = {
    "image-without-alt": "An image without a text alternative",
    "invalid-html": "A duplicate id and a div inside a paragraph",
    "inline-script": "An inline script and an onclick attribute",
    "foreign-asset": "An image from another host",
    "script-error": "A script that throws and an image that is missing",
    "heavy": "A page heavier than 100 KB",
    "two-headings": "Two h1 headings, an empty title, no description",
    "tiny-link": "A link of 10 by 10 pixels",
    "no-skip-link": "No skip link, and a link without a focus ring",
    "form": "A field without a label and errors not tied to their fields",
    "same-description": "The same description in two languages",
    "needs-javascript": "Content that only JavaScript shows",
    "forgotten": "A public page left out of the sitemap",
    "moved": "A page in the sitemap that only redirects",
}

STYLE = """
.tiny { display: inline-block; inline-size: 10px; block-size: 10px; padding: 0; overflow: hidden; }
.small { font-size: 10px; padding: 0; }
.no-ring:focus, .no-ring:focus-visible { outline: none; box-shadow: none; }
"""
THROWS = 'throw new Error("broken on purpose");\n'
RENDER = """document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("main").textContent = "Shown by JavaScript only.";
});
"""


def document(title: str, body: str, head: str = "", description: str | None = "A page of the test set",
             skip_link: bool = True, lang: str = "en") -> str:
    meta = f'<meta name="description" content="{escape(description)}">' if description else ""
    skip = '<a class="skip-link" href="#main">Skip to main content</a>' if skip_link else ""
    return f"""<!doctype html>
<html lang="{lang}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{meta}
<link rel="stylesheet" href="/static/css/site.css">
<link rel="stylesheet" href="/en/broken/broken.css">
{head}
</head>
<body>
{skip}
<div class="layout"><main id="main" tabindex="-1">
{body}
</main></div>
</body>
</html>
"""


def page(name: str, body: str, **options) -> Response:
    return Response(document(PAGES[name], body, **options), mimetype="text/html")


@bp.get("/")
def index() -> Response:
    items = "".join(f'<li><a href="/en/broken/{name}/">{escape(text)}</a></li>' for name, text in PAGES.items())
    items += '<li><a href="/fr/broken/same-description/">The same description in French</a></li>'
    items += '<li><a href="/en/broken/nowhere/">A link to a page that does not exist</a></li>'
    return Response(document("Broken pages", f"<h1>Broken pages</h1><ul>{items}</ul>"), mimetype="text/html")


@bp.get("/broken.css")
def stylesheet() -> Response:
    return Response(STYLE, mimetype="text/css")


@bp.get("/throws.js")
def throws() -> Response:
    return Response(THROWS, mimetype="text/javascript")


@bp.get("/render.js")
def render() -> Response:
    return Response(RENDER, mimetype="text/javascript")


@bp.get("/image-without-alt/")
def image_without_alt() -> Response:
    return page("image-without-alt", '<h1>Image</h1><p><img src="/static/img/favicon.svg" width="48" height="48"></p>')


@bp.get("/invalid-html/")
def invalid_html() -> Response:
    return page("invalid-html", '<h1 id="twice">Invalid</h1><p id="twice">Text <div>a block</div></p>')


@bp.get("/inline-script/")
def inline_script() -> Response:
    body = ('<h1>Inline script</h1><script>document.title = "changed";</script>'
            '<p><button type="button" onclick="document.title = \'clicked\'">Press</button></p>')
    return page("inline-script", body)


@bp.get("/foreign-asset/")
def foreign_asset() -> Response:
    body = '<h1>Foreign asset</h1><p><img src="https://cdn.example.com/logo.png" alt="Logo" width="48" height="48"></p>'
    return page("foreign-asset", body)


@bp.get("/script-error/")
def script_error() -> Response:
    body = '<h1>Script error</h1><p><img src="/en/broken/missing.png" alt="Missing" width="48" height="48"></p>'
    return page("script-error", body, head='<script src="/en/broken/throws.js" defer></script>')


@bp.get("/heavy/")
def heavy() -> Response:
    paragraph = "<p>" + "This paragraph only adds weight to the page. " * 20 + "</p>\n"
    return page("heavy", "<h1>Heavy</h1>" + paragraph * 120)


@bp.get("/two-headings/")
def two_headings() -> Response:
    return Response(document(" ", "<h1>One</h1><h1>Two</h1>", description=None), mimetype="text/html")


@bp.get("/tiny-link/")
def tiny_link() -> Response:
    body = (
        '<h1>Tiny link</h1><div><a class="tiny" href="/en/broken/">Back</a></div>'
        # Small, but inside a sentence: exempt.
        '<p class="small">Read the <a class="small" href="/en/broken/">notes</a> before you start.</p>'
        # Small, and alone on its line above other words: not exempt.
        '<p class="small"><a class="small" href="/en/broken/">Alone</a><br>words on the next line</p>'
    )
    return page("tiny-link", body)


@bp.get("/no-skip-link/")
def no_skip_link() -> Response:
    body = '<h1>No skip link</h1><div><a class="no-ring" href="/en/broken/">Back to the list</a></div>'
    return page("no-skip-link", body, skip_link=False)


@bp.route("/form/", methods=["GET", "POST"])
def form() -> Response:
    sent = request.method == "POST"
    error = '<p class="error" id="name-error">Please enter your name.</p>' if sent else ""
    invalid = ' aria-invalid="true"' if sent else ""
    body = f"""<h1>Form</h1>
<form method="post" action="/en/broken/form/" novalidate>
  <div class="field">{error}<input type="text" id="name" name="name"{invalid}></div>
  <div class="field"><label for="message">Message</label><textarea id="message" name="message"></textarea></div>
  <fieldset{' aria-describedby="topics-error"' if sent else ""}><legend>Topics</legend>
    {'<p class="error" id="topics-error">Please choose a topic.</p>' if sent else ""}
    <label><input type="checkbox" name="topic" value="a"> Training</label>
    <label><input type="checkbox" name="topic" value="b"> Research</label>
  </fieldset>
  <div class="actions"><button type="submit">Send</button></div>
</form>"""
    return page("form", body)


@bp.get("/same-description/")
def same_description() -> Response:
    return page("same-description", "<h1>Same description</h1><p>Text.</p>", description="One description",
                lang=g.get("lang", "en"))


@bp.get("/needs-javascript/")
def needs_javascript() -> Response:
    return Response(
        document(PAGES["needs-javascript"], "", head='<script src="/en/broken/render.js" defer></script>'),
        mimetype="text/html",
    )


@bp.get("/forgotten/")
@unlisted
def forgotten() -> Response:
    return page("forgotten", "<h1>Forgotten</h1><p>Linked, public, and yet not in the sitemap.</p>")


@bp.get("/moved/")
def moved() -> Response:
    return redirect(url_for("broken.index"))

