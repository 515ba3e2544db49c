"""Invented partners, events, TROP training and experts, in English, Arabic and French, to try the site at scale.

``flask demo-data --partners 100000 --events 20000`` fills a development or
benchmark database; ``--institutions`` and ``--opportunities`` (300 and 5,000
unless told) add training institutions and the training opportunities they
offer, and ``--experts`` (300 unless told) experts of the loaded rosters, whose
CV is named but not there. Everything it makes says so: partners',
institutions' and experts' names and opportunities' titles carry "(demo data)"
(in the title's language for events and opportunities), descriptions and
experts' profiles open with "Demo data", every account's
address ends in ``@demo.example.org`` (a domain reserved for examples, so nothing
is ever delivered there, that the login form accepts), and every event has a seed
key starting with ``demo-``. The command refuses a database that holds anything else (a
real account, or an event that is neither shipped nor demo) unless given
``--force``; ``flask setup`` never runs it. A run with the same ``--seed``
makes the same data again, in place of what that seed made before.

Rows go in with SQLAlchemy Core, in batches: the ORM's events do not run, so
the search text is folded here (``oicvet.search.folding``) and an
opportunity's catalogue dates are set as its model would set them; the search
index follows by itself (FTS5 triggers on SQLite, a generated column on
PostgreSQL), and the page cache is told that the content changed. All demo
accounts share one password, hashed once and printed.

The vocabulary is small on purpose, and mixed so that searches have every
kind of answer: "training", "formation" and "تدريب" are in most profiles of
their language, "TVET" in half of all profiles, and a handful of trades
(beekeeping, horlogerie, نفخ الزجاج…) in very few. Arabic is written with and
without short vowels, French with its accents.
"""

from __future__ import annotations

import inspect
import random
import re
import secrets
import string
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, func, insert, select, text

from oicvet.accounts.models import Account, AccountRole, Role
from oicvet.accounts.passwords import hash_password
from oicvet.choices import WORKING_LANGUAGES
from oicvet.countries import OIC_MEMBER_STATES
from oicvet.experts.choices import DEGREES
from oicvet.experts.choices import LEVELS as LANGUAGE_LEVELS
from oicvet.experts.models import Expert, ExpertCountry, ExpertField, ExpertLanguage, ExpertRoster
from oicvet.extensions import db
from oicvet.i18n import join_list
from oicvet.models import Event
from oicvet.partners.models import ORGANISATION_TYPES, Partner, PartnerSector, Status
from oicvet.plugins.registry import get_registry
from oicvet.search.folding import index_text
from oicvet.search.searchable import Searchable
from oicvet.trop.choices import INSTITUTION_TYPES
from oicvet.trop.models import (
    NO_DATE,
    OpportunityLanguage,
    TrainingOpportunity,
    TropInstitution,
    TropInstitutionField,
)

#: What makes a row demo data, and shows it.
DEMO_DOMAIN = "demo.example.org"
DEMO_SEED_PREFIX = "demo-"
NAME_MARKER = "(demo data)"
TITLE_MARKERS = {"en": "(demo data)", "fr": "(données de démonstration)", "ar": "(بيانات تجريبية)"}
EVENT_SUMMARY = {
    "en": "Invented for demonstration: this event never took place.",
    "fr": "Inventé pour la démonstration : cet événement n'a jamais eu lieu.",
    "ar": "حدث مختلق للعرض فقط: لم يقع هذا الحدث قط.",
}
LANGUAGES = ("en", "fr", "ar")
BATCH = 5000

