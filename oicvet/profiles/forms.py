"""The staff's review form, worded for the kind under review."""

from __future__ import annotations

from typing import Any

from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from oicvet.forms import Form
from oicvet.i18n import lazy_ngettext
from oicvet.profiles.kinds import Labels

REASON_MAX = 2000


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _reason() -> TextAreaField:
    too_long = lazy_ngettext("Please keep this under %(num)d character.",
                             "Please keep this under %(num)d characters.", REASON_MAX)
    return TextAreaField(validators=[Optional(), Length(max=REASON_MAX, message=too_long)], filters=[_strip])


class ReviewForm(Form):
    """Approve: no field. Reject, or refuse changes: a reason that the owner is told."""

    reason = _reason()
    changes_reason = _reason()

    def __init__(self, labels: Labels, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.label.text = labels.reason
        self.changes_reason.label.text = labels.changes_reason
