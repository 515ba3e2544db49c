"""The expert's profile form, joining the roster (with an account, or without), the CV, withdrawing,
and the search form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import ngettext
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Field, IntegerField, SelectMultipleField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from oicvet.accounts.forms import email_field, new_password_fields
from oicvet.choices import WORKING_LANGUAGES, country_choices, language_choices
from oicvet.countries import all_countries
from oicvet.experts.choices import (
    DEGREES,
    LEVELS,
    MAX_YEARS,
    degree_choices,
    expertise_choices,
    level_choices,
    roster_choices,
)
from oicvet.experts.models import LEVEL_SEPARATOR
from oicvet.forms import (
    CachedSelectField,
    CheckboxGroup,
    Choices,
    Form,
    choice_values,
    phone_field,
    single_line_text,
    strip,
    translated_choices,
    with_first_choice,
)
from oicvet.i18n import lazy_gettext as _l
from oicvet.i18n import lazy_ngettext

PROFILE_MAX = 2000
#: A CV is a PDF of at most this size.
CV_MAX_BYTES = 5 * 1024 * 1024

#: The fields of ExpertForm that are the profile (joining may add an account and the CV to them).
EXPERT_FIELDS = (
    "name", "nationality", "residence_country", "institution", "position", "phone", "rosters", "expertise",
    "years_experience", "degree", "languages", "work_countries", "profile",
)


class LanguageLevels(Field):
    """Languages with a level each, as rows of two lists (no script needed); its data is a list of
    ``"<language>:<level>"``, as ``Expert.languages`` holds them."""

    #: Empty rows offered beside those filled in.
    SPARE_ROWS = 2
    MIN_ROWS = 4
    MAX_ROWS = 12

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        if data is unset_value:
            data = self.default or []
        self.object_data = data
        if formdata is not None:
            pairs = []
            for row in range(self.MAX_ROWS):
                language = (formdata.get(f"{self.name}-{row}-language") or "").strip()
                level = (formdata.get(f"{self.name}-{row}-level") or "").strip()
                if language or level:
                    pairs.append(f"{language}{LEVEL_SEPARATOR}{level}")
            self.data = pairs
        else:
            self.data = list(data or [])

    def rows(self) -> list[tuple[str, str]]:
        """The rows to show: those filled in, then empty ones."""
        filled = [tuple(pair.split(LEVEL_SEPARATOR, 1)) for pair in self.data or []]
        count = min(self.MAX_ROWS, max(self.MIN_ROWS, len(filled) + self.SPARE_ROWS))
        return [*filled, *[("", "")] * (count - len(filled))][:count]  # type: ignore[list-item]

    @property
    def language_choices(self) -> Choices:
        return with_first_choice("choose: working languages", _l("Choose…"), language_choices())

    @property
    def level_choices(self) -> Choices:
        return with_first_choice("choose: levels", _l("Choose…"), level_choices())

    @property
    def choices(self) -> Choices:
        """Every pair, labelled ("Arabic – Native language"): how the review page reads a value."""
        def build() -> Iterable[tuple[str, str]]:
            for code, language in language_choices():
                for level, label in level_choices():
                    yield f"{code}{LEVEL_SEPARATOR}{level}", f"{language} – {label}"
        return translated_choices("experts: language levels", build)

    def pre_validate(self, form: Any) -> None:
        languages = []
        for pair in self.data:
            language, _sep, level = pair.partition(LEVEL_SEPARATOR)
            if language not in WORKING_LANGUAGES or level not in LEVELS:
                raise ValidationError(_l("Please choose both a language and your level in it on each line you "
                                         "fill in."))
            languages.append(language)
        if not languages:
            raise ValidationError(_l("Please give at least one language and your level in it."))
        if len(set(languages)) < len(languages):
            raise ValidationError(_l("Please give each language once."))


def _countries() -> SelectMultipleField:
    return SelectMultipleField(
        _l("Countries of work experience"),
        validate_choice=False,
        description=_l("The countries where you have worked as an expert, your own included. Hold Ctrl "
                       "(or Cmd on a Mac) to choose several."),
        render_kw={"size": 8},
    )


class ExpertForm(Form):
    name = single_line_text(_l("Full name"), _l("Please enter your full name."), 120,
                            _l("Please keep the name under 120 characters."))
    nationality = CachedSelectField(
        _l("Nationality"), validators=[DataRequired(_l("Please choose your nationality."))], validate_choice=False
    )
    residence_country = CachedSelectField(
        _l("Country of residence"),
        validators=[DataRequired(_l("Please choose your country of residence."))],
        validate_choice=False,
    )
    institution = single_line_text(_l("Institution"), None, 200,
                                   _l("Please keep the institution under 200 characters."))
    position = single_line_text(_l("Position"), None, 120, _l("Please keep the position under 120 characters."))
    phone = phone_field(_l("Telephone"))
    rosters = CheckboxGroup(
        _l("Rosters"),
        validators=[DataRequired(_l("Please choose at least one roster."))],
        validate_choice=False,
    )
    expertise = CheckboxGroup(
        _l("Fields of expertise"),
        validators=[DataRequired(_l("Please choose at least one field of expertise in each roster you join."))],
        validate_choice=False,
    )
    years_experience = IntegerField(
        _l("Years of professional experience"),
        validators=[
            InputRequired(_l("Please enter your years of experience, as a whole number.")),
            NumberRange(0, MAX_YEARS, _l("Please enter a number of years from 0 to %(max)d.", max=MAX_YEARS)),
        ],
        invalid_value_message=_l("Please enter your years of experience, as a whole number."),
    )
    degree = CachedSelectField(
        _l("Highest degree"), validators=[DataRequired(_l("Please choose your highest degree."))],
        validate_choice=False,
    )
    languages = LanguageLevels(_l("Languages"))
    work_countries = _countries()
    profile = TextAreaField(
        _l("Short profile"),
        validators=[
            DataRequired(_l("Please describe your experience in a few lines.")),
            Length(max=PROFILE_MAX, message=lazy_ngettext("Please keep this under %(num)d character.",
                                                          "Please keep this under %(num)d characters.", PROFILE_MAX)),
        ],
        filters=[strip],
        description=lazy_ngettext("Your experience and what you can offer, up to %(num)d character.",
                                 "Your experience and what you can offer, up to %(num)d characters.", PROFILE_MAX),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose = _l("Choose…")
        self.nationality.choices = with_first_choice("choose: countries (all)", choose, country_choices())
        self.residence_country.choices = self.nationality.choices
        self.degree.choices = with_first_choice("choose: degrees", choose, degree_choices())
        self.rosters.choices = roster_choices()
        self.expertise.choices = expertise_choices()
        self.work_countries.choices = country_choices()

    # Choices are checked here, so that a tampered value gets a translated message.
    def validate_nationality(self, field: Field) -> None:
        if field.data not in all_countries():
            raise ValidationError(_l("Please choose your nationality."))

    def validate_residence_country(self, field: Field) -> None:
        if field.data not in all_countries():
            raise ValidationError(_l("Please choose your country of residence."))

    def validate_degree(self, field: Field) -> None:
        if field.data not in DEGREES:
            raise ValidationError(_l("Please choose your highest degree."))

    def validate_rosters(self, field: SelectMultipleField) -> None:
        if not field.data or not set(field.data) <= choice_values(field.choices):
            raise ValidationError(_l("Please choose at least one roster."))

    def validate_expertise(self, field: SelectMultipleField) -> None:
        chosen = set(field.data or [])
        if not chosen <= choice_values(field.choices):
            raise ValidationError(_l("Please choose at least one field of expertise in each roster you join."))
        rosters = set(self.rosters.data or [])
        if {key.split(".", 1)[0] for key in chosen} - rosters:
            raise ValidationError(_l("A field you chose belongs to a roster you did not choose: choose that "
                                     "roster too, or leave the field out."))
        if rosters - {key.split(".", 1)[0] for key in chosen}:
            raise ValidationError(_l("Please choose at least one field of expertise in each roster you join."))

    def validate_work_countries(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose at least one country where you have worked."))
        if not set(field.data) <= all_countries():
            raise ValidationError(_l("Please choose the countries from the list."))


def cv_field(required: bool) -> FileField:
    return FileField(
        _l("CV (PDF, at most 5 MB)"),
        validators=[FileRequired(_l("Please choose your CV, a PDF file."))] if required else [],
        render_kw={"accept": "application/pdf,.pdf"},
    )


def _consent() -> BooleanField:
    return BooleanField(
        _l("I agree that, once approved, my name, rosters, fields of expertise, country, institution, position, "
           "experience, languages and profile are shown on the site. Only OIC-VET staff and approved partners "
           "see my e-mail address, telephone and CV."),
        validators=[DataRequired(_l("Please agree, so that you can be listed in the roster."))],
    )


class JoinForm(ExpertForm):
    """Join the Roster of Experts, for someone without an account: the profile, the CV, a login and a password."""

    email = email_field(_l("E-mail address"))
    password, confirm = new_password_fields(_l("Password"), _l("Password, again"))
    cv = cv_field(required=True)
    consent = _consent()


class AccountJoinForm(ExpertForm):
    """Join the Roster of Experts, for a logged-in account (a partner, say): the profile and the CV."""

    cv = cv_field(required=True)
    consent = _consent()


class CvForm(Form):
    """A new CV in place of the one kept."""

    cv = cv_field(required=True)


class WithdrawForm(Form):
    confirm = BooleanField(
        _l("I understand that my expert profile and my CV will be deleted, and cannot be brought back."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )


class SearchForm(Form):
    """The roster's filters, from the query string; never stored, so no CSRF token."""

    class Meta:
        csrf = False

    q = single_line_text(_l("Keywords"), None, 200, _l("Please use fewer keywords."))
    roster = CachedSelectField(_l("Roster"), validate_choice=False)
    field = CachedSelectField(_l("Field of expertise"), validate_choice=False)
    country = CachedSelectField(_l("Country of residence"), validate_choice=False)
    worked_in = CachedSelectField(_l("Country of work experience"), validate_choice=False)
    language = CachedSelectField(_l("Language"), validate_choice=False)
    years = CachedSelectField(_l("Years of experience"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = _l("All")
        self.roster.choices = with_first_choice("all: rosters", every, roster_choices())
        self.field.choices = with_first_choice("all: fields of expertise", every, expertise_choices())
        self.country.choices = with_first_choice("all: countries (every country)", every, country_choices())
        self.worked_in.choices = self.country.choices
        self.language.choices = with_first_choice("all: working languages", every, language_choices())
        self.years.choices = translated_choices("experts: minimum years", lambda: [
            ("", _l("Any")),
            *((str(years), ngettext("At least %(num)d year", "At least %(num)d years", years)) for years in YEARS_STEPS),
        ])

    def value(self, name: str) -> str:
        """A filter's value if it is one of its choices (a tampered one is ignored), else ""."""
        data = self[name].data
        if not isinstance(data, str):
            return ""
        if name == "q":
            return data[:200]
        return data if data in choice_values(self[name].choices) else ""


#: The minimum years a search offers.
YEARS_STEPS = (2, 5, 10, 15, 20, 25)