# (country, {language: city}); a city of each member state, so that no partner lives abroad.
CITIES: dict[str, tuple[dict[str, str], ...]] = {
    "AF": ({"en": "Kabul", "fr": "Kaboul", "ar": "كابل"},),
    "AL": ({"en": "Tirana", "fr": "Tirana", "ar": "تيرانا"},),
    "DZ": ({"en": "Algiers", "fr": "Alger", "ar": "الجزائر"}, {"en": "Oran", "fr": "Oran", "ar": "وهران"}),
    "AZ": ({"en": "Baku", "fr": "Bakou", "ar": "باكو"},),
    "BH": ({"en": "Manama", "fr": "Manama", "ar": "المنامة"},),
    "BD": ({"en": "Dhaka", "fr": "Dacca", "ar": "دكا"}, {"en": "Chittagong", "fr": "Chittagong", "ar": "شيتاغونغ"}),
    "BJ": ({"en": "Porto-Novo", "fr": "Porto-Novo", "ar": "بورتو نوفو"}, {"en": "Cotonou", "fr": "Cotonou", "ar": "كوتونو"}),
    "BN": ({"en": "Bandar Seri Begawan", "fr": "Bandar Seri Begawan", "ar": "بندر سري بكاوان"},),
    "BF": ({"en": "Ouagadougou", "fr": "Ouagadougou", "ar": "واغادوغو"},),
    "CM": ({"en": "Yaoundé", "fr": "Yaoundé", "ar": "ياوندي"}, {"en": "Douala", "fr": "Douala", "ar": "دوالا"}),
    "TD": ({"en": "N'Djamena", "fr": "N'Djaména", "ar": "نجامينا"},),
    "KM": ({"en": "Moroni", "fr": "Moroni", "ar": "موروني"},),
    "CI": ({"en": "Abidjan", "fr": "Abidjan", "ar": "أبيدجان"}, {"en": "Yamoussoukro", "fr": "Yamoussoukro", "ar": "ياموسوكرو"}),
    "DJ": ({"en": "Djibouti", "fr": "Djibouti", "ar": "جيبوتي"},),
    "EG": ({"en": "Cairo", "fr": "Le Caire", "ar": "القاهرة"}, {"en": "Alexandria", "fr": "Alexandrie", "ar": "الإسكندرية"}),
    "GA": ({"en": "Libreville", "fr": "Libreville", "ar": "ليبرفيل"},),
    "GM": ({"en": "Banjul", "fr": "Banjul", "ar": "بانجول"},),
    "GN": ({"en": "Conakry", "fr": "Conakry", "ar": "كوناكري"},),
    "GW": ({"en": "Bissau", "fr": "Bissau", "ar": "بيساو"},),
    "GY": ({"en": "Georgetown", "fr": "Georgetown", "ar": "جورجتاون"},),
    "ID": ({"en": "Jakarta", "fr": "Jakarta", "ar": "جاكرتا"}, {"en": "Surabaya", "fr": "Surabaya", "ar": "سورابايا"}),
    "IR": ({"en": "Tehran", "fr": "Téhéran", "ar": "طهران"}, {"en": "Isfahan", "fr": "Ispahan", "ar": "أصفهان"}),
    "IQ": ({"en": "Baghdad", "fr": "Bagdad", "ar": "بغداد"}, {"en": "Basra", "fr": "Bassora", "ar": "البصرة"}),
    "JO": ({"en": "Amman", "fr": "Amman", "ar": "عمّان"},),
    "KZ": ({"en": "Astana", "fr": "Astana", "ar": "أستانا"}, {"en": "Almaty", "fr": "Almaty", "ar": "ألماتي"}),
    "KW": ({"en": "Kuwait City", "fr": "Koweït", "ar": "مدينة الكويت"},),
    "KG": ({"en": "Bishkek", "fr": "Bichkek", "ar": "بيشكك"},),
    "LB": ({"en": "Beirut", "fr": "Beyrouth", "ar": "بيروت"},),
    "LY": ({"en": "Tripoli", "fr": "Tripoli", "ar": "طرابلس"}, {"en": "Benghazi", "fr": "Benghazi", "ar": "بنغازي"}),
    "MY": ({"en": "Kuala Lumpur", "fr": "Kuala Lumpur", "ar": "كوالالمبور"}, {"en": "Penang", "fr": "Penang", "ar": "بينانغ"}),
    "MV": ({"en": "Malé", "fr": "Malé", "ar": "ماليه"},),
    "ML": ({"en": "Bamako", "fr": "Bamako", "ar": "باماكو"},),
    "MR": ({"en": "Nouakchott", "fr": "Nouakchott", "ar": "نواكشوط"},),
    "MA": ({"en": "Rabat", "fr": "Rabat", "ar": "الرباط"}, {"en": "Casablanca", "fr": "Casablanca", "ar": "الدار البيضاء"}),
    "MZ": ({"en": "Maputo", "fr": "Maputo", "ar": "مابوتو"},),
    "NE": ({"en": "Niamey", "fr": "Niamey", "ar": "نيامي"},),
    "NG": ({"en": "Abuja", "fr": "Abuja", "ar": "أبوجا"}, {"en": "Kano", "fr": "Kano", "ar": "كانو"}),
    "OM": ({"en": "Muscat", "fr": "Mascate", "ar": "مسقط"},),
    "PK": ({"en": "Islamabad", "fr": "Islamabad", "ar": "إسلام آباد"}, {"en": "Lahore", "fr": "Lahore", "ar": "لاهور"}),
    "PS": ({"en": "Ramallah", "fr": "Ramallah", "ar": "رام الله"}, {"en": "Nablus", "fr": "Naplouse", "ar": "نابلس"}),
    "QA": ({"en": "Doha", "fr": "Doha", "ar": "الدوحة"},),
    "SA": ({"en": "Riyadh", "fr": "Riyad", "ar": "الرياض"}, {"en": "Jeddah", "fr": "Djeddah", "ar": "جدة"}),
    "SN": ({"en": "Dakar", "fr": "Dakar", "ar": "داكار"}, {"en": "Saint-Louis", "fr": "Saint-Louis", "ar": "سان لويس"}),
    "SL": ({"en": "Freetown", "fr": "Freetown", "ar": "فريتاون"},),
    "SO": ({"en": "Mogadishu", "fr": "Mogadiscio", "ar": "مقديشو"},),
    "SD": ({"en": "Khartoum", "fr": "Khartoum", "ar": "الخرطوم"},),
    "SR": ({"en": "Paramaribo", "fr": "Paramaribo", "ar": "باراماريبو"},),
    "SY": ({"en": "Damascus", "fr": "Damas", "ar": "دمشق"}, {"en": "Aleppo", "fr": "Alep", "ar": "حلب"}),
    "TJ": ({"en": "Dushanbe", "fr": "Douchanbé", "ar": "دوشنبه"},),
    "TG": ({"en": "Lomé", "fr": "Lomé", "ar": "لومي"},),
    "TN": ({"en": "Tunis", "fr": "Tunis", "ar": "تونس"}, {"en": "Sfax", "fr": "Sfax", "ar": "صفاقس"}),
    "TR": ({"en": "Ankara", "fr": "Ankara", "ar": "أنقرة"}, {"en": "Istanbul", "fr": "Istanbul", "ar": "إسطنبول"}),
    "TM": ({"en": "Ashgabat", "fr": "Achgabat", "ar": "عشق آباد"},),
    "UG": ({"en": "Kampala", "fr": "Kampala", "ar": "كمبالا"},),
    "AE": ({"en": "Abu Dhabi", "fr": "Abou Dabi", "ar": "أبوظبي"}, {"en": "Dubai", "fr": "Dubaï", "ar": "دبي"}),
    "UZ": ({"en": "Tashkent", "fr": "Tachkent", "ar": "طشقند"}, {"en": "Samarkand", "fr": "Samarcande", "ar": "سمرقند"}),
    "YE": ({"en": "Sanaa", "fr": "Sanaa", "ar": "صنعاء"}, {"en": "Aden", "fr": "Aden", "ar": "عدن"}),
}

# Trades and fields, the same in each language; the weight says how often one is drawn.
FIELDS: tuple[tuple[int, dict[str, str]], ...] = (
    (40, {"en": "information technology", "fr": "de l'informatique", "ar": "المعلوماتية"}),
    (30, {"en": "tourism", "fr": "du tourisme", "ar": "السياحة"}),
    (30, {"en": "hospitality", "fr": "de l'hôtellerie", "ar": "الضيافة"}),
    (30, {"en": "agriculture", "fr": "de l'agriculture", "ar": "الزراعة"}),
    (25, {"en": "construction", "fr": "du bâtiment", "ar": "البناء"}),
    (25, {"en": "electricity", "fr": "de l'électricité", "ar": "الكهرباء"}),
    (20, {"en": "welding", "fr": "de la soudure", "ar": "اللحام"}),
    (20, {"en": "nursing", "fr": "des soins infirmiers", "ar": "التمريض"}),
    (20, {"en": "textiles", "fr": "du textile", "ar": "النسيج"}),
    (20, {"en": "logistics", "fr": "de la logistique", "ar": "اللوجستيات"}),
    (15, {"en": "renewable energy", "fr": "des énergies renouvelables", "ar": "الطاقة المتجددة"}),
    (15, {"en": "automotive repair", "fr": "de la mécanique automobile", "ar": "إصلاح السيارات"}),
    (15, {"en": "accounting", "fr": "de la comptabilité", "ar": "المحاسبة"}),
    (15, {"en": "fisheries", "fr": "de la pêche", "ar": "الصيد البحري"}),
    (10, {"en": "telecommunications", "fr": "des télécommunications", "ar": "الاتصالات"}),
    (10, {"en": "food processing", "fr": "de l'agroalimentaire", "ar": "الصناعات الغذائية"}),
    (10, {"en": "plumbing", "fr": "de la plomberie", "ar": "السباكة"}),
    (8, {"en": "carpentry", "fr": "de la menuiserie", "ar": "النجارة"}),
    (8, {"en": "railways", "fr": "des chemins de fer", "ar": "السكك الحديدية"}),
    (6, {"en": "aviation", "fr": "de l'aéronautique", "ar": "الطيران"}),
    (5, {"en": "banking", "fr": "de la banque", "ar": "المصارف"}),
    (4, {"en": "ceramics", "fr": "de la céramique", "ar": "الخزف"}),
)
#: Rare trades: each in about one profile in a thousand.
RARE = (
    {"en": "beekeeping", "fr": "de l'apiculture", "ar": "تربية النحل"},
    {"en": "watchmaking", "fr": "de l'horlogerie", "ar": "صناعة الساعات"},
    {"en": "glassblowing", "fr": "de la verrerie d'art", "ar": "نفخ الزجاج"},
    {"en": "calligraphy", "fr": "de la calligraphie", "ar": "الخط العربي"},
    {"en": "saddlery", "fr": "de la sellerie", "ar": "صناعة السروج"},
)
AREAS = (
    {"en": "teacher training", "fr": "formation des formateurs", "ar": "تدريب المدربين"},
    {"en": "occupational standards", "fr": "référentiels de métiers", "ar": "المعايير المهنية"},
    {"en": "internships", "fr": "stages en entreprise", "ar": "التدريب الميداني"},
    {"en": "curriculum development", "fr": "élaboration des programmes", "ar": "تطوير المناهج"},
    {"en": "quality assurance", "fr": "assurance qualité", "ar": "ضمان الجودة"},
    {"en": "apprenticeships", "fr": "apprentissage", "ar": "التلمذة المهنية"},
    {"en": "exchange of experts", "fr": "échange d'experts", "ar": "تبادل الخبراء"},
    {"en": "e-learning", "fr": "formation à distance", "ar": "التعلم الإلكتروني"},
    {"en": "recognition of qualifications", "fr": "reconnaissance des qualifications", "ar": "الاعتراف بالمؤهلات"},
    {"en": "green skills", "fr": "compétences vertes", "ar": "المهارات الخضراء"},
    {"en": "entrepreneurship", "fr": "entrepreneuriat", "ar": "ريادة الأعمال"},
    {"en": "career guidance", "fr": "orientation professionnelle", "ar": "التوجيه المهني"},
)
INSTITUTIONS = {
    "en": ("National Institute of", "Regional Centre for", "Technical College of", "Vocational Academy of",
           "Islamic University of", "Public Agency for", "Chamber of Commerce for", "Polytechnic School of",
           "Foundation for", "Training Network for"),
    "fr": ("Institut national", "Centre régional", "École supérieure", "Lycée professionnel", "Université islamique",
           "Agence nationale", "Chambre de commerce", "École polytechnique", "Fondation", "Réseau de formation"),
    "ar": ("المعهد الوطني", "المركز الإقليمي", "الكلية التقنية", "الأكاديمية المهنية", "الجامعة الإسلامية",
           "الهيئة العامة", "غرفة التجارة", "المدرسة المتعددة التقنيات", "المؤسسة", "شبكة التدريب"),
}
AUDIENCES = {
    "en": ("young people", "adults", "women", "job seekers", "teachers", "apprentices"),
    "fr": ("les jeunes", "les adultes", "les femmes", "les demandeurs d'emploi", "les enseignants", "les apprentis"),
    "ar": ("الشباب", "الكبار", "النساء", "الباحثين عن عمل", "المعلمين", "المتدربين"),
}
PEOPLE = {
    "en": (("Amina", "Omar", "Fatima", "Yusuf", "Aisha", "Ibrahim", "Mariam", "Hassan"),
           ("Rahman", "Okafor", "Hussain", "Aziz", "Bello", "Karimova", "Siddiqui", "Tan")),
    "fr": (("Aminata", "Moussa", "Fatou", "Ousmane", "Aïcha", "Cheikh", "Marième", "Hélène"),
           ("Diallo", "Ndiaye", "Traoré", "Benali", "Kaboré", "Touré", "Chérif", "Lefèvre")),
    "ar": (("أمينة", "عمر", "فاطمة", "يوسف", "عائشة", "إبراهيم", "مريم", "حسن"),
           ("الرحمن", "العزيز", "الحسيني", "المصري", "القاسمي", "الشريف", "البكري", "النجار")),
}
POSITIONS = {"en": ("Director", "Head of cooperation", "Programme officer"),
             "fr": ("Directrice", "Chef de la coopération", "Chargé de programme"),
             "ar": ("المدير", "رئيس قسم التعاون", "مسؤول البرامج")}
