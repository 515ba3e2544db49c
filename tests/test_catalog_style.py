"""Catalog style: every catalog, core and plugins, present and future, follows the glossary and the typography.

- the glossary's terms (translations/glossary.toml): an English term in a msgid finds one of its forms in
  the msgstr of that language;
- French spacing: a narrow no-break space (U+202F) before ; ? ! and inside « », a no-break space (U+00A0)
  before :, the apostrophe ’, guillemets for quotations, and no line break inside a date or an acronym;
- no Latin comma, semicolon or question mark in Arabic text;
- no "TVET" in Arabic or French text (the glossary gives التعليم والتدريب الفني والمهني and EFTP).

Catalogs are found by glob when the tests are collected, so a new plugin's or language's are checked too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from oicvet.search.folding import fold

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "translations" / "glossary.toml"
CATALOG_GLOBS = (
    "translations/*/LC_MESSAGES/*.po",
    "plugins/*/translations/*/LC_MESSAGES/*.po",
    "examples/**/translations/*/LC_MESSAGES/*.po",
)


def catalog_paths(root: Path = ROOT) -> list[Path]:
    """Every catalog under ``root``, core, plugins and examples."""
    return sorted({path for pattern in CATALOG_GLOBS for path in root.glob(pattern)})


def language_of(path: Path) -> str:
    return path.parts[-3]


def load_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def translated(catalog: Catalog) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) of each translated entry; a plural entry's forms are joined by a line break.

    An entry that is empty, fuzzy or still a copy of the English (as a new plugin's catalogs start) is
    not translated yet.
    """
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if all(strings) and strings[: len(ids)] != tuple(ids):
            yield "\n".join(ids), "\n".join(strings)


# --- Masking what is not text: placeholders, markup, URLs, e-mail addresses -------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")
MARKUP = re.compile(r"<[^<>]*>|&#?\w+;")
URL = re.compile(r"\b(?:https?|ftp|mailto):\S*|\bwww\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask(text: str, placeholder: str = "X") -> str:
    """The text with markup and URLs taken out (a space each) and placeholders as ``placeholder``.

    A placeholder stays a word, so that "%(kind)s: %(title)s" is checked like text.
    """
    text = MARKUP.sub(" ", text)
    text = URL.sub(" ", text)
    return PLACEHOLDER.sub(placeholder, text)


# --- The glossary ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Term:
    english: tuple[str, ...]
    forms: dict[str, tuple[str, ...]]

    def __str__(self) -> str:
        return self.english[0]


@cache
def glossary() -> tuple[Term, ...]:
    with GLOSSARY.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        Term(tuple(entry["en"]), {lang: tuple(forms) for lang, forms in entry.items() if lang not in {"en", "note"}})
        for entry in data["term"]
    )


_SAME = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "\u2010": "-", "\u2011": "-", "\u00a0": " ",
                       "\u202f": " ", "\u2009": " "})


def _latin(text: str) -> str:
    return text.translate(_SAME).casefold()


def _english_pattern(form: str) -> re.Pattern[str]:
    # Whole words, plural in -s/-es; "-" counts as part of a word, so "OIC" is not found in "OIC-VET".
    return re.compile(rf"(?<![\w-]){re.escape(_latin(form))}(?:s|es)?(?![\w-])")


def _french_pattern(form: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(_latin(form))}(?![\w-])")


def _turkish_pattern(form: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(_latin(form))}")


# An Arabic word may carry a conjunction, a preposition and the article: و ف، ب ل ك، ال (and لل, the
# article after ل). Folding (as in the site's search) drops short vowels and unifies hamza forms.
_ARABIC_PREFIX = r"(?:[وف]?[بلك]?(?:ال)?|[وف]?لل)"


