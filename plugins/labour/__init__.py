"""Labour & Social Security: the sector plugin."""

from datetime import date

from oicvet.plugins import Programme, Roster, SectorPlugin, SeedEvent
from oicvet.plugins import lazy_gettext as _l

plugin = SectorPlugin(
    key="labour",
    title=_l("Labour & Social Security"),
    description=_l(
        "Capacity building and a network of national institutions for safety and health at "
        "work in OIC member countries."
    ),
    order=50,
    programmes=[
        Programme(
            slug="occupational-safety-and-health-capacity-building",
            title=_l("Occupational Safety and Health Capacity Building"),
            summary=_l(
                "Capacity building for the institutions of OIC member countries that are "
                "responsible for keeping workers safe and healthy at their place of work."
            ),
            body=_l(
                "Occupational safety and health is the work of preventing accidents and illness "
                "caused by work. This programme of OIC-VET, the vocational education and training "
                "programme that SESRIC designs and runs, is meant for the ministries, inspectorates "
                "and specialised institutes of OIC member countries that carry out this work.\n\n"
                "It aims to strengthen the skills of their staff and to let them learn from the "
                "experience of other member countries, through the usual means of OIC-VET: "
                "training courses, Training-of-Trainers courses, workshops, study visits and "
                "exchanges of experts.\n\n"
                "Specialists in the field can offer their knowledge to the programme by "
                "registering in the OIC-VET Roster of Experts, which keeps a list of its own for "
                "occupational safety and health."
            ),
        ),
        Programme(
            slug="occupational-safety-and-health-network",
            title=_l("Occupational Safety and Health Network"),
            summary=_l(
                "OIC-OSHNET, the network that links the national occupational safety and health "
                "institutions of OIC member countries; it was launched in Ankara on 16\u201317 May "
                "2011."
            ),
            body=_l(
                "OIC-OSHNET is one of the transnational networks of OIC-VET. It connects the "
                "national institutions that deal with occupational safety and health in OIC "
                "member countries, so that they can stay in touch, exchange information and "
                "experience, and work together.\n\n"
                "The network was launched in Ankara on 16 and 17 May 2011. It complements the "
                "Occupational Safety and Health Capacity Building programme, which trains the "
                "staff of the same kind of institutions."
            ),
        ),
    ],
    events=[
        SeedEvent(
            key="oshnet-launch-2011",
            programme="occupational-safety-and-health-network",
            kind="launch",
            title=_l("Launch of the OIC Occupational Safety and Health Network (OIC-OSHNET)"),
            year=2011,
            start=date(2011, 5, 16),
            end=date(2011, 5, 17),
            city=_l("Ankara"),
            country="TR",
            summary=_l(
                "OIC-OSHNET, the network of national occupational safety and health institutions "
                "of OIC member countries, was launched in Ankara."
            ),
            body=_l(
                "The OIC Occupational Safety and Health Network (OIC-OSHNET) was launched in "
                "Ankara on 16 and 17 May 2011. The network links the national occupational safety "
                "and health institutions of OIC member countries and is one of the transnational "
                "networks of OIC-VET."
            ),
        ),
    ],
    rosters=[
        Roster(
            key="occupational-safety-health",
            title=_l("Occupational Safety and Health"),
            description=_l(
                "Specialists in safety and health at work who are ready to share their knowledge with the "
                "institutions of OIC member countries: as trainers, as experts on missions, or as authors of "
                "studies for the capacity-building programmes of OIC-VET."
            ),
            fields={
                "risk-assessment": _l("Risk assessment and prevention"),
                "inspection": _l("Labour inspection"),
                "occupational-health": _l("Occupational health and medicine"),
                "hygiene": _l("Industrial hygiene"),
                "chemicals": _l("Chemical safety"),
                "construction": _l("Safety in construction"),
                "mining": _l("Safety in mining"),
                "ergonomics": _l("Ergonomics"),
                "management-systems": _l("Safety and health management systems"),
                "accidents": _l("Accident investigation and statistics"),
                "emergency": _l("Fire safety and emergency preparedness"),
            },
        ),
    ],
)