#: Arabic words as they are often written with their short vowels and shadda.
VOWELLED = {
    "التدريب": "التَّدْرِيبَ", "المهني": "المِهَنِيَّ", "المهنية": "المِهَنِيَّةُ", "الإسلامية": "الإسلاميّةُ",
    "التعليم": "التَّعْلِيمِ", "الجودة": "الجَوْدَةِ", "معايير": "مَعَايِيرَ", "الوطني": "الوَطَنِيّ",
    "نقدم": "نُقَدِّمُ", "برامجنا": "بَرَامِجُنَا", "الشباب": "الشَّبَابِ", "مقرها": "مَقَرُّهَا",
}
EVENT_KINDS = {
    "training_course": {"en": "Training course on", "fr": "Formation sur", "ar": "دورة تدريبية حول"},
    "workshop": {"en": "Workshop on", "fr": "Atelier sur", "ar": "ورشة عمل حول"},
    "study_visit": {"en": "Study visit on", "fr": "Visite d'étude sur", "ar": "زيارة دراسية حول"},
    "tot_course": {"en": "Training of trainers on", "fr": "Formation de formateurs sur", "ar": "تدريب المدربين حول"},
    "expert_mission": {"en": "Expert mission on", "fr": "Mission d'expertise sur", "ar": "بعثة خبراء حول"},
    "conference": {"en": "Conference on", "fr": "Conférence sur", "ar": "مؤتمر حول"},
    "webinar": {"en": "Webinar on", "fr": "Webinaire sur", "ar": "ندوة عبر الإنترنت حول"},
    "meeting": {"en": "Meeting on", "fr": "Réunion sur", "ar": "اجتماع حول"},
}
#: Mostly approved, as a live directory would be.
STATUSES = ((Status.APPROVED, 85), (Status.PENDING, 6), (Status.REJECTED, 5), (Status.UNCONFIRMED, 4))
REJECTION = "Invented for demonstration: the profile needs a clearer description."
FIRST_YEAR = 2009

# TROP: the titles of training opportunities by kind ({topic} is a trade), and what else they say.
OPPORTUNITY_TITLES = {
    "course": {"en": "Training course in {topic}", "fr": "Formation en {topic}", "ar": "دورة تدريبية في {topic}"},
    "workshop": {"en": "Workshop on {topic}", "fr": "Atelier : {topic}", "ar": "ورشة عمل حول {topic}"},
    "seminar": {"en": "Seminar on {topic}", "fr": "Séminaire : {topic}", "ar": "ندوة حول {topic}"},
    "study_visit": {"en": "Study visit: {topic}", "fr": "Visite d'étude : {topic}", "ar": "زيارة دراسية: {topic}"},
    "tot": {"en": "Training of trainers in {topic}", "fr": "Formation de formateurs en {topic}",
            "ar": "تدريب المدربين في {topic}"},
    "webinar": {"en": "Webinar on {topic}", "fr": "Webinaire : {topic}", "ar": "ندوة عبر الإنترنت حول {topic}"},
}
LEVELS = (
    {"en": "introduction", "fr": "initiation", "ar": "مستوى مبتدئ"},
    {"en": "advanced level", "fr": "niveau avancé", "ar": "المستوى المتقدم"},
    {"en": "certificate", "fr": "certificat", "ar": "شهادة مهنية"},
)
# Drawn as (weight, kind): courses most often, as in a real catalogue.
OPPORTUNITY_KINDS = ((35, "course"), (20, "workshop"), (10, "seminar"), (10, "study_visit"), (15, "tot"),
                     (10, "webinar"))
