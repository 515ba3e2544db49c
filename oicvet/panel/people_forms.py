"""The forms of the panel's people pages: accounts and roles, National Focal Points, the inbox."""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, HiddenField, StringField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

from oicvet import choices
from oicvet.accounts.forms import email_field
from oicvet.accounts.models import ROLE_LABELS, Role
from oicvet.choices import sector_choices
from oicvet.forms import (
    CachedSelectField,
    CheckboxGroup,
    Choices,
    Form,
    TextInput,
    TranslatedField,
    choice_values,
    strip,
    translated_choices,
    with_scheme,
)
from oicvet.i18n import language_names, languages
from oicvet.i18n import lazy_gettext as _l

#: A search typed into the account list is cut to this length.
QUERY_MAX = 100
#: The "disabled" filter of the account list, beside the roles.
DISABLED = "disabled"


def member_state_choices() -> Choices:
    """An empty choice, then the 57 member states named and sorted in the page's language."""
    return translated_choices("panel: member states", lambda: [("", _l("Choose a country")),
                                                               *choices.member_state_choices()])


def account_filter_choices() -> Choices:
    return translated_choices("panel: account filters", lambda: [
        ("", _l("Every account")),
        *((role.value, ROLE_LABELS[role]) for role in Role),
        (DISABLED, _l("Disabled accounts")),
    ])


class AccountSearchForm(Form):
    """The account list's search and filter, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail address"), filters=[strip], widget=TextInput())
    role = CachedSelectField(_l("Show"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = account_filter_choices()

    def value(self, name: str) -> str:
        """A filter's value, or "" when it is not a valid one (an edited URL)."""
        if name == "q":
            return (self.q.data or "")[:QUERY_MAX]
        return self.role.data if self.role.data in choice_values(self.role.choices) else ""


class RolesForm(Form):
    """The staff roles of an account, and the sectors a sector editor edits."""

    administrator = BooleanField(_l("Administrator"), description=_l(
        "Edits everything, OIC-VET's own content included, and keeps the accounts, the National Focal "
        "Points, the Committee's meetings and the inbox."))
    sector_editor = BooleanField(_l("Sector editor"), description=_l(
        "Edits the events and programme texts of the sectors chosen below."))
    sectors = CheckboxGroup(_l("Sectors this person edits"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sectors.choices = list(sector_choices())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        known = choice_values(sector_choices())
        chosen = self.sectors.data or []
        if any(key not in known for key in chosen):
            self.sectors.errors.append(str(_l("Please choose among the sectors listed.")))
            return False
        if chosen and not self.sector_editor.data:
            self.sectors.errors.append(str(_l(
                "Sectors are for sector editors: tick \u201cSector editor\u201d too, or untick the sectors.")))
            return False
        if self.sector_editor.data and not chosen:
            self.sectors.errors.append(str(_l("Please choose at least one sector for the sector editor.")))
            return False
        return valid


class NewAccountForm(RolesForm):
    """An account an administrator makes for a new staff member, who then chooses a password."""

    name = StringField(_l("Name"), filters=[strip], widget=TextInput(), validators=[
        DataRequired(_l("Please write the person's name.")),
        Length(max=120, message=_l("Please write a shorter name.")),
    ])
    email = email_field(_l("E-mail address"))
    language = CachedSelectField(_l("Language of the e-mails the person receives"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = translated_choices(
            "panel: languages", lambda: [(code, language_names()[code]) for code in languages()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.administrator.data or self.sector_editor.data):
            self.administrator.errors.append(str(_l(
                "Tick a staff role: an account made here is for SESRIC's own people.")))
            return False
        return valid


class FocalPointForm(Form):
    """A National Focal Point: its country, its institution in every language, its website."""

    country = CachedSelectField(
        _l("Country"), validators=[DataRequired(_l("Please choose the country."))],
        invalid_choice_message=_l("Please choose one of the member states listed."),
    )
    institution = TranslatedField(_l("Institution"), required=True, max_length=300)
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            URL(require_tld=True, message=_l("Please enter a web address, such as https://www.example.org.")),
            Regexp(r"^https?://", re.IGNORECASE, _l("Please enter a web address, such as https://www.example.org.")),
            Length(max=300, message=_l("Please enter a shorter web address.")),
        ],
        filters=[with_scheme],
    )
    #: The version the form was opened on: a save over a newer one is refused.
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = member_state_choices()
