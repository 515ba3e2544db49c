"""Economy, Finance & Trade: the sector plugin."""

from datetime import date

from oicvet.plugins import Programme, SectorPlugin, SeedEvent
from oicvet.plugins import lazy_gettext as _l

plugin = SectorPlugin(
    key="economy",
    title=_l("Economy, Finance & Trade"),
    description=_l(
        "Capacity building for the central banks, stock exchanges, competition and treasury "
        "authorities, trade officials, employment and training bodies and health ministries "
        "of OIC member countries."
    ),
    order=30,
    programmes=[
        Programme(
            slug="central-banks",
            title=_l("Central Banks"),
            summary=_l(
                "Capacity building for the central banks and monetary authorities of OIC member "
                "countries, so that they can share know-how and train their staff together."
            ),
            body=_l(
                "This programme brings the central banks and monetary authorities of OIC member "
                "countries into OIC-VET, the vocational education and training programme that "
                "SESRIC designs and runs. Its purpose is to help these institutions learn from one "
                "another and to strengthen the skills of the people who work in them.\n\n"
                "Cooperation of this kind usually takes the form of training courses, workshops, "
                "study visits and expert missions, in which a central bank with experience in a "
                "given field shares it with its counterparts in other member countries."
            ),
        ),
        Programme(
            slug="stock-exchanges",
            title=_l("Stock Exchanges"),
            summary=_l(
                "Capacity building for the stock exchanges of OIC member countries, through the "
                "sharing of experience and joint training of their staff."
            ),
            body=_l(
                "Stock exchanges have a central part in raising capital and in the growth of "
                "financial markets. This programme gives the exchanges of OIC member countries a "
                "framework in which to compare their practices and to train their staff "
                "together.\n\n"
                "Within OIC-VET such cooperation is organised through training courses, workshops, "
                "study visits and exchanges of experts, with one member country's exchange passing "
                "on its know-how to others."
            ),
        ),
        Programme(
            slug="competition-authorities",
            title=_l("Competition Authorities"),
            summary=_l(
                "Capacity building for the competition authorities of OIC member countries, which "
                "enforce the rules that keep markets open and fair."
            ),
            body=_l(
                "Competition authorities watch over markets so that firms compete on fair terms and "
                "consumers benefit. This programme helps the authorities of OIC member countries "
                "build up the knowledge and skills that this work calls for.\n\n"
                "It relies on the usual means of OIC-VET: training courses, workshops, study visits "
                "and exchanges of experts, through which authorities share their experience of "
                "competition law and its enforcement with their counterparts."
            ),
        ),
        Programme(
            slug="treasury-capacity-building",
            title=_l("Treasury Capacity Building"),
            summary=_l(
                "Capacity building for the treasuries and public finance administrations of OIC "
                "member countries."
            ),
            body=_l(
                "A treasury manages the public money of the state: its receipts and payments, its "
                "cash and its debt. This programme supports the treasury administrations of OIC "
                "member countries in strengthening the skills of their staff.\n\n"
                "Like the other OIC-VET programmes, it works through training courses, workshops, "
                "study visits and exchanges of experts among the institutions of the member "
                "countries."
            ),
        ),
        Programme(
            slug="multilateral-trading-systems",
            title=_l("Multilateral Trading Systems Capacity Building"),
            summary=_l(
                "Capacity building for the officials and institutions of OIC member countries that "
                "deal with the multilateral trading system."
            ),
            body=_l(
                "The rules of the multilateral trading system shape the trade of every country. "
                "This programme aims to strengthen the capacity of officials and institutions of "
                "OIC member countries to understand these rules, to take part in trade "
                "negotiations and to apply the agreements they make.\n\n"
                "Training courses, workshops, study visits and exchanges of experts are the means "
                "by which the member countries' institutions share what they know on these "
                "questions."
            ),
        ),
        Programme(
            slug="ismek-master-trainer-programme",
            title=_l("ISMEK Master Trainer Programme"),
            summary=_l(
                "Free intensive courses for VET managers and master trainers of OIC member "
                "countries, run with the vocational training centres of the Istanbul municipality "
                "(ISMEK)."
            ),
            body=_l(
                "ISMEK is the name of the vocational training centres of the Istanbul "
                "municipality. Together with these centres, OIC-VET offers free, intensive courses "
                "to managers of vocational education and training and to master trainers from OIC "
                "member countries.\n\n"
                "The participants learn from the experience of the ISMEK centres. As master "
                "trainers, they are meant to pass on what they have learnt to other trainers in "
                "their own countries."
            ),
        ),
        Programme(
            slug="international-student-internship-programme",
            title=_l("International Student Internship Programme"),
            summary=_l(
                "OIC-ISIP offers international internships to students of OIC member countries; "
                "it was first run as a pilot in summer 2010."
            ),
            body=_l(
                "The International Student Internship Programme (OIC-ISIP) gives students of OIC "
                "member countries the chance to gain work experience through international "
                "internships. It serves one of the aims of OIC-VET: the exchange of "
                "people and placements in enterprises.\n\n"
                "An internship lets students link what they learn in their studies with practice "
                "at work. OIC-ISIP was tried out for the first time as a pilot in summer 2010."
            ),
        ),
        Programme(
            slug="skill-development-for-youth-employment",
            title=_l("Skill Development for Youth Employment"),
            summary=_l(
                "SDYE helps OIC member countries give young people the skills that lead to work; "
                "it started with a study visit in Ankara in January 2012."
            ),
            body=_l(
                "Skill Development for Youth Employment (SDYE) addresses the distance between the "
                "skills young people acquire and the skills employers look for. The programme lets "
                "institutions of OIC member countries share their policies and their experience in "
                "preparing young people for work.\n\n"
                "SDYE began with a study visit held in Ankara from 11 to 13 January 2012."
            ),
        ),
        Programme(
            slug="public-employment-services",
            title=_l("Public Employment Services"),
            summary=_l(
                "PES-CaB, launched in 2014, builds the capacity of the public employment services "
                "of OIC member countries together with the OIC network of these services."
            ),
            body=_l(
                "Public employment services help jobseekers find work and employers find staff. "
                "The capacity-building programme for public employment services (PES-CaB) supports "
                "these services in OIC member countries in improving what they offer.\n\n"
                "PES-CaB was launched in 2014 together with the OIC network of public employment "
                "services, which links the services of the member countries."
            ),
        ),
        Programme(
            slug="ibnsina-health-capacity-building",
            title=_l("IbnSina Health Capacity Building"),
            summary=_l(
                "Since 2010, the IbnSina programme has offered training courses, workshops and "
                "study visits to the ministries of health of OIC member countries."
            ),
            body=_l(
                "The IbnSina Health Capacity Building Programme aims to strengthen health systems "
                "in OIC member countries by building the capacity of their ministries of health and "
                "of the people who work in them.\n\n"
                "Since it began in 2010, IbnSina has brought health institutions together through "
                "training courses, workshops and study visits, so that member countries can learn "
                "from each other's experience."
            ),
        ),
        Programme(
            slug="tobacco-free-oic",
            title=_l("Tobacco Free OIC"),
            summary=_l(
                "Capacity building that helps OIC member countries prepare and carry out national "
                "tobacco-control strategies."
            ),
            body=_l(
                "Tobacco use is a leading cause of preventable disease and death. Tobacco Free OIC "
                "supports OIC member countries in building the capacity they need to design and "
                "implement national strategies for tobacco control.\n\n"
                "As in other OIC-VET programmes, this work relies on training, workshops and the "
                "exchange of experience and experts among the health institutions of the member "
                "countries."
            ),
        ),
    ],
    events=[
        SeedEvent(
            key="sdye-study-visit-2012",
            programme="skill-development-for-youth-employment",
            kind="study_visit",
            title=_l("Study Visit on Skill Development for Youth Employment"),
            year=2012,
            start=date(2012, 1, 11),
            end=date(2012, 1, 13),
            city=_l("Ankara"),
            country="TR",
            summary=_l(
                "The study visit in Ankara with which the Skill Development for Youth Employment "
                "programme began."
            ),
            body=_l(
                "This study visit took place in Ankara from 11 to 13 January 2012. It was the "
                "first activity of the Skill Development for Youth Employment (SDYE) programme and "
                "marked its start."
            ),
        ),
        SeedEvent(
            key="oic-isip-pilot-2010",
            programme="international-student-internship-programme",
            kind="internship",
            title=_l("Pilot of the OIC International Student Internship Programme"),
            year=2010,
            start=None,
            end=None,
            city=None,
            country=None,
            summary=_l("The first, pilot round of internships under OIC-ISIP."),
            body=_l(
                "The OIC International Student Internship Programme (OIC-ISIP) was run for the "
                "first time as a pilot in summer 2010, offering internships to students of OIC "
                "member countries."
            ),
        ),
    ],
)
