"""What the site's forms share: the base class, and telling an expired form apart."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField, TextAreaField

from oicvet.extensions import csrf

#: Control characters no one types on purpose; PostgreSQL refuses NUL outright,
#: and a line break in a name would reach the subject of an e-mail.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The same, but keeping tabs and line breaks, which belong in a longer text.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def drop_control(value: Any) -> Any:
    return CONTROL.sub("", value) if isinstance(value, str) else value


def drop_control_in_text(value: Any) -> Any:
    return CONTROL_IN_TEXT.sub("", value) if isinstance(value, str) else value


class Form(FlaskForm):
    """The base of every form of the site and its plugins.

    Every text field drops control characters before any other filter or
    validator sees the value, so no form can store one, whoever wrote it.
    Passwords are left as typed: they are hashed, never stored or shown.
    """

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                cleaner = drop_control_in_text if issubclass(field_class, TextAreaField) else drop_control
                filters = unbound_field.kwargs.get("filters") or ()
                unbound_field = unbound_field.__class__(
                    field_class, *unbound_field.args,
                    **{**unbound_field.kwargs, "filters": [cleaner, *filters]},
                )
            return unbound_field.bind(form=form, **options)


def forms_check_their_own_csrf(blueprint: Blueprint) -> Blueprint:
    """Let the forms of ``blueprint`` check their CSRF token themselves, as every ``Form`` does.

    Flask-WTF's global check answers a missing or stale token with a bare 400 page
    before the view runs. A form that checks its own token instead comes back with
    what was typed and a translated "this form had expired" (see :func:`form_expired`).
    Only for blueprints whose every POST goes through such a form's ``validate_on_submit``.
    """
    csrf.exempt(blueprint)
    return blueprint


def form_expired(form: FlaskForm) -> bool:
    """True when the form came back with a missing or stale CSRF token."""
    token = getattr(form, "csrf_token", None)
    return bool(token is not None and token.errors)
