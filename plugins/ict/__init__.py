"""Information, Communication & Transportation: the sector plugin."""

from datetime import date

from oicvet.plugins import Programme, SectorPlugin, SeedEvent
from oicvet.plugins import lazy_gettext as _l

plugin = SectorPlugin(
    key="ict",
    title=_l("Information, Communication & Transportation"),
    description=_l(
        "Capacity building in information and communication technologies, e-government, "
        "postal services, railways and civil registration for the institutions of OIC member "
        "countries."
    ),
    order=40,
    programmes=[
        Programme(
            slug="ict-capacity-building",
            title=_l("ICT Capacity Building"),
            summary=_l(
                "Capacity building for the institutions of OIC member countries that work with "
                "information and communication technologies."
            ),
            body=_l(
                "Information and communication technologies now underpin the work of "
                "administrations, businesses and schools alike. This programme of OIC-VET, the "
                "vocational education and training programme that SESRIC designs and runs, is "
                "meant for the public and private bodies of OIC member countries that build, "
                "operate or regulate these technologies.\n\n"
                "Its aim is to help these bodies strengthen the skills of their staff and learn "
                "from one another. OIC-VET pursues such aims through training courses, workshops, "
                "study visits and exchanges of experts, in which an institution with experience "
                "in a given field passes it on to its counterparts in other member countries."
            ),
        ),
        Programme(
            slug="e-government-working-group",
            title=_l("E-Government Working Group"),
            summary=_l(
                "The OIC eGovWG, a working group set up under a COMCEC resolution to help member "
                "countries set priorities, share experience, build capacity and create an OIC "
                "e-Government Portal."
            ),
            body=_l(
                "E-government means that the state relies on the Internet and on other means of "
                "communication to bring its information and services to citizens, to firms and to "
                "its own agencies. The Internet is not the only channel: some governments also "
                "serve the public by telephone and fax, or through more advanced tools such as "
                "RFID and biometric identification.\n\n"
                "The subject reached the OIC agenda through COMCEC. In 2007 SESRIC sent out a "
                "questionnaire on themes for COMCEC\u2019s exchange-of-views sessions, and "
                "\u201ce-government applications\u201d came out among the priorities. The 24th "
                "Follow-up Committee of COMCEC then placed \u201ce-government applications and "
                "their economic impact on the OIC Member Countries\u201d on the agenda of the "
                "24th Session of COMCEC.\n\n"
                "Resolution No. 68, adopted at the 25th Session of COMCEC, led to two steps. "
                "SESRIC co-organised the International Conference on eGovernment: Sharing "
                "Experiences (eGOVsharE2009) in 2009, and the OIC E-Government Working Group "
                "(eGovWG) was formed to work on four areas: setting priorities, sharing "
                "experience, building capacity and establishing an OIC e-Government Portal.\n\n"
                "The Working Group met for the first time in Ankara on 5 and 6 July 2011. The "
                "meeting looked at the group\u2019s main activities and roles, and at the fields "
                "in which it can help member countries cooperate to improve their e-government "
                "systems."
            ),
        ),
        Programme(
            slug="postal-services-capacity-building",
            title=_l("Postal Services Capacity Building Programme"),
            summary=_l(
                "Capacity building for the postal administrations and operators of OIC member "
                "countries."
            ),
            body=_l(
                "Postal services carry letters, parcels and, in many countries, payments and other "
                "public services to every town and village. This programme of OIC-VET is meant "
                "for the postal administrations and operators of OIC member countries and for the "
                "people who work in them.\n\n"
                "Its purpose is to let these institutions share what they know and train their "
                "staff together, through the usual means of OIC-VET: training courses, "
                "workshops, study visits and exchanges of experts among member countries."
            ),
        ),
        Programme(
            slug="railway-capacity-building",
            title=_l("Railway Capacity Building"),
            summary=_l(
                "Capacity building for the railway administrations and companies of OIC member "
                "countries."
            ),
            body=_l(
                "Railways carry people and goods over long distances and connect cities, regions "
                "and neighbouring countries. This programme of OIC-VET addresses the railway "
                "administrations and companies of OIC member countries, whose work depends on "
                "skilled technical and managerial staff.\n\n"
                "Within OIC-VET, cooperation of this kind takes the form of training courses, "
                "workshops, study visits and exchanges of experts, so that a railway institution "
                "with experience in a given field can share it with its counterparts."
            ),
        ),
        Programme(
            slug="civil-registration-capacity-building",
            title=_l("Civil Registration Capacity Building"),
            summary=_l(
                "Capacity building for the civil registration authorities of OIC member "
                "countries, which record births, deaths, marriages and other vital events."
            ),
            body=_l(
                "Civil registration gives each person a legal identity and provides the "
                "records on which population figures and many public services depend. This "
                "programme of OIC-VET is meant for the authorities of OIC member countries that "
                "keep these registers.\n\n"
                "It aims to help them strengthen the skills of their staff and learn from the "
                "practice of other member countries, through training courses, workshops, study "
                "visits and exchanges of experts."
            ),
        ),
    ],
    events=[
        SeedEvent(
            key="egovwg-first-meeting-2011",
            programme="e-government-working-group",
            kind="meeting",
            title=_l("First Meeting of the OIC E-Government Working Group"),
            year=2011,
            start=date(2011, 7, 5),
            end=date(2011, 7, 6),
            city=_l("Ankara"),
            country="TR",
            summary=_l(
                "The OIC E-Government Working Group met for the first time, in Ankara, to discuss "
                "its role and the fields of its work."
            ),
            body=_l(
                "The OIC E-Government Working Group (eGovWG) held its first meeting in Ankara on "
                "5 and 6 July 2011. The meeting dealt with the main activities and roles of the "
                "group, and with the areas in which it can bring the e-government systems of OIC "
                "member countries to work together, for the benefit of all of them."
            ),
        ),
        SeedEvent(
            key="egovshare-2009",
            programme="e-government-working-group",
            kind="conference",
            title=_l("International Conference on eGovernment: Sharing Experiences (eGOVsharE2009)"),
            year=2009,
            start=None,
            end=None,
            city=None,
            country=None,
            summary=_l(
                "An international conference on the sharing of e-government experience, "
                "co-organised by SESRIC in 2009."
            ),
            body=_l(
                "SESRIC co-organised this international conference in 2009 to follow up "
                "Resolution No. 68, adopted at the 25th Session of COMCEC. The same resolution "
                "led to the creation of the OIC E-Government Working Group."
            ),
        ),
    ],
)
