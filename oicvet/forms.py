"""What the site's forms share: the base class, and telling an expired form apart."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from babel.support import Translations
from flask import Blueprint, current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    Field,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    ValidationError,
    widgets,
)
from wtforms.fields.choices import Choice
from wtforms.fields.core import Label
from wtforms.i18n import messages_path
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp
from wtforms.widgets.core import clean_key

from oicvet.extensions import csrf
from oicvet.i18n import DEFAULT_LANGUAGE, current_language, current_translations, languages
from oicvet.i18n import lazy_gettext as _l

#: ``(value, label)`` pairs in one language, as plain text: hashable, so their HTML can be kept.
Choices = tuple[tuple[str, str], ...]

#: Control characters no one types on purpose; PostgreSQL refuses NUL outright,
#: and a line break in a name would reach the subject of an e-mail.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The same, but keeping tabs and line breaks, which belong in a longer text.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def drop_control(value: Any) -> Any:
    return CONTROL.sub("", value) if isinstance(value, str) else value


def drop_control_in_text(value: Any) -> Any:
    return CONTROL_IN_TEXT.sub("", value) if isinstance(value, str) else value


def strip(value: Any) -> Any:
    """A filter: the text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


def with_scheme(value: Any) -> Any:
    """A filter for web addresses: people type "www.example.org", and a link needs its scheme."""
    value = strip(value)
    if value and not re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE):
        value = "https://" + value
    return value


class CheckboxGroup(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class Form(FlaskForm):
    """The base of every form of the site and its plugins.

    Every text field drops control characters before any other filter or
    validator sees the value, so no form can store one, whoever wrote it.
    Passwords are left as typed: they are hashed, never stored or shown.
    """

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = _with_cleaner(unbound_field).bind(form=form, **options)
            field.label = CachedLabel(field.label.field_id, field.label.text)
            return field

        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_MESSAGES


#: A form's declared fields, each with the cleaner that drops control characters, made once per field.
_CLEANED: dict[Any, Any] = {}


def _with_cleaner(unbound_field: Any) -> Any:
    cleaned = _CLEANED.get(unbound_field)
    if cleaned is None:
        cleaned = unbound_field
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            cleaner = drop_control_in_text if issubclass(field_class, TextAreaField) else drop_control
            filters = unbound_field.kwargs.get("filters") or ()
            cleaned = unbound_field.__class__(
                field_class, *unbound_field.args,
                **{**unbound_field.kwargs, "filters": [cleaner, *filters]},
            )
        _CLEANED[unbound_field] = cleaned
    return cleaned


class _WTFormsMessages:
    """WTForms' own messages in the page's language, each language's catalog read once.

    Flask-WTF reads the catalog from disk again in every request that shows one.
    """

    def __init__(self) -> None:
        self._catalogs: dict[str, Translations] = {}

    def _catalog(self) -> Translations | None:
        if not has_request_context() or "babel" not in current_app.extensions:
            return None
        locale = get_locale()
        if locale is None:
            return None
        catalog = self._catalogs.get(str(locale))
        if catalog is None:
            catalog = self._catalogs[str(locale)] = Translations.load(messages_path(), [locale], domain="wtforms")
        return catalog

    def gettext(self, string: str) -> str:
        catalog = self._catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)


WTFORMS_MESSAGES = _WTFormsMessages()


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


def translated_choices(name: str, build: Callable[[], Iterable[tuple[Any, Any]]]) -> Choices:
    """The choices ``build`` makes, with their labels translated, made once per app and language.

    ``build`` gives ``(value, label)`` pairs, labels possibly lazy; it must not depend on the
    request, only on the app (its plugins, catalogs) and the page's language.
    """
    cache: dict[tuple[str, str, Any], Choices] = current_app.extensions.setdefault("oicvet.choices", {})
    # The catalogs in use and the page's language (country names follow it) decide the labels.
    key = (name, current_language(), current_translations())
    choices = cache.get(key)
    if choices is None:
        choices = cache[key] = tuple((str(value), str(label)) for value, label in build())
    return choices


@lru_cache(maxsize=256)
def choice_values(choices: Choices) -> frozenset[str]:
    """The values of ``choices``: what a submitted value must be one of."""
    return frozenset(value for value, _label in choices)


@lru_cache(maxsize=1024)
def _options(choices: Choices, selected: str | None) -> Markup:
    render = widgets.Select.render_option
    return Markup("").join(render(Choice(value, label, value == selected, None)) for value, label in choices)


class CachedSelect(widgets.Select):
    """A ``<select>`` whose options are rendered once per list of choices and selected value.

    The same HTML as WTForms' ``Select``; a page with the 57 member states in a
    filter would otherwise render each option anew on every request. Choices
    that are not a ``Choices`` tuple (groups, render_kw) are rendered as usual.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        if self.multiple or not _is_plain(choices) or field.coerce is not str:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        data = field.data
        # Only a known value is a key: a tampered one selects nothing and adds no entry.
        selected = data if isinstance(data, str) and data in choice_values(choices) else None
        try:
            opening = _opening(field.name, tuple(sorted(kwargs.items())))
        except TypeError:  # an attribute value that cannot be a key
            opening = Markup(f"<select {widgets.html_params(name=field.name, **kwargs)}>")
        return opening + _options(choices, selected) + Markup("</select>")


@lru_cache(maxsize=1024)
def _opening(name: str, attributes: tuple[tuple[str, Any], ...]) -> Markup:
    return Markup(f"<select {widgets.html_params(name=name, **dict(attributes))}>")


def _is_plain(choices: Any) -> bool:
    """Whether ``choices`` are ``Choices`` (a tuple of text pairs), which ``CachedSelect`` keeps."""
    if not isinstance(choices, tuple):
        return False
    try:
        return _plain_pairs(choices)
    except TypeError:  # something in them cannot be a key: not plain
        return False


@lru_cache(maxsize=256)
def _plain_pairs(choices: tuple[Any, ...]) -> bool:
    return all(
        type(pair) is tuple and len(pair) == 2 and type(pair[0]) is str and type(pair[1]) is str for pair in choices
    )


class CachedLabel(Label):
    """A field's ``<label>``, made once per field id and text (WTForms makes it anew each time)."""

    def __call__(self, text: str | None = None, **kwargs: Any) -> Markup:
        if text is not None or kwargs:
            return super().__call__(text, **kwargs)
        return _label(self.field_id, str(self.text))


