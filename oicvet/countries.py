"""The 57 member states of the Organisation of Islamic Cooperation (ISO 3166-1 alpha-2).

Names come from CLDR through Babel, in the page's language, with the one
exception in ``NAME_OVERRIDES``.
"""

OIC_MEMBER_STATES = frozenset(
    ["AF", "AL", "DZ", "AZ", "BH", "BD", "BJ", "BN", "BF", "CM", "TD", "KM", "CI", "DJ", "EG", "GA", "GM", "GN", "GW", "GY", "ID", "IR", "IQ", "JO", "KZ", "KW", "KG", "LB", "LY", "MY", "MV", "ML", "MR", "MA", "MZ", "NE", "NG", "OM", "PK", "PS", "QA", "SA", "SN", "SL", "SO", "SD", "SR", "SY", "TJ", "TG", "TN", "TR", "TM", "UG", "AE", "UZ", "YE"]
)

#: Where the site names a country as the OIC does rather than as CLDR does. CLDR
#: calls PS "Palestinian Territories"; the OIC counts Palestine among its member
#: states and names it so. Languages not listed here keep CLDR's name.
NAME_OVERRIDES: dict[str, dict[str, str]] = {
    "PS": {"en": "Palestine", "ar": "فلسطين", "fr": "Palestine"},
}
