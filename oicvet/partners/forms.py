"""The partner profile form, and registration (the profile plus an account)."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from oicvet.accounts.forms import email_field, new_password_fields
from oicvet.choices import member_state_choices, sector_choices
from oicvet.countries import OIC_MEMBER_STATES
from oicvet.forms import (
    CachedSelectField,
    CheckboxGroup,
    Choices,
    Form,
    TextInput,
    choice_values,
    phone_field,
    single_line_text,
    strip,
    translated_choices,
    website_field,
    with_first_choice,
)
from oicvet.i18n import lazy_gettext as _l
from oicvet.i18n import lazy_ngettext
from oicvet.partners.models import ORGANISATION_TYPES

DESCRIPTION_MAX = 2000
AREAS_MAX = 1000

#: The fields of PartnerForm that are the profile (registration adds an account to them).
PROFILE_FIELDS = (
    "name", "acronym", "organisation_type", "country", "city", "address", "website",
    "sectors", "cooperation_areas", "description", "contact_name", "contact_position", "phone",
)


def type_choices() -> Choices:
    return translated_choices("organisation types", ORGANISATION_TYPES.items)


class PartnerForm(Form):
    name = single_line_text(
        _l("Organisation name"),
        _l("Please enter the name of your organisation."),
        200,
        _l("Please keep the name under 200 characters."),
    )
    acronym = single_line_text(_l("Acronym"), None, 30, _l("Please keep the acronym under 30 characters."))
    organisation_type = CachedSelectField(
        _l("Type of organisation"),
        validators=[DataRequired(_l("Please choose the type of your organisation."))],
        validate_choice=False,
    )
    country = CachedSelectField(
        _l("Country"), validators=[DataRequired(_l("Please choose your country."))], validate_choice=False
    )
    city = single_line_text(_l("City"), _l("Please enter your city."), 100, _l("Please keep the city under 100 characters."))
    address = single_line_text(_l("Address"), None, 300, _l("Please keep the address under 300 characters."))
    website = website_field(_l("Website"))
    sectors = CheckboxGroup(
        _l("Sectors of interest"),
        validators=[DataRequired(_l("Please choose at least one sector."))],
        validate_choice=False,
    )
    cooperation_areas = TextAreaField(
        _l("Areas of cooperation"),
        validators=[
            DataRequired(_l("Please describe the areas in which you would like to cooperate.")),
            Length(max=AREAS_MAX, message=lazy_ngettext("Please keep this under %(num)d character.",
                                                        "Please keep this under %(num)d characters.", AREAS_MAX)),
        ],
        filters=[strip],
        description=_l("For example: teacher training, occupational standards, internships."),
    )
    description = TextAreaField(
        _l("Description of your organisation"),
        validators=[
            DataRequired(_l("Please describe your organisation.")),
            Length(max=DESCRIPTION_MAX, message=lazy_ngettext("Please keep this under %(num)d character.",
                                                              "Please keep this under %(num)d characters.", DESCRIPTION_MAX)),
        ],
        filters=[strip],
        description=lazy_ngettext("Up to %(num)d character.", "Up to %(num)d characters.", DESCRIPTION_MAX),
    )
    contact_name = single_line_text(
        _l("Contact person"), _l("Please enter the name of the contact person."), 120,
        _l("Please keep the name under 120 characters."),
    )
    contact_position = single_line_text(_l("Position"), None, 120, _l("Please keep the position under 120 characters."))
    phone = phone_field(_l("Telephone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose = _l("Choose…")
        self.organisation_type.choices = with_first_choice("choose: organisation types", choose, type_choices())
        self.country.choices = with_first_choice("choose: countries", choose, member_state_choices())
        self.sectors.choices = sector_choices()

    # Choices are checked here, so that a tampered value gets a translated message.
    def validate_country(self, field: SelectField) -> None:
        if field.data not in OIC_MEMBER_STATES:
            raise ValidationError(_l("Please choose your country."))

    def validate_organisation_type(self, field: SelectField) -> None:
        if field.data not in ORGANISATION_TYPES:
            raise ValidationError(_l("Please choose the type of your organisation."))

    def validate_sectors(self, field: SelectMultipleField) -> None:
        if not field.data or not set(field.data) <= choice_values(field.choices):
            raise ValidationError(_l("Please choose at least one sector."))


class RegistrationForm(PartnerForm):
    email = email_field(_l("E-mail address of the contact person"))
    password, confirm = new_password_fields(_l("Password"), _l("Password, again"))
    consent = BooleanField(
        _l("I agree that this profile is shown in the Partners Database once approved. Only logged-in, "
           "approved partners and OIC-VET staff see the contact e-mail address and telephone."),
        validators=[DataRequired(_l("Please agree, so that your profile can be listed."))],
    )


class SearchForm(Form):
    """The filters of Partner Search, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Keywords"), filters=[strip], widget=TextInput())
    country = CachedSelectField(_l("Country"), validate_choice=False)
    sector = CachedSelectField(_l("Sector"), validate_choice=False)
    type = CachedSelectField(_l("Type of organisation"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = _l("All")
        self.country.choices = with_first_choice("all: countries", everything, member_state_choices())
        self.sector.choices = with_first_choice("all: sectors", everything, sector_choices())
        self.type.choices = with_first_choice("all: organisation types", everything, type_choices())

    def value(self, name: str) -> str:
        """A filter's value, or "" when it is not one of its choices (a stale or edited URL)."""
        field = self[name]
        if name == "q":
            return (field.data or "")[:200]
        return field.data if field.data in choice_values(field.choices) else ""
