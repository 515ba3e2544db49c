"""Forms of the account pages. Each checks its own CSRF token."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from oicvet.accounts.passwords import MAX_LENGTH, MIN_LENGTH, is_common
from oicvet.forms import Form
from oicvet.i18n import lazy_gettext as _l
from oicvet.i18n import lazy_ngettext


def email_field(label: Any = None, required: bool = True, **kwargs: Any) -> EmailField:
    """An e-mail address; ``required=False`` for one that may be left empty (the empty value is "")."""
    presence = DataRequired(_l("Please enter your e-mail address.")) if required else Optional()
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            presence,
            Email(_l("Please enter a valid e-mail address, such as name@example.org.")),
            Length(max=254, message=_l("Please enter a shorter e-mail address.")),
        ],
        filters=[lambda value: value.strip() if value else value],
        **kwargs,
    )


class GoodPassword:
    """8 to 128 characters and not one of the common passwords; nothing else is asked."""

    def __call__(self, form: Form, field: PasswordField) -> None:
        password = field.data or ""
        if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
            raise ValidationError(
                lazy_ngettext("Please choose a password of %(min)d to %(num)d character.",
                              "Please choose a password of %(min)d to %(num)d characters.", MAX_LENGTH, min=MIN_LENGTH)
            )
        if is_common(password):
            raise ValidationError(
                _l("This password is one of the most common ones, so it is easy to guess. Please choose another.")
            )


def new_password_fields(label: Any = None, again: Any = None) -> tuple[PasswordField, PasswordField]:
    """A password to choose, under the rules, and the same typed again."""
    password = PasswordField(
        label or _l("New password"),
        validators=[DataRequired(_l("Please choose a password.")), GoodPassword()],
        description=_l("At least 8 characters. A few words you will remember make a good password."),
    )
    confirm = PasswordField(
        again or _l("New password, again"),
        validators=[
            DataRequired(_l("Please type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
    return password, confirm


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password."))])
    remember = BooleanField(_l("Keep me logged in on this computer"))
    next = HiddenField()


class LogoutForm(Form):
    pass


class PasswordChangeForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Please enter your current password."))]
    )
    password, confirm = new_password_fields()


class ResetRequestForm(Form):
    email = email_field()


class ResetForm(Form):
    password, confirm = new_password_fields()


class ConfirmForm(Form):
    pass


class LoginLinkForm(Form):
    pass


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Please enter your password."))]
    )
