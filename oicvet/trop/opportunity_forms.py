"""The form a TROP member fills in for a training opportunity, new or edited.

Which fields are required depends on others (dates unless "on request", a venue
unless online, a fee unless free), so those rules live in ``validate`` and each
message is tied to the field that needs correcting. Every closed list is checked
here too, so that a tampered value gets a translated message, never a crash.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from oicvet.accounts.forms import email_field
from oicvet.choices import country_choices, sector_choices
from oicvet.forms import (
    CachedSelectField,
    CheckboxGroup,
    Choices,
    Form,
    TextInput,
    TranslatedField,
    choice_values,
    single_line_text,
    strip,
    translated_choices,
    website_field,
    with_first_choice,
)
from oicvet.i18n import lazy_gettext as _l
from oicvet.i18n import lazy_ngettext
from oicvet.trop.choices import (
    CURRENCIES,
    DURATION_UNITS,
    KINDS,
    MODALITIES,
    currency_choices,
    kind_choices,
    language_choices,
    modality_choices,
)

TITLE_MAX = 300
DESCRIPTION_MAX = 5000
TARGET_GROUP_MAX = 500
DURATION_MAX = 999
PLACES_MAX = 10_000
#: What ``Numeric(12, 2)`` holds: ten digits before the decimal point, two after.
FEE_PATTERN = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")

#: The labels of ``DURATION_UNITS``, beside a number the person types.
DURATION_UNIT_LABELS = {
    "hours": _l("Hours"),
    "days": _l("Days"),
    "weeks": _l("Weeks"),
    "months": _l("Months"),
}

NOT_A_DATE = _l("Please enter the date as year-month-day, such as 2027-05-31.")
NOT_A_NUMBER = _l("Please enter a whole number, in digits.")
DATE_REQUIRED = _l("Please enter the first day, or tick “On request”.")
SECTOR_REQUIRED = _l("Please choose the field of training.")
KIND_REQUIRED = _l("Please choose the type of opportunity.")
MODALITY_REQUIRED = _l("Please choose how it is given: face-to-face, online or blended.")


def duration_unit_choices() -> Choices:
    return translated_choices("trop: duration units", lambda: [(unit, DURATION_UNIT_LABELS[unit])
                                                               for unit in DURATION_UNITS])


class AmountField(DecimalField):
    """An amount of money with at most two decimals; "1 250,50" is read as 1250.50.

    A text input, not a number input: a browser's number input refuses the comma
    that French and Arabic readers write.
    """

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        # Spaces (plain and no-break) group thousands; a single comma is the decimal point.
        text = re.sub(r"[\s\u00a0\u202f]", "", str(valuelist[0]))
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")
        if not text:
            self.data = None
            return
        if not (text.isascii() and FEE_PATTERN.fullmatch(text)):
            self.data = None
            raise ValueError(str(self.invalid_value_message))
        self.data = Decimal(text)


def _choice(label: Any, required: Any = None) -> CachedSelectField:
    """A list; ``required`` is the message when nothing is chosen. The form's ``validate_<name>``
    checks the value, so that a tampered one gets a translated message too."""
    return CachedSelectField(label, validators=[DataRequired(required)] if required else [],
                             validate_choice=False)


class OpportunityForm(Form):
    """Every field of a training opportunity; ``publish`` only on a new one."""

    #: The version the form was based on: a save over a newer one is a conflict, not an overwrite.
    version = HiddenField()
    title = TranslatedField(
        _l("Title"), any_language=_l("Please write the title in at least one language."), max_length=TITLE_MAX,
    )
    description = TranslatedField(
        _l("Description"), any_language=_l("Please describe the opportunity in at least one language."),
        max_length=DESCRIPTION_MAX, multiline=True,
    )
    sector = _choice(_l("Field of training"), SECTOR_REQUIRED)
    kind = _choice(_l("Type of opportunity"), KIND_REQUIRED)
    modality = _choice(_l("Modality"), MODALITY_REQUIRED)
    on_request = BooleanField(
        _l("On request"), description=_l("No fixed dates: your institution runs it when participants ask for it."),
    )
    start_date = DateField(_l("First day"), validators=[Optional()], invalid_value_message=NOT_A_DATE)
    end_date = DateField(_l("Last day"), validators=[Optional()], invalid_value_message=NOT_A_DATE)
    duration_value = IntegerField(
        _l("Duration"), invalid_value_message=NOT_A_NUMBER,
        validators=[Optional(), NumberRange(1, DURATION_MAX, _l("Please enter a number from %(min)s to %(max)s.",
                                                                 min=1, max=DURATION_MAX))],
    )
    duration_unit = _choice(_l("Unit of the duration"))
    languages = CheckboxGroup(_l("Languages of instruction"), validate_choice=False)
    venue_country = _choice(_l("Country of the venue"))
    venue_city = single_line_text(_l("City of the venue"), None, 100,
                                  _l("Please keep the city under 100 characters."))
    target_group = TextAreaField(
        _l("Target group"), filters=[strip],
        validators=[Optional(), Length(max=TARGET_GROUP_MAX, message=lazy_ngettext(
            "Please keep this under %(num)d character.", "Please keep this under %(num)d characters.", TARGET_GROUP_MAX))],
        description=lazy_ngettext(
            "Who it is for, such as “Instructors of vocational schools”. Up to %(num)d character.",
            "Who it is for, such as “Instructors of vocational schools”. Up to %(num)d characters.", TARGET_GROUP_MAX),
    )
    places = IntegerField(
        _l("Number of places"), invalid_value_message=NOT_A_NUMBER,
        validators=[Optional(), NumberRange(1, PLACES_MAX, _l("Please enter a number from %(min)s to %(max)s.",
                                                               min=1, max=PLACES_MAX))],
    )
    is_free = BooleanField(_l("Free of charge"))
    fee_amount = AmountField(
        _l("Amount of the fee"), validators=[Optional()], render_kw={"inputmode": "decimal"},
        invalid_value_message=_l("Please enter the fee as a number, with at most two decimals, such as 250 or "
                                 "99.50."),
    )
    fee_currency = _choice(_l("Currency of the fee"))
    application_deadline = DateField(_l("Deadline for applications"), validators=[Optional()],
                                     invalid_value_message=NOT_A_DATE)
    apply_url = website_field(_l("Web page to apply"), maximum=300)
    apply_email = email_field(_l("E-mail address to apply"), required=False)
    #: Only on a new opportunity; an existing one has its Publish and Unpublish buttons.
    publish = BooleanField(_l("Publish it now"),
                           description=_l("Otherwise it is saved as a draft, which only your institution sees."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose = _l("Choose…")
        self.sector.choices = with_first_choice("choose: sectors", choose, sector_choices())
        self.kind.choices = with_first_choice("choose: trop kinds", choose, kind_choices())
        self.modality.choices = with_first_choice("choose: trop modalities", choose, modality_choices())
        self.duration_unit.choices = with_first_choice("choose: trop duration units", choose,
                                                       duration_unit_choices())
        self.languages.choices = language_choices()
        self.venue_country.choices = with_first_choice("choose: countries (any)", choose, country_choices())
        self.fee_currency.choices = with_first_choice("choose: trop currencies", choose, currency_choices())

    # Closed lists: an empty or tampered value gets the field's own translated message.

    def validate_sector(self, field: CachedSelectField) -> None:
        if field.data not in choice_values(sector_choices()):
            raise ValidationError(str(SECTOR_REQUIRED))

    def validate_kind(self, field: CachedSelectField) -> None:
        if field.data not in KINDS:
            raise ValidationError(str(KIND_REQUIRED))

    def validate_modality(self, field: CachedSelectField) -> None:
        if field.data not in MODALITIES:
            raise ValidationError(str(MODALITY_REQUIRED))

    def validate_duration_unit(self, field: CachedSelectField) -> None:
        if field.data and field.data not in DURATION_UNITS:
            raise ValidationError(str(_l("Please choose the unit of the duration.")))

    def validate_languages(self, field: CheckboxGroup) -> None:
        if not field.data or not set(field.data) <= choice_values(field.choices):
            raise ValidationError(str(_l("Please choose at least one language of instruction.")))

    def validate_venue_country(self, field: CachedSelectField) -> None:
        if field.data and field.data not in choice_values(country_choices()):
            raise ValidationError(str(_l("Please choose the country of the venue.")))

    def validate_fee_currency(self, field: CachedSelectField) -> None:
        if field.data and field.data not in CURRENCIES:
            raise ValidationError(str(_l("Please choose the currency of the fee.")))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # The rules between fields; a field that already has an error keeps only that one.
        rules = [
            *self._dates(),
            *self._duration(),
            *self._venue(),
            *self._fee(),
        ]
        if not self.apply_url.data and not self.apply_email.data:
            rules.append((self.apply_url, _l("Please give a web page or an e-mail address where people apply.")))
        for field, message in rules:
            if not field.errors:
                field.errors.append(str(message))
            valid = False
        return valid

    def _dates(self) -> list[tuple[Any, Any]]:
        if self.on_request.data:
            return []
        start, end, deadline = self.start_date.data, self.end_date.data, self.application_deadline.data
        problems: list[tuple[Any, Any]] = []
        if start is None:
            problems.append((self.start_date, DATE_REQUIRED))
        if end is None:
            problems.append((self.end_date, _l("Please enter the last day, or tick “On request”.")))
        elif start is not None and end < start:
            problems.append((self.end_date, _l("The last day cannot come before the first.")))
        if deadline is not None and end is not None and deadline > end:
            problems.append((self.application_deadline,
                             _l("The deadline for applications cannot come after the last day.")))
        return problems

    def _duration(self) -> list[tuple[Any, Any]]:
        if self.duration_value.data is not None and not self.duration_unit.data:
            return [(self.duration_unit, _l("Please choose the unit of the duration."))]
        if self.duration_unit.data and self.duration_value.data is None and not self.duration_value.errors:
            return [(self.duration_value, _l("Please enter the duration, or leave its unit empty."))]
        return []

    def _venue(self) -> list[tuple[Any, Any]]:
        if self.modality.data != "online" and not self.venue_country.data:
            return [(self.venue_country, _l("Please choose the country of the venue (not needed online)."))]
        return []

    def _fee(self) -> list[tuple[Any, Any]]:
        if self.is_free.data:
            return []
        problems: list[tuple[Any, Any]] = []
        if self.fee_amount.data is None:
            problems.append((self.fee_amount, _l("Please enter the fee, or tick “Free of charge”.")))
        if not self.fee_currency.data:
            problems.append((self.fee_currency, _l("Please choose the currency of the fee.")))
        return problems
