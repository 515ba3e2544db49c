"""Diplomacy: the sector plugin."""


from oicvet.plugins import Programme, SectorPlugin
from oicvet.plugins import lazy_gettext as _l

plugin = SectorPlugin(
    key="diplomacy",
    title=_l("Diplomacy"),
    description=_l(
        "Training workshops that help the junior diplomats of OIC member countries build "
        "their professional skills."
    ),
    order=10,
    programmes=[
        Programme(
            slug="diplomacy-capacity-building",
            title=_l("Diplomacy Capacity Building Programme"),
            summary=_l(
                "Training workshops for the junior diplomats of OIC member countries, where they "
                "learn side by side and from the experience of other member countries."
            ),
            body=_l(
                "The Diplomacy Capacity Building Programme is the OIC-VET programme for the "
                "diplomatic services of OIC member countries. It is aimed at junior diplomats: "
                "the young staff of ministries of foreign affairs at the start of their "
                "careers.\n\n"
                "Its main activity is the training workshop. A workshop brings together junior "
                "diplomats from several member countries to build their professional skills and "
                "to learn from the experience of colleagues serving other countries.\n\n"
                "Like the other OIC-VET programmes, it is designed and run by SESRIC, and it is "
                "one of the ways in which OIC-VET furthers cooperation among the institutions of "
                "member countries."
            ),
        ),
    ],
)
