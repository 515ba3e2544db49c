"""Text entered in several languages: one JSON column per field, ``{language: text}``.

English is required of a field that is, the other languages are optional, and
a language added later needs no migration: it is one more key. Reading a field
in the page's language falls back to English, marked as English so that the
page can say so (``lang="en"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

from oicvet.i18n import DEFAULT_LANGUAGE, babel_locale, current_language, languages


@dataclass(frozen=True)
class LocalText:
    """Text in the page's language, or in English when no translation exists.

    ``lang`` is set only for the English fallback, so templates can mark it.
    """

    text: str
    lang: str | None = None

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def direction(self) -> str:
        """The direction of the fallback's language, for its ``dir`` attribute."""
        return babel_locale(self.lang).text_direction if self.lang else "auto"


def clean_texts(values: Mapping[str, Any] | None) -> dict[str, str]:
    """``values`` without its empty texts: an empty translation is a missing one."""
    return {
        str(language): str(text)
        for language, text in (values or {}).items()
        if text is not None and str(text).strip()
    }


def local_text(values: Mapping[str, str] | None, language: str | None = None) -> LocalText:
    """The text in ``language`` (default: the page's), else the English one marked as such."""
    language = language or current_language()
    values = values or {}
    if text := values.get(language):
        return LocalText(text)
    fallback = values.get(DEFAULT_LANGUAGE) or ""
    return LocalText(fallback, DEFAULT_LANGUAGE if fallback and language != DEFAULT_LANGUAGE else None)


def local_html(text: LocalText) -> Markup:
    """Text from the database as HTML; one shown where the page's language has none is marked with its
    language (the ``local`` macro, for lists made in Python)."""
    if text.lang:
        return Markup(f'<span lang="{escape(text.lang)}" dir="{text.direction}">{escape(text.text)}</span>')
    return escape(text.text)


def local_text_any(values: Mapping[str, str] | None, language: str | None = None) -> LocalText:
    """Like ``local_text``, for a text that may exist in any language, English included or not.

    The page's language first, then English, then the first served language that
    has it; a fallback is marked with its own language.
    """
    language = language or current_language()
    values = values or {}
    if text := values.get(language):
        return LocalText(text)
    for other in (DEFAULT_LANGUAGE, *languages()):
        if text := values.get(other):
            return LocalText(text, other)
    return LocalText("")


class TranslatedText(TypeDecorator):
    """``{language: text}`` in JSON (JSONB on PostgreSQL); empty texts are not stored.

    With ``required``, the English text must be there: it is what every other
    language falls back to.
    """

    impl = JSON
    cache_ok = True

    def __init__(self, required: bool = False) -> None:
        # A field without text is SQL NULL, not the JSON value null.
        super().__init__(none_as_null=True)
        self.required = required

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON(none_as_null=True))

    def process_bind_param(self, value: Mapping[str, Any] | None, dialect: Dialect) -> dict[str, str] | None:
        texts = clean_texts(value)
        if self.required and DEFAULT_LANGUAGE not in texts:
            raise ValueError(f"the English ({DEFAULT_LANGUAGE!r}) text is required")
        return texts or None


def translated_column(required: bool = False) -> MappedColumn[Any]:
    """A field in several languages; edits in place (``event.title["fa"] = ...``) are saved."""
    return mapped_column(MutableDict.as_mutable(TranslatedText(required)), nullable=not required)


class Translated:
    """A model with translated columns, each read with ``local(name)``."""

    def local(self, name: str, language: str | None = None) -> LocalText:
        return local_text(getattr(self, name), language)