def _arabic_word(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    stem = re.escape(fold(word))
    if stem.endswith("ه"):
        # ة (folded to ه) is written ت before a suffix: دورة, دورتها.
        stem = stem[:-1] + "[هت]"
    return rf"{_ARABIC_PREFIX}{stem}\w*"


def _arabic_pattern(form: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\s+".join(_arabic_word(word) for word in form.split()))


def _arabic(text: str) -> str:
    return fold(text.translate(_SAME))


FOR_LANGUAGE: dict[str, tuple[Callable[[str], re.Pattern[str]], Callable[[str], str]]] = {
    "fr": (_french_pattern, _latin),
    "tr": (_turkish_pattern, _latin),
    "ar": (_arabic_pattern, _arabic),
}


@cache
def _patterns(language: str) -> tuple[tuple[Term, tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]], ...]:
    make, _ = FOR_LANGUAGE[language]
    return tuple(
        (term, tuple(_english_pattern(form) for form in term.english), tuple(make(form) for form in term.forms[language]))
        for term in glossary()
        if term.forms.get(language)
    )


def terms_in(msgid: str, language: str) -> list[Term]:
    """The glossary terms of ``msgid`` that ``language`` has forms for; of two overlapping, the longer."""
    text = _latin(PLACEHOLDER.sub(" ", msgid))
    found = sorted(
        ((match.end() - match.start(), match.start(), match.end(), term)
         for term, english, _ in _patterns(language) for pattern in english for match in pattern.finditer(text)),
        key=lambda hit: -hit[0],
    )
    taken: list[tuple[int, int]] = []
    terms: list[Term] = []
    for _, start, end, term in found:
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        taken.append((start, end))
        if term not in terms:
            terms.append(term)
    return terms


def glossary_misses(catalog: Catalog, language: str) -> list[str]:
    """One line per glossary term of a msgid whose translation has none of the term's forms."""
    if language not in FOR_LANGUAGE:
        return []
    _, normalise = FOR_LANGUAGE[language]
    wanted = {term: forms for term, _, forms in _patterns(language)}
    misses = []
    for msgid, msgstr in translated(catalog):
        text = normalise(msgstr)
        for term in terms_in(msgid, language):
            if not any(form.search(text) for form in wanted[term]):
                misses.append(f"{msgid!r}: {term} wants one of {list(term.forms[language])}: {msgstr!r}")
    return misses


# --- French typography -----------------------------------------------------------------------------

NNBSP, NBSP = "\u202f", "\u00a0"
_BEFORE_TALL = re.compile(r"[;?!]")
_TIME = re.compile(r"(?<=\d):(?=\d)")
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_DATE_SPACES = (
    re.compile(rf"\b(?:\d{{1,2}}|1er)(\s)(?:{_MONTHS})\b"),
    re.compile(rf"\b(?:{_MONTHS})(\s)\d{{4}}\b"),
)
# An acronym joined to another by a hyphen (OCI-EFP, SSI-CaB): the hyphen must not break the line.
_ACRONYM_HYPHEN = re.compile(r"\b[A-Z]{2,}(-)(?=[A-Z])")


def french_problems(text: str) -> list[str]:
    """What breaks the French typography of one msgstr."""
    text = mask(text)
    problems = []
    for match in _BEFORE_TALL.finditer(text):
        if text[match.start() - 1: match.start()] != NNBSP:
            problems.append(f"U+202F before {match.group()}")
    for match in re.finditer(":", text):
        if _TIME.match(text, match.start()):
            continue
        if text[match.start() - 1: match.start()] != NBSP:
            problems.append("U+00A0 before :")
    for match in re.finditer("«", text):
        if text[match.end(): match.end() + 1] != NNBSP:
            problems.append("U+202F after «")
    for match in re.finditer("»", text):
        if text[match.start() - 1: match.start()] != NNBSP:
            problems.append("U+202F before »")
    if "'" in text:
        problems.append("’ for the apostrophe")
    if re.search("[\"“”]", text):
        problems.append("« » for quotations")
    for pattern in _DATE_SPACES:
        if any(match.group(1) != NBSP for match in pattern.finditer(text)):
            problems.append("U+00A0 inside a date")
    if _ACRONYM_HYPHEN.search(text):
        problems.append("U+2011 (non-breaking hyphen) inside an acronym")
    return list(dict.fromkeys(problems))


def french_misses(catalog: Catalog) -> list[str]:
    return [
        f"{msgid!r}: {', '.join(problems)}: {msgstr!r}"
        for msgid, msgstr in translated(catalog)
        if (problems := french_problems(msgstr))
    ]


# --- Arabic punctuation ----------------------------------------------------------------------------

_LATIN_PUNCTUATION = re.compile(r"[,;?]")


def _neighbour(text: str, start: int, step: int) -> str:
    """The nearest letter from ``start`` on, going by ``step``; "" when the text ends first."""
    index = start
    while 0 <= index < len(text):
        char = text[index]
        if char.isalpha():
            return char
        index += step
    return ""


def _is_latin(char: str) -> bool:
    return bool(char) and char.isascii()


def arabic_problems(text: str) -> list[str]:
    """Latin , ; ? used in Arabic text: fine only between two digits or inside a run of Latin script."""
    # Placeholders become a space: their value may be Arabic, so they count for neither side.
    text = mask(text, " ")
    problems = []
    for match in _LATIN_PUNCTUATION.finditer(text):
        before, after = text[match.start() - 1: match.start()], text[match.end(): match.end() + 1]
        if match.group() == "," and before.isdigit() and after.isdigit():
            continue
        if _is_latin(_neighbour(text, match.start() - 1, -1)) and _is_latin(_neighbour(text, match.end(), 1)):
            continue
        excerpt = text[max(0, match.start() - 15): match.end() + 15].strip()
        problems.append(f"Latin {match.group()!r} in “{excerpt}”")
    return problems


def arabic_misses(catalog: Catalog) -> list[str]:
    return [
        f"{msgid!r}: {'; '.join(problems)}"
        for msgid, msgstr in translated(catalog)
        if (problems := arabic_problems(msgstr))
    ]


# --- TVET ------------------------------------------------------------------------------------------

_TVET = re.compile(r"\bTVET\b")


def tvet_misses(catalog: Catalog) -> list[str]:
    return [f"{msgid!r}: {msgstr!r}" for msgid, msgstr in translated(catalog) if _TVET.search(mask(msgstr))]


# --- The tests -------------------------------------------------------------------------------------

CATALOGS = catalog_paths()


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _report(path: Path, what: str, misses: list[str]) -> str:
    return f"{_ids(path)}: {len(misses)} {what}:\n" + "\n".join(misses)


def test_catalogs_are_found():
    languages = {language_of(path) for path in CATALOGS}
    assert {"ar", "fr"} <= languages
    assert any(path.is_relative_to(ROOT / "plugins") for path in CATALOGS)
    assert any(path.is_relative_to(ROOT / "examples") for path in CATALOGS)


def test_the_glossary_is_well_formed():
    terms = glossary()
    assert terms
    for term in terms:
        assert term.english and all(term.english), term
        assert set(term.forms) <= {"ar", "fr", "tr"}, term
        assert all(all(forms) for forms in term.forms.values()), term


@pytest.mark.parametrize("path", [p for p in CATALOGS if language_of(p) in FOR_LANGUAGE], ids=_ids)
def test_glossary_terms(path):
    misses = glossary_misses(load_catalog(path), language_of(path))
    assert not misses, _report(path, "entries without the glossary's term", misses)


@pytest.mark.parametrize("path", [p for p in CATALOGS if language_of(p) == "fr"], ids=_ids)
def test_french_typography(path):
    misses = french_misses(load_catalog(path))
    assert not misses, _report(path, "entries against French typography", misses)


@pytest.mark.parametrize("path", [p for p in CATALOGS if language_of(p) == "ar"], ids=_ids)
def test_no_latin_punctuation_in_arabic(path):
    misses = arabic_misses(load_catalog(path))
    assert not misses, _report(path, "entries with Latin punctuation", misses)


@pytest.mark.parametrize("path", [p for p in CATALOGS if language_of(p) in {"ar", "fr"}], ids=_ids)
def test_no_tvet_in_arabic_or_french(path):
    misses = tvet_misses(load_catalog(path))
    assert not misses, _report(path, "entries with TVET", misses)


# --- The checks themselves, on made-up entries ------------------------------------------------------


def _catalog(language: str, entries: dict[str, str]) -> Catalog:
    catalog = Catalog(locale=language)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    return catalog


def test_terms_are_found_as_words_and_the_longer_wins():
    names = {str(term) for term in terms_in("OIC-VET works with OIC member countries on TVET.", "fr")}
    assert names == {"OIC-VET", "OIC", "member countries", "TVET"}
    assert [str(t) for t in terms_in("technical and vocational education and training", "fr")] == ["TVET"]
    assert {str(t) for t in terms_in("Workshops and study visits", "fr")} == {"workshop", "study visit"}


def test_glossary_forms_allow_inflection():
    assert not glossary_misses(_catalog("fr", {"The study visit of SESRIC.": "La visite d’étude du SESRIC."}), "fr")
    assert not glossary_misses(_catalog("fr", {"OIC-VET": "OCI\u2011EFP"}), "fr")
    assert glossary_misses(_catalog("fr", {"Sector editor": "Éditeur de secteur"}), "fr")
    assert not glossary_misses(_catalog("ar", {"OIC member countries": "للدول الأعضاء في منظمة التعاون الإسلامي"}), "ar")
    assert not glossary_misses(_catalog("ar", {"Its training courses": "دوراتها التدريبية"}), "ar")
    assert glossary_misses(_catalog("ar", {"SESRIC staff": "موظفو SESRIC"}), "ar")
    assert not glossary_misses(_catalog("tr", {"OIC member countries": "İİT üye ülkelerinin"}), "tr")


def test_french_checks():
    assert not french_problems("Déjà membre\u202f? Lieu\u00a0: «\u202fAnkara\u202f»\u202f; l’OCI\u2011EFP, 9\u00a0mai\u00a02011.")
    assert not french_problems("Voir https://www.example.org/?a=1 à 10:30, %(x)s<br/>")
    assert french_problems("Déjà membre ?") == ["U+202F before ?"]
    assert french_problems("Lieu\u202f: Ankara") == ["U+00A0 before :"]
    assert french_problems("%(kind)s: %(title)s") == ["U+00A0 before :"]
    assert french_problems("l'OCI") == ["’ for the apostrophe"]
    assert french_problems("le 9 novembre 2009") == ["U+00A0 inside a date"]
    assert french_problems("l’OCI-EFP") == ["U+2011 (non-breaking hyphen) inside an acronym"]


def test_arabic_checks():
    assert not arabic_problems("في Dakar, Senegal، وفي 1,600 بكسل؛ هل %(name)s موجود؟")
    assert not arabic_problems('<a href="https://example.org/?a=1,2">رابط</a>')
    assert arabic_problems("%(city)s, %(country)s")
    assert arabic_problems("أنقرة, تركيا")
    assert arabic_problems("ما هو OIC-VET?")
