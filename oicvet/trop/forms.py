"""The training institution's profile form, and the application to TROP (with an account, or without)."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from oicvet.accounts.forms import email_field, new_password_fields
from oicvet.choices import member_state_choices, sector_choices
from oicvet.countries import OIC_MEMBER_STATES
from oicvet.forms import (
    CachedSelectField,
    CheckboxGroup,
    Form,
    choice_values,
    phone_field,
    single_line_text,
    strip,
    website_field,
    with_first_choice,
)
from oicvet.i18n import lazy_gettext as _l
from oicvet.i18n import lazy_ngettext
from oicvet.trop.choices import INSTITUTION_TYPES, institution_type_choices

DESCRIPTION_MAX = 2000

#: The fields of InstitutionForm that are the profile (an application may add an account to them).
INSTITUTION_FIELDS = (
    "name", "acronym", "institution_type", "country", "city", "address", "website", "phone", "public_email",
    "contact_name", "contact_position", "fields", "description",
)


class InstitutionForm(Form):
    name = single_line_text(
        _l("Name of the institution"), _l("Please enter the name of your institution."), 200,
        _l("Please keep the name under 200 characters."),
    )
    acronym = single_line_text(_l("Acronym"), None, 30, _l("Please keep the acronym under 30 characters."))
    institution_type = CachedSelectField(
        _l("Type of institution"),
        validators=[DataRequired(_l("Please choose the type of your institution."))],
        validate_choice=False,
    )
    country = CachedSelectField(
        _l("Country"), validators=[DataRequired(_l("Please choose your country."))], validate_choice=False
    )
    city = single_line_text(_l("City"), _l("Please enter your city."), 100,
                            _l("Please keep the city under 100 characters."))
    address = single_line_text(_l("Address"), None, 300, _l("Please keep the address under 300 characters."))
    website = website_field(_l("Website"))
    phone = phone_field(_l("Telephone"))
    public_email = email_field(
        _l("E-mail address for enquiries"), required=False,
        description=_l("Shown on your institution's page to logged-in TROP members and OIC-VET staff."),
    )
    contact_name = single_line_text(
        _l("Contact person"), _l("Please enter the name of the contact person."), 120,
        _l("Please keep the name under 120 characters."),
    )
    contact_position = single_line_text(_l("Position"), None, 120,
                                        _l("Please keep the position under 120 characters."))
    fields = CheckboxGroup(
        _l("Fields of training"),
        validators=[DataRequired(_l("Please choose at least one field of training."))],
        validate_choice=False,
    )
    description = TextAreaField(
        _l("Description of your institution"),
        validators=[
            DataRequired(_l("Please describe your institution.")),
            Length(max=DESCRIPTION_MAX, message=lazy_ngettext("Please keep this under %(num)d character.",
                                                              "Please keep this under %(num)d characters.", DESCRIPTION_MAX)),
        ],
        filters=[strip],
        description=lazy_ngettext("Up to %(num)d character.", "Up to %(num)d characters.", DESCRIPTION_MAX),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose = _l("Choose…")
        self.institution_type.choices = with_first_choice(
            "choose: trop institution types", choose, institution_type_choices()
        )
        self.country.choices = with_first_choice("choose: countries", choose, member_state_choices())
        self.fields.choices = sector_choices()

    # Choices are checked here, so that a tampered value gets a translated message.
    def validate_country(self, field: SelectField) -> None:
        if field.data not in OIC_MEMBER_STATES:
            raise ValidationError(_l("Please choose your country."))

    def validate_institution_type(self, field: SelectField) -> None:
        if field.data not in INSTITUTION_TYPES:
            raise ValidationError(_l("Please choose the type of your institution."))

    def validate_fields(self, field: SelectMultipleField) -> None:
        if not field.data or not set(field.data) <= choice_values(field.choices):
            raise ValidationError(_l("Please choose at least one field of training."))


def _consent() -> BooleanField:
    return BooleanField(
        _l("I agree that my institution's profile and the opportunities it publishes are shown on the site "
           "once approved. Only logged-in TROP members and OIC-VET staff see the telephone and e-mail address."),
        validators=[DataRequired(_l("Please agree, so that your institution can be listed."))],
    )


class ApplicationForm(InstitutionForm):
    """Become a Member of TROP, for someone without an account: the profile, a login and a password."""

    email = email_field(_l("E-mail address of the contact person"))
    password, confirm = new_password_fields(_l("Password"), _l("Password, again"))
    consent = _consent()


class AccountApplicationForm(InstitutionForm):
    """Become a Member of TROP, for a logged-in account (a partner, say): the profile alone."""

    consent = _consent()



