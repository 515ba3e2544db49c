"""Form fields the panel's forms share: a text in every language the site serves."""

from __future__ import annotations

from typing import Any

from wtforms import Field, ValidationError

from oicvet.forms import drop_control, drop_control_in_text
from oicvet.i18n import DEFAULT_LANGUAGE, languages
from oicvet.i18n import lazy_gettext as _l

ENGLISH_REQUIRED = _l("Write the English text: the other languages show it where theirs is missing.")


class TranslatedField(Field):
    """One text in each served language: ``data`` is ``{language: text}``, empty texts left out.

    The browser sends ``<name>-<language>``; English is required when ``required``
    is set, since every other language falls back to it. ``multiline`` makes
    each language a textarea (tabs and line breaks kept).
    """

    def __init__(self, label: Any = None, validators: Any = None, *, required: bool = False,
                 max_length: int = 300, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.required = required
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
        for text in self.data.values():
            if len(text) > self.max_length:
                raise ValidationError(
                    str(_l("Each language's text may be at most %(max)s characters long.", max=self.max_length))
                )

    def text(self, language: str) -> str:
        """The text in ``language``, for the form's input."""
        return (self.data or {}).get(language, "")