# How many languages a title is in (1 to 3), and the one language of a single-language title.
TITLE_LANGUAGE_COUNTS = ((50, 1), (30, 2), (20, 3))
SINGLE_TITLE_LANGUAGES = ((50, "en"), (25, "fr"), (25, "ar"))
#: Languages of instruction added to the title's: those of the member states and international ones.
OTHER_INSTRUCTION = ("en", "fr", "ar", "tr", "ru", "ms", "id", "fa", "ur", "pt")
FEES = ((50, "USD", (100, 3000, 50)), (30, "EUR", (100, 2500, 50)), (20, "TRY", (2000, 60000, 500)))
HELD_REASON = "Invented for demonstration: the dates of this opportunity need checking."
# Cities of a few venues outside the member states, where some opportunities take place.
ABROAD: dict[str, dict[str, str]] = {
    "DE": {"en": "Berlin", "fr": "Berlin", "ar": "برلين"},
    "FR": {"en": "Paris", "fr": "Paris", "ar": "باريس"},
    "JP": {"en": "Tokyo", "fr": "Tokyo", "ar": "طوكيو"},
    "KR": {"en": "Seoul", "fr": "Séoul", "ar": "سيول"},
    "IT": {"en": "Turin", "fr": "Turin", "ar": "تورينو"},
}
OPPORTUNITY_TEXT = {
    "en": ("Demo data: an invented {kind} in {topic}, run by an invented training institution.",
           "It is open to {audience} from OIC member countries.",
           "Participants practise in the institution's workshops and receive a certificate.",
           "The programme follows national TVET occupational standards."),
    "fr": ("Données de démonstration : une activité inventée ({kind}) en {topic}, organisée par un "
           "établissement de formation inventé.",
           "Elle est ouverte à {audience} des pays membres de l'OCI.",
           "Les participants s'exercent dans les ateliers de l'établissement et reçoivent une attestation.",
           "Le programme suit les référentiels de l'EFTP (TVET) nationaux."),
    "ar": ("بيانات تجريبية: نشاط مختلق ({kind}) في مجال {topic}، تنظمه مؤسسة تدريب مختلقة.",
           "وهو مفتوح أمام {audience} من الدول الأعضاء في منظمة التعاون الإسلامي.",
           "يتدرب المشاركون في ورش المؤسسة ويحصلون على شهادة.",
           "يتبع البرنامج معايير التعليم والتدريب التقني والمهني (TVET) الوطنية."),
}
KIND_WORDS = {
    "course": {"en": "training course", "fr": "formation", "ar": "دورة تدريبية"},
    "workshop": {"en": "workshop", "fr": "atelier", "ar": "ورشة عمل"},
    "seminar": {"en": "seminar", "fr": "séminaire", "ar": "ندوة"},
    "study_visit": {"en": "study visit", "fr": "visite d'étude", "ar": "زيارة دراسية"},
    "tot": {"en": "training of trainers", "fr": "formation de formateurs", "ar": "تدريب المدربين"},
    "webinar": {"en": "webinar", "fr": "webinaire", "ar": "ندوة عبر الإنترنت"},
}
#: The catalogue spans about two years back and one ahead; some run on request, without dates.
DAYS_BACK, DAYS_AHEAD, ON_REQUEST = 730, 365, 0.08

# The Roster of Experts: an expert's profile, by sentence ({area}: of AREAS, {trade}: of FIELDS).
EXPERT_TEXT = {
    "en": ("Demo data: an invented expert in {area} and {other}.",
           "I have trained {audience} in {trade} in several OIC member countries.",
           "My work follows national TVET occupational standards.",
           "Available for expert missions, training of trainers and studies."),
    "fr": ("Données de démonstration : un expert inventé, spécialiste en {area} et en {other}.",
           "J’ai formé {audience} dans le domaine {trade} dans plusieurs pays membres de l’OCI.",
           "Mes travaux suivent les référentiels nationaux de l’EFTP.",
           "Disponible pour des missions d'expertise, des formations de formateurs et des études."),
    "ar": ("بيانات تجريبية: خبير مختلق متخصص في {area} و{other}.",
           "دربت {audience} في مجال {trade} في عدة دول أعضاء في منظمة التعاون الإسلامي.",
           "يتبع عملي المعايير الوطنية للتعليم والتدريب الفني والمهني.",
           "متاح لبعثات الخبراء وتدريب المدربين والدراسات."),
}
#: How many rosters an expert joins, and how many other languages than their own they work in.
ROSTER_COUNTS = ((85, 1), (15, 2))
MORE_LANGUAGES = ((35, 0), (45, 1), (20, 2))


class RealContent(click.ClickException):
    """The database holds content that is not demo data."""


@dataclass(frozen=True)
class Counts:
    partners: int
    events: int
    seconds: float
    institutions: int = 0
    opportunities: int = 0
    experts: int = 0
    #: Whether an earlier run with the same seed was there, and was replaced.
    replaced: bool = False


def real_content() -> list[str]:
    """What, in the database, is neither demo data nor the shipped events."""
    found = []
    accounts = db.session.scalar(
        select(func.count()).select_from(Account).where(~func.lower(Account.email).like(f"%@{DEMO_DOMAIN}"))
    )
    if accounts:
        found.append(f"{accounts} account(s) not under @{DEMO_DOMAIN}")
    events = db.session.scalar(select(func.count()).select_from(Event).where(Event.seed_key.is_(None)))
    if events:
        found.append(f"{events} event(s) entered on the site")
    return found


def make_demo_data(partners: int, events: int, seed: int | None = None, password: str | None = None, *,
                   institutions: int = 0, opportunities: int = 0, experts: int = 0) -> Counts:
    """Insert ``partners`` partners (with their accounts), ``events`` events, ``institutions`` training
    institutions (with their accounts), ``opportunities`` training opportunities and ``experts`` experts
    (with their accounts), all marked as demo data.

    The same seed makes the same data: what an earlier run with that seed made is
    replaced, not duplicated.
    """
    if opportunities and not institutions:
        raise ValueError("training opportunities need training institutions to offer them")
    started = time.perf_counter()
    rng = random.Random(seed)
    run = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(6))
    password_hash = hash_password(password or secrets.token_urlsafe(12))  # once, for every demo account
    now = datetime.now(UTC)
    connection = db.session.connection()
    replaced = _remove_run(connection, run)
    if partners:
        _insert_partners(connection, rng, run, partners, password_hash, now)
    if events:
        _insert_events(connection, rng, run, events, now)
    if institutions:
        hosts = _insert_institutions(connection, rng, run, institutions, password_hash, now)
        if opportunities:
            _insert_opportunities(connection, rng, run, opportunities, hosts, now)
    if experts:
        _insert_experts(connection, rng, run, experts, password_hash, now)
    _after_bulk_insert(connection)
    db.session.commit()
    _tell_the_page_cache()
    return Counts(partners, events, time.perf_counter() - started, institutions, opportunities, experts, replaced)


def _remove_run(connection: Any, run: str) -> bool:
    """Delete what an earlier run with the same token (the same seed) made; whether there was any.

    Children first, so that the search index's triggers see each row go.
    """
    accounts = select(Account.__table__.c.id).where(
        Account.__table__.c.email.like(f"%-{run}-%@{DEMO_DOMAIN}")
    ).scalar_subquery()
    events = Event.__table__.c.seed_key.like(f"{DEMO_SEED_PREFIX}{run}-%")
    if connection.execute(select(func.count()).where(Account.__table__.c.id.in_(accounts))).scalar() == 0 and \
            connection.execute(select(func.count()).select_from(Event.__table__).where(events)).scalar() == 0:
        return False
    institutions = select(TropInstitution.__table__.c.id).where(
        TropInstitution.__table__.c.account_id.in_(accounts)
    ).scalar_subquery()
    opportunity = TrainingOpportunity.__table__
    connection.execute(delete(opportunity).where(opportunity.c.institution_id.in_(institutions)))
    for profile in (TropInstitution.__table__, Partner.__table__, Expert.__table__):
        connection.execute(delete(profile).where(profile.c.account_id.in_(accounts)))
    connection.execute(delete(Account.__table__).where(Account.__table__.c.id.in_(accounts)))
    connection.execute(delete(Event.__table__).where(events))
    return True


