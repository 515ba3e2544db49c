"""The closed lists of TROP, their labels, and their choices in the page's language (built once per language)."""

from __future__ import annotations

from functools import cache

from babel import Locale

from oicvet.choices import WORKING_LANGUAGES, language_choices, language_name
from oicvet.forms import Choices, translated_choices
from oicvet.i18n import current_language
from oicvet.i18n import lazy_gettext as _l
from oicvet.search.folding import fold

INSTITUTION_TYPES = {
    "public_tvet": _l("Public TVET institution"),
    "private_tvet": _l("Private training provider"),
    "university": _l("University or academy"),
    "government": _l("Training centre of a ministry or government agency"),
    "excellence": _l("Centre of excellence"),
    "chamber": _l("Chamber or association"),
    "company": _l("Training centre of a company"),
    "international": _l("International or regional organisation"),
}

KINDS = {
    "course": _l("Training course"),
    "workshop": _l("Workshop"),
    "seminar": _l("Seminar"),
    "study_visit": _l("Study visit"),
    "tot": _l("Training of Trainers course"),
    "webinar": _l("Webinar"),
}

MODALITIES = {
    "face_to_face": _l("Face-to-face"),
    "online": _l("Online"),
    "blended": _l("Blended"),
}

#: Units of a duration, with their plural forms (``%(num)d`` is the number).
DURATION_UNITS = ("hours", "days", "weeks", "months")

#: Languages of instruction: the site's list of working languages.
INSTRUCTION_LANGUAGES = WORKING_LANGUAGES

#: Currencies a fee may be in (ISO 4217), named by Babel in the page's language.
CURRENCIES = (
    "USD", "EUR", "GBP", "TRY", "SAR", "AED", "QAR", "KWD", "BHD", "OMR", "JOD", "EGP", "MAD", "DZD", "TND",
    "LYD", "IRR", "IQD", "PKR", "BDT", "MYR", "IDR", "BND", "KZT", "UZS", "AZN", "KGS", "TJS", "TMT", "XOF",
    "XAF", "NGN", "GMD", "GNF", "SLE", "MRU", "SDG", "SOS", "DJF", "KMF", "MVR", "AFN", "ALL", "LBP", "SYP",
    "YER", "UGX", "MZN", "GYD", "SRD",
)


def _by_name(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(pairs, key=lambda pair: fold(pair[1]))


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def currency_name(code: str, language: str | None = None) -> str:
    return _locale(language or current_language()).currencies.get(code, code)


def institution_type_choices() -> Choices:
    return translated_choices("trop: institution types", INSTITUTION_TYPES.items)


def kind_choices() -> Choices:
    return translated_choices("trop: kinds", KINDS.items)


def modality_choices() -> Choices:
    return translated_choices("trop: modalities", MODALITIES.items)


def currency_choices() -> Choices:
    return translated_choices(
        "trop: currencies", lambda: [(code, f"{code} – {currency_name(code)}") for code in CURRENCIES]
    )


__all__ = [
    "CURRENCIES", "DURATION_UNITS", "INSTITUTION_TYPES", "INSTRUCTION_LANGUAGES", "KINDS", "MODALITIES",
    "currency_choices", "currency_name", "institution_type_choices", "kind_choices", "language_choices",
    "language_name", "modality_choices",
]
