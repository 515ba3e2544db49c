"""Text folded for search, so that spelling variants find each other.

French: accents and ligatures are dropped (école = ecole, œuvre = oeuvre).
Arabic: short vowels and other marks, tatweel and hamza forms are dropped or
unified (إسلاميّة = اسلاميه), and a word is also indexed without its article
(الجامعة is found by جامعة and the other way round).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose but Arabic readers treat as one.
_ARABIC = str.maketrans({"ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_WORD = re.compile(r"\w+")
# The article, alone or after a one-letter conjunction or preposition.
_ARTICLE = re.compile(r"^(?:ال|وال|بال|فال|كال|لل)(?=\w{2,})")
MAX_TERMS = 8


def fold(text: str) -> str:
    # NFKD splits hamza and madda from their carrier (أ = ا + hamza above), and
    # accents from Latin letters; dropping the marks leaves the bare letters.
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text.translate(_ARABIC).translate(_LIGATURES)


def _without_article(word: str) -> str:
    return _ARTICLE.sub("", word)


def index_text(*parts: str) -> str:
    """The text to index: every folded word, plus Arabic words without their article."""
    words = _WORD.findall(fold(" ".join(part for part in parts if part)))
    extra = [bare for word in words if (bare := _without_article(word)) != word]
    return " ".join(words + extra)


def query_terms(query: str) -> list[str]:
    """Folded words of a visitor's query, each to be matched as a prefix."""
    terms = [_without_article(word)[:40] for word in _WORD.findall(fold(query))]
    return list(dict.fromkeys(term for term in terms if term))[:MAX_TERMS]