def _search_text(model: type[Searchable], row: dict[str, Any]) -> str:
    """What the Searchable listener would store for ``row``, which Core inserts without the ORM's events.

    Each of the model's ``search_fields`` is read as the listener reads it, a
    property (``TrainingOpportunity.search_words``) included.
    """
    values = SimpleNamespace(**row)

    def value(name: str) -> Any:
        attribute = inspect.getattr_static(model, name)
        return attribute.fget(values) if isinstance(attribute, property) else getattr(values, name)

    return _index_text(*(value(name) or "" for name in model.search_fields))


#: A word that no generated text has, to see where ``index_text``'s words of one piece end.
_PIECE_END = "demopieceend"


@lru_cache(maxsize=50_000)
def _piece(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``index_text``'s folded words of ``text``, and the bare words (without their article) it adds after them."""
    tokens = index_text(text, _PIECE_END).split(" ")
    end = tokens.index(_PIECE_END)
    return tuple(tokens[:end]), tuple(tokens[end + 1:])


def _index_text(*parts: str) -> str:
    """``index_text(*parts)``, folding each piece of text once for the whole run: the generated texts repeat.

    A word never spans white space, and ``index_text`` gives every word, then the
    bare words; so the pieces' words, then their bare words, are its answer.
    """
    pieces = [_piece(piece) for part in parts for piece in part.split()]
    return " ".join([word for words, _bare in pieces for word in words] +
                    [word for _words, bare in pieces for word in bare])


def _next_id(connection: Any, table: Any) -> int:
    return (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_partners(connection: Any, rng: random.Random, run: str, count: int, password_hash: str,
                     now: datetime) -> None:
    sectors = [plugin.key for plugin in get_registry()]
    first_account = _next_id(connection, Account.__table__)
    first_partner = _next_id(connection, Partner.__table__)
    generated = (
        _partner(rng, run, number, first_account + number, first_partner + number, password_hash, sectors, now)
        for number in range(count)
    )
    for batch in _batches(generated):
        connection.execute(insert(Account.__table__), [row["account"] for row in batch])
        connection.execute(insert(AccountRole.__table__),
                           [{"account_id": row["account"]["id"], "role": Role.PARTNER.value} for row in batch])
        # One statement per batch; SQLite's FTS5 triggers index each row as it goes in.
        connection.execute(insert(Partner.__table__), [row["partner"] for row in batch])
        connection.execute(insert(PartnerSector.__table__), [sector for row in batch for sector in row["sectors"]])


def _weighted(rng: random.Random, weighted: Sequence[tuple[int, Any]]) -> Any:
    return rng.choices([item for _weight, item in weighted], [weight for weight, _item in weighted])[0]


def _vowelled(text: str) -> str:
    return " ".join(VOWELLED.get(word, word) for word in text.split(" "))


def _acronym(name: str) -> str:
    letters = [word[0] for word in name.split() if word[:1].isalpha() and word[:1].isupper()]
    return "".join(letters)[:8] if len(letters) > 1 else ""


def _partner(rng: random.Random, run: str, number: int, account_id: int, partner_id: int, password_hash: str,
             sectors: list[str], now: datetime) -> dict[str, Any]:
    lang = rng.choices(LANGUAGES, (40, 30, 30))[0]
    country = rng.choice(sorted(OIC_MEMBER_STATES))
    city = rng.choice(CITIES[country])[lang]
    fields = [_weighted(rng, FIELDS)[lang] for _ in range(3)]
    if rng.random() < 0.005:
        fields[1] = rng.choice(RARE)[lang]
    name = _organisation_name(lang, rng.choice(INSTITUTIONS[lang]), fields[0])
    areas = rng.sample(AREAS, rng.randint(2, 4))
    description = _description(rng, lang, city, fields)
    cooperation = _joined(lang, [area[lang] for area in areas])
    if lang == "ar" and rng.random() < 0.4:
        name, description, cooperation = _vowelled(name), _vowelled(description), _vowelled(cooperation)
    name = f"{name} {NAME_MARKER}"
    acronym = _acronym(name.replace(NAME_MARKER, "")) if lang != "ar" else ""
    first, last = (rng.choice(names) for names in PEOPLE[lang])
    status = _weighted(rng, [(weight, status) for status, weight in STATUSES])
    created = now - timedelta(days=rng.uniform(1, 5 * 365))
    updated = min(now, created + timedelta(days=rng.uniform(0, 365)))
    account = _account(account_id, f"partner-{run}-{number}@{DEMO_DOMAIN}", f"{first} {last}",
                       password_hash, lang, status, created)
    partner = {
        "id": partner_id,
        "account_id": account_id,
        "name": name,
        "acronym": acronym,
        "organisation_type": rng.choice(list(ORGANISATION_TYPES)),
        "country": country,
        "city": city,
        "address": "",
        "website": "",
        "cooperation_areas": cooperation,
        "description": description,
        "contact_name": f"{first} {last}",
        "contact_position": rng.choice(POSITIONS[lang]),
        "phone": "",
        **_review_columns(status, created, updated),
        # What the Searchable mixin would have stored: the ORM's events do not run here.
        "search_text": index_text(name, acronym, description, cooperation),
    }
    chosen = rng.sample(sectors, min(len(sectors), rng.randint(1, 3))) if sectors else []
    return {"account": account, "partner": partner,
            "sectors": [{"partner_id": partner_id, "sector": key} for key in chosen]}


def _organisation_name(lang: str, institution: str, field: str) -> str:
    """"National Institute of Tourism", "Institut national du tourisme", "المعهد الوطني للسياحة"."""
    if lang == "ar":
        # "المعهد الوطني" + "للسياحة": the article of the field becomes لل.
        bare = field[2:] if field.startswith("ال") else field
        return f"{institution} {'لل' if field.startswith('ال') else 'ل'}{bare}"
    if lang == "fr":
        return f"{institution} {field}"
    return f"{institution} {field.title()}"


def _joined(lang: str, parts: list[str]) -> str:
    return join_list(parts, lang)


def _description(rng: random.Random, lang: str, city: str, fields: list[str]) -> str:
    audience = rng.choice(AUDIENCES[lang])
    first, second, third = fields
    if lang == "en":
        sentences = [f"Demo data: an invented organisation based in {city}, working in {first} and {second}."]
        if rng.random() < 0.75:
            sentences.append(f"We offer vocational training in {third} for {audience}.")
        if rng.random() < 0.5:
            sentences.append("Our TVET programmes follow national occupational standards.")
        if rng.random() < 0.3:
            sentences.append("We welcome partners for exchanges of trainers and students.")
    elif lang == "fr":
        sentences = [f"Données de démonstration : un organisme inventé, situé à {city}, actif dans le domaine "
                     f"{first} et {second}."]
        if rng.random() < 0.75:
            sentences.append(f"Nous proposons des formations dans le domaine {third} pour {audience}.")
        if rng.random() < 0.5:
            sentences.append("Nos programmes d'EFTP (TVET) suivent les référentiels de compétences nationaux.")
        if rng.random() < 0.3:
            sentences.append("Nous accueillons des partenaires pour des échanges de formateurs et d'élèves.")
    else:
        sentences = [f"بيانات تجريبية: مؤسسة مختلقة مقرها {city}، تعمل في مجال {first} و{second}."]
        if rng.random() < 0.75:
            sentences.append(f"نقدم التدريب المهني في مجال {third} لفائدة {audience}.")
        if rng.random() < 0.5:
            sentences.append("تتبع برامجنا في التعليم والتدريب التقني والمهني (TVET) معايير الجودة الوطنية.")
        if rng.random() < 0.3:
            sentences.append("نرحب بالشركاء لتبادل المدربين والطلاب.")
    return " ".join(sentences)


def _insert_events(connection: Any, rng: random.Random, run: str, count: int, now: datetime) -> None:
    programmes = [(plugin.key, programme.slug) for plugin in get_registry() for programme in plugin.programmes]
    if not programmes:
        return
    first_event = _next_id(connection, Event.__table__)
    last_year = now.year
    generated = (
        _event(rng, run, number, first_event + number, programmes, last_year, now) for number in range(count)
    )
    for batch in _batches(generated):
        connection.execute(insert(Event.__table__), batch)


def _event(rng: random.Random, run: str, number: int, event_id: int, programmes: list[tuple[str, str]],
           last_year: int, now: datetime) -> dict[str, Any]:
    sector, slug = rng.choice(programmes)
    kind = rng.choice(list(EVENT_KINDS))
    topic = rng.choice(AREAS)
    year = rng.randint(FIRST_YEAR, last_year)
    start = end = None
    if rng.random() < 0.85:
        start = date(year, 1, 1) + timedelta(days=rng.randint(0, 360))
        end = start + timedelta(days=rng.randint(0, 4))
        end = end if end.year == year else start
    virtual = kind == "webinar" or rng.random() < 0.05
    country = None if virtual else rng.choice(sorted(OIC_MEMBER_STATES))
    city = None if virtual else dict(rng.choice(CITIES[country]))
    return {
        "id": event_id,
        "seed_key": f"{DEMO_SEED_PREFIX}{run}-{number}",
        "sector": sector,
        "programme": slug,
        "kind": kind,
        "title": {lang: f"{EVENT_KINDS[kind][lang]} {topic[lang]} {TITLE_MARKERS[lang]}" for lang in LANGUAGES},
        "summary": dict(EVENT_SUMMARY),
        "body": None,
        "year": year,
        "start_date": start,
        "end_date": end,
        "city": city,
        "country": country,
        "is_virtual": virtual,
        "participants": rng.choice([None, rng.randint(8, 60)]),
        "countries_count": rng.choice([None, rng.randint(2, 20)]),
        "created_at": now,
        "updated_at": now,
    }


@dataclass(frozen=True)
class Host:
    """What an institution's opportunities take from it: where it is, its language and its fields."""

    id: int
    country: str
    lang: str
    fields: tuple[str, ...]
    approved: bool


def _insert_institutions(connection: Any, rng: random.Random, run: str, count: int, password_hash: str,
                         now: datetime) -> list[Host]:
    sectors = [plugin.key for plugin in get_registry()]
    first_account = _next_id(connection, Account.__table__)
    first_institution = _next_id(connection, TropInstitution.__table__)
    hosts: list[Host] = []
    generated = (
        _institution(rng, run, number, first_account + number, first_institution + number, password_hash,
                     sectors, now)
        for number in range(count)
    )
    for batch in _batches(generated):
        # A TROP member is an approved institution.
        _insert_profiles(connection, batch, "institution", TropInstitution, Role.TROP_MEMBER,
                         ((TropInstitutionField, "fields"),))
        hosts += [row["host"] for row in batch]
    return hosts


def _insert_profiles(connection: Any, batch: list[dict[str, Any]], profile: str, table: type, role: Role,
                     children: tuple[tuple[type, str], ...]) -> None:
    """A batch of demo profiles of one kind (``row[profile]``): their accounts, the role of the approved
    ones (it comes with the approval, as staff's review gives it), the profiles, then their child rows
    (``row[key]`` for each ``(model, key)``)."""
    connection.execute(insert(Account.__table__), [row["account"] for row in batch])
    members = [{"account_id": row["account"]["id"], "role": role.value}
               for row in batch if row[profile]["status"] == Status.APPROVED.value]
    if members:
        connection.execute(insert(AccountRole.__table__), members)
    connection.execute(insert(table.__table__), [row[profile] for row in batch])
    for model, key in children:
        rows = [child for row in batch for child in row[key]]
        if rows:
            connection.execute(insert(model.__table__), rows)


def _review_columns(status: Status, created: datetime, updated: datetime) -> dict[str, Any]:
    """The columns every reviewed profile has (partners', institutions', experts'), for its status."""
    return {
        "status": status.value,
        "rejection_reason": REJECTION if status == Status.REJECTED else "",
        "reviewed_at": updated if status in (Status.APPROVED, Status.REJECTED) else None,
        "created_at": created,
        "updated_at": updated,
        "pending_changes": None,
        "changes_submitted_at": None,
        "changes_refused_reason": "",
    }


def _account(account_id: int, email: str, name: str, password_hash: str, lang: str, status: Status,
             created: datetime) -> dict[str, Any]:
    """A demo profile's account row: confirmed unless the profile is not."""
    return {
        "id": account_id,
        "email": email,
        "name": name,
        "password_hash": password_hash,
        "session_token": secrets.token_urlsafe(24),
        "language": lang,
        "email_confirmed_at": None if status == Status.UNCONFIRMED else created,
        "created_at": created,
        "last_login_at": None,
    }


def _institution(rng: random.Random, run: str, number: int, account_id: int, institution_id: int,
                 password_hash: str, sectors: list[str], now: datetime) -> dict[str, Any]:
    lang = rng.choices(LANGUAGES, (40, 30, 30))[0]
    country = rng.choice(sorted(OIC_MEMBER_STATES))
    city = rng.choice(CITIES[country])[lang]
    trades = [_weighted(rng, FIELDS)[lang] for _ in range(3)]
    name = f"{_organisation_name(lang, rng.choice(INSTITUTIONS[lang]), trades[0])} {NAME_MARKER}"
    acronym = _acronym(name.replace(NAME_MARKER, "")) if lang != "ar" else ""
    description = _description(rng, lang, city, trades)
    first, last = (rng.choice(names) for names in PEOPLE[lang])
    status = _weighted(rng, [(weight, status) for status, weight in STATUSES])
    created = now - timedelta(days=rng.uniform(1, 3 * 365))
    updated = min(now, created + timedelta(days=rng.uniform(0, 365)))
    account = _account(account_id, f"institution-{run}-{number}@{DEMO_DOMAIN}", f"{first} {last}",
                       password_hash, lang, status, created)
    institution = {
        "id": institution_id,
        "account_id": account_id,
        "name": name,
        "acronym": acronym,
        "institution_type": rng.choice(list(INSTITUTION_TYPES)),
        "country": country,
        "city": city,
        "address": "",
        "website": "",
        "phone": "",
        "public_email": f"info-{run}-{number}@{DEMO_DOMAIN}" if rng.random() < 0.6 else "",
        "contact_name": f"{first} {last}",
        "contact_position": rng.choice(POSITIONS[lang]),
        "description": description,
        **_review_columns(status, created, updated),
    }
    institution["search_text"] = _search_text(TropInstitution, institution)
    chosen = tuple(rng.sample(sectors, min(len(sectors), rng.randint(1, 3)))) if sectors else ()
    return {
        "account": account,
        "institution": institution,
        "fields": [{"institution_id": institution_id, "sector": key} for key in chosen],
        "host": Host(institution_id, country, lang, chosen, status == Status.APPROVED),
    }


def _insert_opportunities(connection: Any, rng: random.Random, run: str, count: int, hosts: list[Host],
                          now: datetime) -> None:
    sectors = [plugin.key for plugin in get_registry()]
    if not sectors:
        return  # an opportunity is in a sector
    # Approved institutions publish; the others (new, or turned down) have nothing in the catalogue yet.
    publishing = [host for host in hosts if host.approved] or hosts
    first = _next_id(connection, TrainingOpportunity.__table__)
    generated = (
        _opportunity(rng, run, number, first + number, rng.choice(publishing), sectors, now)
        for number in range(count)
    )
    for batch in _batches(generated):
        connection.execute(insert(TrainingOpportunity.__table__), [row["opportunity"] for row in batch])
        connection.execute(insert(OpportunityLanguage.__table__),
                           [language for row in batch for language in row["languages"]])


def _topic(rng: random.Random) -> dict[str, str]:
    """A trade, named as a title names it: "welding", "soudure", "اللحام"."""
    trade = rng.choice(RARE) if rng.random() < 0.005 else _weighted(rng, FIELDS)
    return {**trade, "fr": re.sub(r"^(?:de l'|du |de la |des )", "", trade["fr"])}


def _opportunity(rng: random.Random, run: str, number: int, opportunity_id: int, host: Host,
                 sectors: list[str], now: datetime) -> dict[str, Any]:
    kind = _weighted(rng, OPPORTUNITY_KINDS)
    topic = _topic(rng)
    level = rng.choice(LEVELS) if rng.random() < 0.3 else None
    count = _weighted(rng, TITLE_LANGUAGE_COUNTS)
    if count == 1:
        languages = [_weighted(rng, SINGLE_TITLE_LANGUAGES)]  # a few only in Arabic, a few only in French
    else:
        languages = [host.lang, *rng.sample([lang for lang in LANGUAGES if lang != host.lang], count - 1)]
    primary = languages[0]

    if kind == "webinar":
        modality = "online"
    else:
        modality = rng.choices(("face_to_face", "blended", "online"), (75, 15, 10))[0]
    venue_country: str | None = None
    venue_city: dict[str, str] = {}
    if modality != "online":
        where = rng.random()
        if where < 0.85:
            venue_country = host.country
        elif where < 0.95:
            venue_country = rng.choice(sorted(OIC_MEMBER_STATES))
        else:
            venue_country = rng.choice(sorted(ABROAD))
        venue_city = ABROAD[venue_country] if venue_country in ABROAD else rng.choice(CITIES[venue_country])
    audience = rng.randrange(len(AUDIENCES["en"]))  # drawn once, named in each language

    title, description = {}, {}
    for lang in languages:
        text = OPPORTUNITY_TITLES[kind][lang].format(topic=topic[lang])
        if level:
            text = f"{text} – {level[lang]}"
        title[lang] = f"{text} {TITLE_MARKERS[lang]}"
        opening, open_to, practice, standards = OPPORTUNITY_TEXT[lang]
        sentences = [opening.format(kind=KIND_WORDS[kind][lang], topic=topic[lang]),
                     open_to.format(audience=AUDIENCES[lang][audience])]
        if rng.random() < 0.6:
            sentences.append(practice)
        paragraphs = [" ".join(sentences)]
        if rng.random() < 0.4:
            paragraphs.append(standards)  # plain text: paragraphs are separated by a blank line
        description[lang] = "\n\n".join(paragraphs)
    if primary == "ar" and rng.random() < 0.4:
        title["ar"], description["ar"] = _vowelled(title["ar"]), _vowelled(description["ar"])

    duration_value, duration_unit, length = _duration(rng, kind)
    on_request = rng.random() < ON_REQUEST
    start = end = deadline = None
    if on_request:
        sort_date = last_date = NO_DATE
        created = now - timedelta(days=rng.uniform(1, DAYS_BACK))
    else:
        start = now.date() + timedelta(days=rng.randint(-DAYS_BACK, DAYS_AHEAD))
        end = start + timedelta(days=length - 1) if length > 1 else None
        # As the model keeps them (its listener does not run for Core inserts).
        sort_date, last_date = start, end or start
        if rng.random() < 0.7:
            deadline = start - timedelta(days=rng.randint(7, 45))
        opened = datetime(start.year, start.month, start.day, 9, tzinfo=UTC) - timedelta(days=rng.randint(30, 150))
        created = min(now - timedelta(hours=1), opened)
    updated = min(now, created + timedelta(days=rng.uniform(0, 60)))
    published = rng.random() < 0.9
    held = published and rng.random() < 0.01  # staff took a few off the catalogue
    free = rng.random() < 0.75
    fee_amount = fee_currency = None
    if not free:
        _weight, fee_currency, (low, high, step) = rng.choices(FEES, [fee[0] for fee in FEES])[0]
        fee_amount = Decimal(rng.randrange(low, high, step))
    # Mostly one of the institution's fields of training.
    sector = rng.choice(host.fields) if rng.random() < 0.9 else rng.choice(sectors)
    instruction = [primary]
    for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
        instruction.append(rng.choice([code for code in OTHER_INSTRUCTION if code not in instruction]))
    opportunity = {
        "id": opportunity_id,
        "institution_id": host.id,
        "title": title,
        "description": description,
        "sector": sector,
        "kind": kind,
        "modality": modality,
        "on_request": on_request,
        "start_date": start,
        "end_date": end,
        "sort_date": sort_date,
        "last_date": last_date,
        "duration_value": duration_value,
        "duration_unit": duration_unit,
        "venue_country": venue_country,
        "venue_city": venue_city.get(primary, ""),
        "target_group": AUDIENCES[primary][audience].capitalize(),
        "places": None if rng.random() < 0.3 else rng.randint(10, 200 if kind == "webinar" else 40),
        "is_free": free,
        "fee_amount": fee_amount,
        "fee_currency": fee_currency,
        "application_deadline": deadline,
        "apply_url": f"https://trop-{run}.{DEMO_DOMAIN}/apply/{number}" if rng.random() < 0.3 else "",
        "apply_email": f"training-{run}-{number}@{DEMO_DOMAIN}" if rng.random() < 0.6 else "",
        "published": published and not held,
        "published_at": created if published else None,
        "held_reason": HELD_REASON if held else "",
        "held_at": updated if held else None,
        "version": 1,
        "created_at": created,
        "updated_at": updated,
    }
    opportunity["search_text"] = _search_text(TrainingOpportunity, opportunity)
    return {"opportunity": opportunity,
            "languages": [{"opportunity_id": opportunity_id, "language": code} for code in instruction]}


def _duration(rng: random.Random, kind: str) -> tuple[int, str, int]:
    """(value, unit, days from the first to the last) of an opportunity of ``kind``."""
    if kind == "webinar":
        return rng.randint(1, 3), "hours", 1
    if kind in ("workshop", "seminar"):
        days = rng.randint(1, 5)
        return days, "days", days
    if kind == "study_visit":
        days = rng.randint(3, 10)
        return days, "days", days
    unit = rng.choices(("days", "weeks", "months"), (50, 35, 15))[0]
    if unit == "days":
        days = rng.randint(5, 15)
        return days, unit, days
    if unit == "weeks":
        weeks = rng.randint(2, 6)
        return weeks, unit, 7 * weeks - 2  # from a Monday to the Friday of the last week
    months = rng.randint(1, 6)
    return months, unit, 30 * months


def _insert_experts(connection: Any, rng: random.Random, run: str, count: int, password_hash: str,
                    now: datetime) -> None:
    rosters = [(entry.key, entry.field_keys()) for entry in get_registry().rosters]
    if not rosters:
        return  # an expert is in a roster
    first_account = _next_id(connection, Account.__table__)
    first_expert = _next_id(connection, Expert.__table__)
    generated = (
        _expert(rng, run, number, first_account + number, first_expert + number, password_hash, rosters, now)
        for number in range(count)
    )
    for batch in _batches(generated):
        _insert_profiles(connection, batch, "expert", Expert, Role.EXPERT,
                         ((ExpertRoster, "rosters"), (ExpertField, "fields"), (ExpertLanguage, "languages"),
                          (ExpertCountry, "countries")))


def _expert(rng: random.Random, run: str, number: int, account_id: int, expert_id: int, password_hash: str,
            rosters: list[tuple[str, tuple[str, ...]]], now: datetime) -> dict[str, Any]:
    lang = rng.choices(LANGUAGES, (40, 30, 30))[0]
    first, last = (rng.choice(names) for names in PEOPLE[lang])
    name = f"{first} {last} {NAME_MARKER}"
    # Mostly living in their own member state; some in another, a few abroad.
    states = sorted(OIC_MEMBER_STATES)
    nationality = rng.choice(states)
    where = rng.random()
    residence = nationality if where < 0.8 else rng.choice(sorted(ABROAD)) if where < 0.9 else rng.choice(states)
    worked = dict.fromkeys([residence, *rng.sample(states, rng.randint(0, 4))])
    trade = rng.choice(RARE) if rng.random() < 0.005 else _weighted(rng, FIELDS)

    joined = rng.sample(rosters, min(len(rosters), _weighted(rng, ROSTER_COUNTS)))
    fields = [rng.choice(keys) for _key, keys in joined]  # one in each roster joined, then others among them
    others = [key for _roster, keys in joined for key in keys if key not in fields]
    fields += rng.sample(others, min(len(others), rng.randint(len(fields), 4) - len(fields)))

    # The language of their profile, well; up to two others, at any level.
    spoken = {lang: rng.choice(("native", "fluent"))}
    for code in rng.sample([code for code in WORKING_LANGUAGES if code != lang], _weighted(rng, MORE_LANGUAGES)):
        spoken[code] = rng.choice(list(LANGUAGE_LEVELS))

    area, other = rng.sample(AREAS, 2)
    opening, trained, standards, available = EXPERT_TEXT[lang]
    sentences = [opening.format(area=area[lang], other=other[lang]),
                 trained.format(audience=rng.choice(AUDIENCES[lang]), trade=trade[lang])]
    sentences += [sentence for sentence, chance in ((standards, 0.5), (available, 0.4)) if rng.random() < chance]
    profile = " ".join(sentences)

    status = _weighted(rng, [(weight, status) for status, weight in STATUSES])
    created = now - timedelta(days=rng.uniform(1, 3 * 365))
    updated = min(now, created + timedelta(days=rng.uniform(0, 365)))
    account = _account(account_id, f"expert-{run}-{number}@{DEMO_DOMAIN}", name, password_hash, lang, status,
                       created)
    expert = {
        "id": expert_id,
        "account_id": account_id,
        "name": name,
        "nationality": nationality,
        "residence_country": residence,
        "institution": _organisation_name(lang, rng.choice(INSTITUTIONS[lang]), trade[lang]),
        "position": rng.choice(POSITIONS[lang]),
        "phone": "",
        "years_experience": rng.randint(0, 40),
        "degree": rng.choice(list(DEGREES)),
        "profile": profile,
        # A name no upload has (those are random hex): there is no file, and deleting the record removes none.
        "cv_name": f"demo-{run}-{number}.pdf",
        "cv_size": 0,
        "cv_uploaded_at": created,
        **_review_columns(status, created, updated),
    }
    expert["search_text"] = _search_text(Expert, expert)
    return {
        "account": account,
        "expert": expert,
        "rosters": [{"expert_id": expert_id, "roster": key} for key, _keys in joined],
        "fields": [{"expert_id": expert_id, "field": key} for key in fields],
        "languages": [{"expert_id": expert_id, "language": code, "level": level} for code, level in spoken.items()],
        "countries": [{"expert_id": expert_id, "country": code} for code in worked],
    }


def _after_bulk_insert(connection: Any) -> None:
    # SQLite: the FTS5 triggers indexed each row as it went in; PostgreSQL: the search column is generated.
    if connection.dialect.name != "postgresql":
        return
    # Explicit ids leave the sequences behind; and fresh statistics let the planner see the new rows.
    for table in ("account", "partner", "event", "trop_institution", "trop_opportunity", "expert"):
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
        ))
    for table in ("account", "account_role", "partner", "partner_sector", "event", "trop_institution",
                  "trop_institution_field", "trop_opportunity", "trop_opportunity_language", "expert",
                  "expert_roster", "expert_field", "expert_language", "expert_country"):
        connection.execute(text(f"ANALYZE {table}"))


