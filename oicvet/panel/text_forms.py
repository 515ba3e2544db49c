"""The form of a programme's texts, as staff replace them, and the audit log's filters."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from oicvet.forms import CachedSelectField, Form, TranslatedField
from oicvet.i18n import lazy_gettext as _l

#: Longest summary and text, per language: a summary is a sentence or two, a text a few pages.
SUMMARY_MAX = 600
BODY_MAX = 20000


class ProgrammeTextForm(Form):
    """A programme's summary and text in every language; an empty language shows the plugin's."""

    summary = TranslatedField(_l("Summary"), max_length=SUMMARY_MAX)
    body = TranslatedField(_l("Text"), max_length=BODY_MAX, multiline=True)
    #: The version of staff's text the editor started from (0: the plugin's own text).
    version = IntegerField(widget=HiddenField.widget, validators=[Optional(), NumberRange(0, 2**31 - 1)],
                           default=0)


class AuditFilter(Form):
    """The audit log's filters; a GET form, so no CSRF token. Unknown values are ignored."""

    class Meta:
        csrf = False

    person = CachedSelectField(_l("Person"), validators=[Optional()])
    sector = CachedSelectField(_l("Sector"), validators=[Optional()])
    kind = CachedSelectField(_l("Kind of record"), validators=[Optional()])
