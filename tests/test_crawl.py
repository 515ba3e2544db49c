"""A crawl from the home page in each language follows every internal link: no 404, no 500."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag in ("link", "script") and (attributes.get("href") or attributes.get("src")):
            self.links.append(attributes.get("href") or attributes.get("src"))


def crawl(client, start: str, limit: int = 2000) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urlsplit(response.headers["Location"])._replace(scheme="", netloc="").geturl())
            continue
        if not response.content_type.startswith("text/html"):
            continue
        parser = LinkParser()
        parser.feed(response.get_data(as_text=True))
        for href in parser.links:
            absolute = urljoin(url, href)
            parts = urlsplit(absolute)
            if parts.netloc not in ("", "localhost"):
                continue  # links to other sites are not ours to crawl
            local = parts._replace(scheme="", netloc="", fragment="").geturl()
            if local not in seen:
                queue.append(local)
    return seen


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_crawl_finds_no_broken_link(client, lang):
    seen = crawl(client, f"/{lang}/")
    broken = {url: status for url, status in seen.items() if status >= 400}
    assert not broken, broken
    pages = [url for url in seen if url.startswith(f"/{lang}/")]
    # Every core page, 6 sectors, 30 programmes and the seeded events are reached.
    assert len(pages) >= 9 + 6 + 30 + 9