def _tell_the_page_cache() -> None:
    """Bulk inserts bypass the ORM events by which the page cache learns that the content changed."""
    from oicvet import caching

    if hasattr(caching, "content_changed"):
        caching.content_changed()


@click.command("demo-data")
@click.option("--partners", default=0, show_default=True, type=click.IntRange(min=0),
              help="How many demo partners (each with its account) to add.")
@click.option("--events", default=0, show_default=True, type=click.IntRange(min=0),
              help="How many demo events to add, over the loaded programmes and the years since 2009.")
@click.option("--institutions", default=300, show_default=True, type=click.IntRange(min=0),
              help="How many demo training institutions (TROP, each with its account) to add.")
@click.option("--opportunities", default=5000, show_default=True, type=click.IntRange(min=0),
              help="How many demo training opportunities to add, spread over the new institutions.")
@click.option("--experts", default=300, show_default=True, type=click.IntRange(min=0),
              help="How many demo experts (each with its account) to add, in the loaded plugins' rosters.")
@click.option("--seed", type=int,
              help="Seed of the random choices, to make the same data again (replacing what that seed made).")
@click.option("--force", is_flag=True, help="Add demo data even to a database that holds real content.")
@with_appcontext
def demo_data_command(partners: int, events: int, institutions: int, opportunities: int, experts: int,
                      seed: int | None, force: bool) -> None:
    """Add invented partners, events, training institutions, training opportunities and experts, marked as
    demo data, in English, Arabic and French."""
    if opportunities and not institutions:
        raise click.UsageError("--opportunities needs --institutions of at least 1: the new institutions "
                               "offer them.")
    found = real_content()
    if found and not force:
        raise RealContent(
            "This database holds real content (" + "; ".join(found) + "). Demo data goes into a database "
            "of its own; add --force to mix them anyway."
        )
    password = secrets.token_urlsafe(12)
    counts = make_demo_data(partners, events, seed=seed, password=password, institutions=institutions,
                            opportunities=opportunities, experts=experts)
    if counts.replaced:
        click.echo(f"Removed the demo data that an earlier run with the seed {seed} made.")
    click.echo(f"Added {counts.partners} demo partners, {counts.events} demo events, "
               f"{counts.institutions} demo training institutions, {counts.opportunities} demo training "
               f"opportunities and {counts.experts} demo experts in {counts.seconds:.1f} s.")
    logins = [f"{who}-…@{DEMO_DOMAIN}" for who, made in (("partner", partners), ("institution", institutions),
                                                        ("expert", experts)) if made]
    if logins:
        click.echo(f"Every demo account ({', '.join(logins)}) has the password: {password}")
