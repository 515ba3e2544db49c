"""Rich text that editors write without HTML: paragraphs, lists, links and emphasis.

Editors write light markup (a blank line between paragraphs, ``- `` or ``1. ``
at the start of a list's lines, ``*emphasis*``, ``**strong**``,
``[text](https://…)``); it is made HTML by markdown-it-py with every other
construct switched off, raw HTML included, and then sanitised by nh3 before it
is stored. Only the tags below survive, links only to the web and to e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from oicvet.i18n import lazy_gettext as _l

TAGS = {"p", "ul", "ol", "li", "a", "em", "strong", "br"}
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

#: Shown under every rich-text field.
HOW_TO_WRITE = _l(
    "Leave a blank line between paragraphs. Start lines with “- ” for a list, or “1. ” for a numbered list. "
    "Write *emphasis*, **strong** and [the words of a link](https://www.example.org)."
)

@cache
def _markdown() -> Any:
    # Imported when first needed: only a save in the staff panel uses it, and it costs a
    # tenth of a second and some memory to every process that starts.
    from markdown_it import MarkdownIt

    # Markup an editor could type by chance (a line starting with "#", an indented line,
    # "<b>") stays plain text rather than becoming a heading, code or HTML.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
        ["blockquote", "code", "fence", "heading", "lheading", "hr", "html_block", "html_inline", "image",
         "backticks"]
    )


def to_html(source: str) -> str:
    """``source`` as sanitised HTML, ready to store and show."""
    import nh3

    rendered = _markdown().render(source.replace("\r\n", "\n"))
    return nh3.clean(
        rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow", strip_comments=True,
    ).strip()


def texts_to_html(sources: Mapping[str, str] | None) -> dict[str, str]:
    """Each language's text of a field as sanitised HTML; empty texts are left out."""
    return {language: to_html(text) for language, text in (sources or {}).items() if text and text.strip()}
