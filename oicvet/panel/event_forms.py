"""The forms of the panel's events: the event itself, its photos and documents, and the list's filters."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, ValidationError
from wtforms.validators import Optional

from oicvet.forms import CachedSelectField, Choices, Form, TranslatedField, choice_values, translated_choices
from oicvet.i18n import babel_locale, country_name, languages
from oicvet.i18n import lazy_gettext as _l
from oicvet.plugins import EVENT_KINDS
from oicvet.search.folding import fold

#: The programme choice of OIC-VET's own events (no programme, no sector).
OICVET = "oicvet"
YEAR_RANGE = (1990, 2100)
PARTICIPANTS_MAX = 1_000_000
COUNTRIES_MAX = 57
#: Babel's territories that are not countries: groupings, "unknown", pseudo-locales.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})

NOT_A_CHOICE = _l("Choose one of the options in the list.")


def kind_choices() -> Choices:
    """The kinds of event, labelled in the page's language."""
    from oicvet.programmes import EVENT_KIND_LABELS

    return translated_choices("panel: event kinds", lambda: [(kind, EVENT_KIND_LABELS[kind]) for kind in EVENT_KINDS])


def country_choices() -> Choices:
    """Every country (events happen outside the member states too), named and sorted in the page's language."""
    return translated_choices("panel: every country", _every_country)


def _every_country() -> list[tuple[str, Any]]:
    codes = [code for code in babel_locale("en").territories
             if len(code) == 2 and code.isalpha() and code.isupper() and code not in NOT_COUNTRIES]
    named = sorted(((code, country_name(code)) for code in codes), key=lambda item: fold(item[1]))
    return [("", _l("Not recorded")), *named]


def language_choices() -> Choices:
    """The served languages, each named in the page's language."""
    def build() -> list[tuple[str, str]]:
        from oicvet.i18n import current_language

        names = babel_locale(current_language()).languages
        return [(code, names.get(code, code)) for code in languages()]

    return translated_choices("panel: document languages", build)


class NumberField(StringField):
    """A whole number in a range, or nothing; what was typed stays in the input when it is refused."""

    def __init__(self, label: Any, minimum: int, maximum: int, required: Any = None, **kwargs: Any) -> None:
        super().__init__(label, render_kw={"inputmode": "numeric"}, **kwargs)
        self.minimum, self.maximum, self.required_message = minimum, maximum, required
        self.number: int | None = None
        if required:
            self.flags.required = True

    def pre_validate(self, form: Any) -> None:
        self.number = None
        value = (self.data or "").strip()
        if not value:
            if self.required_message:
                raise ValidationError(str(self.required_message))
            return
        if not (value.isascii() and re.fullmatch(r"[0-9]{1,10}", value)):
            raise ValidationError(str(_l("Write a whole number, in digits.")))
        number = int(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(str(_l("Write a number from %(min)s to %(max)s.", min=self.minimum,
                                         max=self.maximum)))
        self.number = number


class DayField(StringField):
    """A date typed as YYYY-MM-DD (what a browser's date input sends), or nothing."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        super().__init__(label, render_kw={"type": "date"}, **kwargs)
        self.day: date | None = None

    def pre_validate(self, form: Any) -> None:
        self.day = None
        value = (self.data or "").strip()
        if not value:
            return
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError(value)
            self.day = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise ValidationError(str(_l("Write the date as year-month-day, such as 2024-05-31."))) from None


class ChoiceField(CachedSelectField):
    """A list whose choices the view sets; a value not among them is a field error, not a crash."""

    def __init__(self, label: Any, required: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators=[] if required else [Optional()], validate_choice=False, **kwargs)
        self.required_message = required
        if required:
            self.flags.required = True

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            if self.required_message:
                raise ValidationError(str(self.required_message))
            return
        if self.data not in self.values():
            raise ValidationError(str(NOT_A_CHOICE))

    def values(self) -> frozenset[str]:
        """The values offered, in groups (``SelectChoice`` with an optgroup) or not."""
        if isinstance(self.choices, tuple):
            return choice_values(self.choices)
        return frozenset(str(choice.value) for choice in self._choices_from_input(self.choices) or ())


class EventForm(Form):
    """Every field of an event. The view sets the programme choices (the person's sectors)."""

    #: The version the form was based on: a save over a newer one is a conflict.
    version = HiddenField()
    programme = ChoiceField(_l("Programme"), required=_l("Choose the programme the event belongs to."))
    kind = ChoiceField(_l("Type of activity"), required=_l("Choose the type of activity."))
    title = TranslatedField(_l("Title"), required=True, max_length=300)
    summary = TranslatedField(_l("Summary"), max_length=1000, multiline=True)
    body = TranslatedField(_l("Description"), max_length=20000, multiline=True)
    year = NumberField(_l("Year"), *YEAR_RANGE, required=_l("Write the year the event is filed under."),
                       description=_l("The year it is filed under, even when its dates are not known."))
    start_date = DayField(_l("First day"))
    end_date = DayField(_l("Last day"))
    city = TranslatedField(_l("City"), max_length=100)
    country = ChoiceField(_l("Country"))
    is_virtual = BooleanField(_l("Held online"))
    participants = NumberField(_l("Number of participants"), 0, PARTICIPANTS_MAX)
    countries_count = NumberField(_l("Number of countries taking part"), 0, COUNTRIES_MAX)
    #: Only on a new event: otherwise the Publish and Unpublish buttons.
    publish = BooleanField(_l("Publish now"), description=_l("Otherwise the event is saved unpublished, "
                                                               "seen in the staff panel only."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        start, end = self.start_date.day, self.end_date.day
        if start and end and end < start:
            self.end_date.errors.append(str(_l("The last day cannot come before the first.")))
            valid = False
        if start and self.year.number is not None and start.year != self.year.number:
            self.year.errors.append(str(_l("The year must be the year of the first day (%(year)s).",
                                           year=start.year)))
            valid = False
        return valid


class PhotoForm(Form):
    photo = FileField(_l("Photo"), render_kw={"accept": "image/jpeg,image/png,image/webp"}, description=_l("A JPEG, PNG or WebP photo of at most 8 MB; it is scaled "
                                                  "down to 1,600 pixels and its metadata removed."))
    photo_alt = TranslatedField(_l("Text alternative"), required=True, max_length=300)

    def validate_photo(self, field: Any) -> None:
        if not getattr(field.data, "filename", None):
            raise ValidationError(str(_l("Choose a photo to send.")))


class DocumentForm(Form):
    document = FileField(_l("Document"), render_kw={"accept": "application/pdf,.pdf"}, description=_l("A PDF of at most 10 MB."))
    document_title = TranslatedField(_l("Title of the document"), required=True, max_length=300)
    document_language = ChoiceField(_l("Language of the document"),
                                    required=_l("Choose the language the document is written in."))

    def validate_document(self, field: Any) -> None:
        if not getattr(field.data, "filename", None):
            raise ValidationError(str(_l("Choose a document to send.")))


class EventFilter(Form):
    """The list's filters; a GET form, so no CSRF token. The view sets the choices."""

    class Meta:
        csrf = False

    sector = ChoiceField(_l("Sector"))
    programme = ChoiceField(_l("Programme"))
    year = ChoiceField(_l("Year"))
    status = ChoiceField(_l("Status"))
    q = StringField(_l("Words in the English title"), validators=[Optional()])
