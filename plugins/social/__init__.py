"""Social Policy: the sector plugin."""


from oicvet.plugins import Programme, SectorPlugin
from oicvet.plugins import lazy_gettext as _l

plugin = SectorPlugin(
    key="social",
    title=_l("Social Policy"),
    description=_l(
        "Capacity building for the institutions of OIC member countries that deal with poverty, "
        "social security, cities, tourism and disaster risks, and for their universities and "
        "NGOs."
    ),
    order=60,
    programmes=[
        Programme(
            slug="poverty-alleviation-programme",
            title=_l("Poverty Alleviation Programme"),
            summary=_l(
                "Capacity building for the institutions that design and carry out poverty "
                "alleviation policies in OIC member countries."
            ),
            body=_l(
                "Reducing poverty is one of the main aims of social policy in OIC member "
                "countries. This programme helps the public bodies and other institutions that "
                "work towards it to strengthen the skills of their staff.\n\n"
                "It relies on the usual tools of OIC-VET: training courses, workshops, study "
                "visits and exchanges of experts, through which member countries share what they "
                "have learned from their own efforts against poverty."
            ),
        ),
        Programme(
            slug="social-security-institutions",
            title=_l("Social Security Institutions (SSI-CaB)"),
            summary=_l(
                "SSI-CaB is the capacity-building programme for the social security institutions "
                "of OIC member countries."
            ),
            body=_l(
                "Social security institutions protect people against risks such as old age, "
                "illness, disability and the loss of work. SSI-CaB helps the institutions of OIC "
                "member countries that do this work to strengthen the skills of their staff.\n\n"
                "Within SSI-CaB, an institution with experience in a given field shares it with "
                "its counterparts in other member countries through training courses, workshops, "
                "study visits and exchanges of experts."
            ),
        ),
        Programme(
            slug="sustainable-urbanization",
            title=_l("OIC Sustainable Urbanization"),
            summary=_l(
                "Capacity building for the bodies that plan and manage towns and cities in OIC "
                "member countries, with a view to sustainable urban growth."
            ),
            body=_l(
                "As towns and cities grow, their growth has to be planned so that it serves both "
                "their people and the environment. This programme helps municipalities and other "
                "public bodies concerned with urban development in OIC member countries to "
                "strengthen the skills of their staff.\n\n"
                "It does so through training courses, workshops, study visits and exchanges of "
                "experts, in which member countries share their experience of planning and "
                "managing urban areas."
            ),
        ),
        Programme(
            slug="tourism-capacity-building",
            title=_l("OIC Tourism Capacity Building Programme"),
            summary=_l(
                "Capacity building for the tourism authorities and institutions of OIC member "
                "countries."
            ),
            body=_l(
                "Tourism creates jobs and income and brings peoples closer together. This "
                "programme helps the public bodies and other institutions that work in tourism in "
                "OIC member countries to train their staff and to improve the services they "
                "offer.\n\n"
                "Its activities follow the OIC-VET model: training courses, workshops, study "
                "visits and exchanges of experts among the tourism institutions of member "
                "countries."
            ),
        ),
        Programme(
            slug="disaster-risk-management",
            title=_l("OIC Disaster Risk Management Capacity Building Programme"),
            summary=_l(
                "A programme launched in 2015 to help the institutions of OIC member countries "
                "that deal with disasters to reduce risks and prepare for emergencies."
            ),
            body=_l(
                "Earthquakes, floods, droughts and other disasters can cost lives and set back "
                "development. The OIC Disaster Risk Management Capacity Building Programme, "
                "launched in 2015, helps the institutions of OIC member countries that are "
                "responsible for preventing and responding to disasters to strengthen the skills "
                "of their staff.\n\n"
                "It brings these institutions together for training courses, workshops, study "
                "visits and exchanges of experts, so that they can share their experience of "
                "reducing disaster risks and of responding to emergencies."
            ),
        ),
        Programme(
            slug="university-capacity-building",
            title=_l("OIC University Capacity Building Programme"),
            summary=_l(
                "Capacity building for the universities and other higher education institutions "
                "of OIC member countries."
            ),
            body=_l(
                "Universities train the professionals of tomorrow and carry out much of the "
                "research done in their countries. This programme helps the universities of OIC "
                "member countries to strengthen the skills of their academic and administrative "
                "staff and to work together.\n\n"
                "It works through training courses, workshops, study visits and exchanges of "
                "experts between universities in different member countries."
            ),
        ),
        Programme(
            slug="ngo-capacity-building",
            title=_l("OIC NGO Capacity Building Programme"),
            summary=_l(
                "Capacity building for the non-governmental organisations of OIC member "
                "countries."
            ),
            body=_l(
                "Non-governmental organisations work alongside governments in many fields, from "
                "social services to humanitarian aid. This programme helps the NGOs of OIC member "
                "countries to strengthen the skills of their staff and volunteers.\n\n"
                "Through training courses, workshops, study visits and exchanges of experts, NGOs "
                "from different member countries can learn from one another's experience."
            ),
        ),
    ],
)
