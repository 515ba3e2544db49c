"""The 57 member states of the Organisation of Islamic Cooperation (ISO 3166-1 alpha-2).

Names are never written here: they come from CLDR through Babel, in the
page's language.
"""

OIC_MEMBER_STATES = frozenset(
    ["AF", "AL", "DZ", "AZ", "BH", "BD", "BJ", "BN", "BF", "CM", "TD", "KM", "CI", "DJ", "EG", "GA", "GM", "GN", "GW", "GY", "ID", "IR", "IQ", "JO", "KZ", "KW", "KG", "LB", "LY", "MY", "MV", "ML", "MR", "MA", "MZ", "NE", "NG", "OM", "PK", "PS", "QA", "SA", "SN", "SL", "SO", "SD", "SR", "SY", "TJ", "TG", "TN", "TR", "TM", "UG", "AE", "UZ", "YE"]
)
