"""What is measured: the pages, their targets, and how the harness finds their URLs.

A page's URL may name things that only the demo data knows (a programme's slug,
a partner's id, a training opportunity's id); each such name is a ``Find``: a
page to read and a pattern whose first match gives the value. A feature added
later (the Roster) is one more ``Page`` line, and a ``Find`` line if its URL
needs one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # with {placeholders} filled from the Finds
    #: Least rate as a multiple of the bare Flask view, by run: "served" (the site's own
    #: caches on) and "uncached" (PAGE_CACHE=false). Through nginx, pages are measured
    #: beside a static file, without a target (nginx keeps no page).
    targets: dict[str, float] = field(default_factory=dict)


PAGES: tuple[Page, ...] = (
    Page("Home", "/en/", {"served": 0.8, "uncached": 0.30}),
    Page("Sector page", "/en/sectors/{sector}/"),
    Page("Programme page", "/en/programmes/{programme}/", {"served": 0.8, "uncached": 0.35}),
    Page("Event page", "/en/events/{event}/"),
    Page("Archive", "/en/archive/", {"served": 0.8, "uncached": 0.25}),
    Page("Archive, filtered", "/en/archive/?sector={sector}&year={year}", {"served": 0.8, "uncached": 0.25}),
    Page("Programme Summary", "/en/summary/", {"served": 0.8, "uncached": 0.30}),
    Page("Partner Search", "/en/partners/", {"uncached": 0.25}),
    Page("Partner Search, a keyword", "/en/partners/?q={keyword}", {"uncached": 0.25}),
    Page("Partner page", "/en/partners/{partner}/"),
    Page("TROP catalogue", "/en/trop/"),
    Page("TROP catalogue, filtered", "/en/trop/?sector={sector}&language=fr"),
    Page("TROP catalogue, a keyword", "/en/trop/?q={trop_keyword}"),
    Page("Training opportunity", "/en/trop/opportunities/{opportunity}/"),
    Page("Training Institutions", "/en/trop/institutions/"),
    Page("Training institution", "/en/trop/institutions/{institution}/"),
    Page("Roster of Experts", "/en/experts/"),
    Page("Roster of Experts, filtered", "/en/experts/?roster={roster}&field={expertise}"),
    Page("Roster of Experts, a keyword", "/en/experts/?q={expert_keyword}"),
    Page("Expert page", "/en/experts/{expert}/"),
)



def _longest_word(name: str) -> str:
    words = re.findall(r"\w+", html.unescape(name))
    if not words:
        raise LookupError(f"no word in the name {name!r}")
    return max(words, key=len)


@dataclass(frozen=True)
class Find:
    name: str
    source: str  # a path, which may use values found before it
    pattern: str
    pick: Callable[[str], str] = str


FINDS: tuple[Find, ...] = (
    Find("sector", "/en/", r'href="/en/sectors/([^/"]+)/"'),
    Find("programme", "/en/sectors/{sector}/", r'href="/en/programmes/([^/"]+)/"'),
    Find("event", "/en/archive/", r'href="/en/events/(\d+)/"'),
    Find("year", "/en/archive/", r'<option value="(\d{4})"'),
    Find("partner", "/en/partners/", r'href="/en/partners/(\d+)/"'),
    Find("keyword", "/en/partners/", r'href="/en/partners/\d+/"><bdi>([^<]+)</bdi>', _longest_word),
    Find("opportunity", "/en/trop/", r'href="/en/trop/opportunities/(\d+)/"'),
    # A word of the first title; a title in another language only is in a <span lang="…">.
    Find("trop_keyword", "/en/trop/", r'href="/en/trop/opportunities/\d+/">(?:<span [^>]*>)?([^<]+)',
         _longest_word),
    Find("institution", "/en/trop/institutions/", r'href="/en/trop/institutions/(\d+)/"'),
    # The first field of expertise offered ("<roster>.<field>"), and its roster: a filter that finds experts.
    Find("expertise", "/en/experts/", r'<option value="([a-z0-9-]+\.[a-z0-9_-]+)"'),
    Find("roster", "/en/experts/", r'<option value="([a-z0-9-]+)\.[a-z0-9_-]+"'),
    Find("expert", "/en/experts/", r'href="/en/experts/(\d+)/"'),
    Find("expert_keyword", "/en/experts/", r'href="/en/experts/\d+/">(?:<[^>]+>)*([^<]+)', _longest_word),
)

#: For the memory part: more distinct URLs than the page list, in every language, as real visitors ask.
#: Besides ``{lang}`` and ``{n}`` (a page number), they may name what the Finds found.
MIX_EXTRA: tuple[str, ...] = (
    "/ar/",
    "/fr/",
    "/{lang}/archive/?page={n}",
    "/{lang}/partners/?page={n}",
    "/{lang}/trop/?page={n}",
    "/{lang}/trop/?when=past&page={n}",
    "/{lang}/trop/opportunities/{opportunity}/",
    "/{lang}/trop/institutions/?page={n}",
    "/{lang}/trop/institutions/{institution}/",
    "/{lang}/experts/?page={n}",
    "/{lang}/experts/?roster={roster}&page={n}",
    "/{lang}/experts/{expert}/",
)
MIX_LANGUAGES = ("en", "ar", "fr")
MIX_PAGES_EACH = 3


def discover(fetch: Callable[[str], str]) -> dict[str, str]:
    """The value of every Find, reading each source page once with ``fetch(path) -> HTML``."""
    values: dict[str, str] = {}
    read: dict[str, str] = {}
    for find in FINDS:
        source = find.source.format(**values)
        if source not in read:
            read[source] = fetch(source)
        match = re.search(find.pattern, read[source])
        if match is None:
            raise LookupError(f"found no {find.name} on {source} (pattern {find.pattern!r}); "
                              "is the demo data loaded?")
        values[find.name] = find.pick(match.group(1))
    return values


def page_path(page: Page, values: dict[str, str]) -> str:
    return page.path.format(**{name: quote(value) for name, value in values.items()})


def mix(values: dict[str, str], partner_ids: list[str]) -> list[tuple[str, str]]:
    """The memory part's requests, ``(path, cookie)``: every page, several partners, pages of the long lists.

    Each is asked for with its own language's cookie, as a returning visitor would.
    """
    paths = [page_path(page, values) for page in PAGES]
    paths += [f"/en/partners/{partner}/" for partner in partner_ids]
    found = {name: quote(value) for name, value in values.items()}
    paths += [extra.format(**found, lang=lang, n=n) for extra in MIX_EXTRA for lang in MIX_LANGUAGES
              for n in range(1, MIX_PAGES_EACH + 1)]
    return [(path, f"lang={path.split('/')[1]}") for path in dict.fromkeys(paths)]
