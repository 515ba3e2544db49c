"""Agriculture & Environment: the sector plugin."""


from oicvet.plugins import Programme, Roster, SectorPlugin
from oicvet.plugins import lazy_gettext as _l

plugin = SectorPlugin(
    key="agriculture",
    title=_l("Agriculture & Environment"),
    description=_l(
        "Capacity building for the institutions of OIC member countries that work on "
        "agriculture, cotton, the environment and water resources."
    ),
    order=20,
    programmes=[
        Programme(
            slug="agriculture-capacity-building",
            title=_l("Agriculture Capacity Building"),
            summary=_l(
                "Capacity building for the public and private institutions that serve "
                "agriculture in OIC member countries."
            ),
            body=_l(
                "Agriculture is a source of food, work and income in many OIC member countries. "
                "This programme helps the institutions that serve the sector to strengthen the "
                "skills of their staff and to learn from one another.\n\n"
                "As in the other sector programmes of OIC-VET, the means are training courses, "
                "workshops, study visits and exchanges of experts, in which an institution with "
                "experience in a field of agriculture shares it with its counterparts in other "
                "member countries."
            ),
        ),
        Programme(
            slug="cotton-training-programme",
            title=_l("Cotton Training Programme"),
            summary=_l(
                "A training programme for the cotton sector of OIC member countries, created in "
                "2006 under the OIC Cotton Action Plan."
            ),
            body=_l(
                "Cotton is an important crop for many OIC member countries. The Cotton Training "
                "Programme was created in 2006 as part of the OIC Cotton Action Plan, the "
                "framework for cooperation among member countries in this sector.\n\n"
                "The programme offers both short and long training courses, which are run with "
                "cotton centres of excellence. Through them, cotton specialists can benefit from "
                "the experience and facilities of centres outside their own country."
            ),
        ),
        Programme(
            slug="environment-capacity-building",
            title=_l("Environment Capacity Building"),
            summary=_l(
                "Capacity building for the environmental authorities and institutions of OIC "
                "member countries."
            ),
            body=_l(
                "Protecting the environment calls for skilled people in ministries, agencies and "
                "other institutions. This programme helps the environmental institutions of OIC "
                "member countries to train their staff and to share their experience with one "
                "another.\n\n"
                "It works through training courses, workshops, study visits and exchanges of "
                "experts. Specialists in the field are also invited to join SESRIC's roster of "
                "experts for environment and water, which serves its capacity-building "
                "programmes."
            ),
        ),
        Programme(
            slug="water-resources-management",
            title=_l("Water Resources Management Capacity Building"),
            summary=_l(
                "Capacity building for the institutions that manage water resources in OIC "
                "member countries."
            ),
            body=_l(
                "Managing water well matters for farming, for towns and cities and for industry. "
                "This programme helps the institutions in charge of water resources in OIC member "
                "countries to build up the skills of their staff.\n\n"
                "Training courses, workshops, study visits and exchanges of experts let these "
                "institutions learn from one another. Water specialists can also register in "
                "SESRIC's roster of experts for environment and water."
            ),
        ),
    ],
    rosters=[
        Roster(
            key="environment-water",
            title=_l("Environment and Water"),
            description=_l(
                "Specialists in the environment and in water resources who are ready to share their "
                "knowledge with the institutions of OIC member countries: as trainers, as experts on "
                "missions, or as authors of studies for the capacity-building programmes of OIC-VET."
            ),
            fields={
                "water-resources": _l("Water resources management"),
                "water-supply": _l("Drinking water supply and sanitation"),
                "wastewater": _l("Wastewater treatment and reuse"),
                "irrigation": _l("Irrigation and water for agriculture"),
                "climate": _l("Climate change adaptation"),
                "impact-assessment": _l("Environmental impact assessment"),
                "waste": _l("Solid waste management"),
                "biodiversity": _l("Biodiversity and ecosystems"),
                "land": _l("Desertification and land degradation"),
                "policy": _l("Environmental policy and law"),
            },
        ),
    ],
)