@lru_cache(maxsize=2048)
def _label(field_id: str, text: str) -> Markup:
    return Markup(f"<label {widgets.html_params(for_=field_id)}>{escape(text)}</label>")


def html_attributes(**kwargs: Any) -> Markup:
    """WTForms' ``html_params``, the same attributes in the same order, at a fifth of its cost."""
    parts = []
    for key, value in sorted(kwargs.items()):
        if value is False:
            continue
        name = clean_key(key)
        parts.append(name if value is True else f'{name}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(parts))


class TextInput(widgets.TextInput):
    """WTForms' text input, its attributes written by ``html_attributes``."""

    html_params = staticmethod(html_attributes)


#: WTForms' own message (translated by WTForms, not by the site's catalogs).
_NOT_A_CHOICE = "Not a valid choice."


class CachedSelectField(SelectField):
    """A ``SelectField`` rendered by ``CachedSelect``, whose choice check is a set lookup.

    Give it ``Choices`` (see ``translated_choices``); other choices work as in WTForms.
    """

    widget = CachedSelect()

    def pre_validate(self, form: Any) -> None:
        if not self.data and self.flags.optional:
            return None  # Optional() clears the error of an empty choice: none is made (nor translated)
        if self.process_errors or not self.validate_choice or not _is_plain(self.choices) or self.coerce is not str:
            return super().pre_validate(form)
        if self.data not in choice_values(self.choices):
            raise ValidationError(self.invalid_choice_message or self.gettext(_NOT_A_CHOICE))
        return None


ENGLISH_REQUIRED = _l("Write the English text: the other languages show it where theirs is missing.")



class TranslatedField(Field):
    """One text in each served language: ``data`` is ``{language: text}``, empty texts left out.

    The browser sends ``<name>-<language>``; English is required when ``required``
    is set, since every other language falls back to it. ``multiline`` makes
    each language a textarea (tabs and line breaks kept).
    """

    def __init__(self, label: Any = None, validators: Any = None, *, required: bool = False,
                 any_language: Any = None, max_length: int = 300, multiline: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.required = required
        #: The message when no language has a text: set, it asks for one text in any language
        #: (the others then fall back to it), rather than English.
        self.any_language = any_language
        self.max_length = max_length
        self.multiline = multiline
        if required:
            self.flags.required = True

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        clean = drop_control_in_text if self.multiline else drop_control
        if formdata is not None and any(f"{self.name}-{code}" in formdata for code in languages()):
            texts = {code: clean(formdata.get(f"{self.name}-{code}", "")) for code in languages()}
            self.data = {code: text.strip() for code, text in texts.items() if text and text.strip()}
            self.raw_data = [self.data]
        else:
            if data is None and self.default is not None:
                data = self.default() if callable(self.default) else self.default
            self.data = {str(code): str(text) for code, text in (data or {}).items() if text}

    def pre_validate(self, form: Any) -> None:
        if self.required and not self.data.get(DEFAULT_LANGUAGE):
            raise ValidationError(str(ENGLISH_REQUIRED))
        if self.any_language is not None and not self.data:
            raise ValidationError(str(self.any_language))
        for text in self.data.values():
            if len(text) > self.max_length:
                raise ValidationError(
                    str(_l("Each language's text may be at most %(max)s characters long.", max=self.max_length))
                )

    def text(self, language: str) -> str:
        """The text in ``language``, for the form's input."""
        return (self.data or {}).get(language, "")


def single_line(value: Any) -> Any:
    """Line breaks and runs of spaces have no place in a name (nor in a mail subject)."""
    return " ".join(value.split()) if isinstance(value, str) else value


def single_line_text(label: Any, required: Any, maximum: int, too_long: Any, **kwargs: Any) -> StringField:
    """A one-line text field; ``required`` is the message when it is empty (None: optional)."""
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=maximum, message=too_long))
    return StringField(label, validators=validators, filters=[single_line], **kwargs)


def website_field(label: Any, maximum: int = 200) -> URLField:
    """A web address (http or https); one typed without its scheme gets ``https://``."""
    message = _l("Please enter a web address, such as https://www.example.org.")
    return URLField(
        label,
        validators=[
            Optional(),
            URL(require_tld=True, message=message),
            Regexp(r"^https?://", re.IGNORECASE, message),
            Length(max=maximum, message=_l("Please enter a shorter web address.")),
        ],
        filters=[with_scheme],
    )


def phone_field(label: Any) -> StringField:
    return StringField(
        label,
        validators=[
            Optional(),
            Regexp(
                r"^\+?[0-9][0-9 ().-]{4,38}$",
                message=_l("Please enter a telephone number with digits only, such as +90 312 468 61 72."),
            ),
        ],
        filters=[strip],
    )


def with_first_choice(name: str, label: Any, choices: Choices) -> Choices:
    """``choices`` after an empty choice ("Choose…", "All"), the whole kept once per language.

    Kept under ``name`` and the list it extends (itself made once per language): two
    forms that give one name to different lists ("All" countries, or all member
    states) never get each other's.
    """
    return translated_choices(f"{name} [{id(choices)}]", lambda: [("", label), *choices])
