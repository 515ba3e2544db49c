"""The 57 member states of the Organisation of Islamic Cooperation (ISO 3166-1 alpha-2).

Names come from CLDR through Babel, in the page's language, with the one
exception in ``NAME_OVERRIDES``.
"""

from functools import cache

OIC_MEMBER_STATES = frozenset(
    ["AF", "AL", "DZ", "AZ", "BH", "BD", "BJ", "BN", "BF", "CM", "TD", "KM", "CI", "DJ", "EG", "GA", "GM", "GN", "GW", "GY", "ID", "IR", "IQ", "JO", "KZ", "KW", "KG", "LB", "LY", "MY", "MV", "ML", "MR", "MA", "MZ", "NE", "NG", "OM", "PK", "PS", "QA", "SA", "SN", "SL", "SO", "SD", "SR", "SY", "TJ", "TG", "TN", "TR", "TM", "UG", "AE", "UZ", "YE"]
)

#: Where the site names a country as the OIC does rather than as CLDR does. CLDR
#: calls PS "Palestinian Territories"; the OIC counts Palestine among its member
#: states and names it so. Languages not listed here keep CLDR's name.
NAME_OVERRIDES: dict[str, dict[str, str]] = {
    "PS": {"en": "Palestine", "ar": "فلسطين", "fr": "Palestine"},
}


#: Codes of CLDR's territories that are not countries: unions, placeholders, and codes
#: reserved for parts of a country (Ascension, the Canary Islands…).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"})


@cache
def all_countries() -> frozenset[str]:
    """Every country CLDR names (ISO 3166-1 alpha-2 codes): a venue, a nationality."""
    from babel import Locale

    return frozenset(
        code for code in Locale("en").territories if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )
