"""Forms every part of the panel uses."""

from __future__ import annotations

from flask import flash, redirect
from flask.typing import ResponseReturnValue

from oicvet.forms import Form, form_expired
from oicvet.i18n import lazy_gettext as _l

EXPIRED = _l("This page had expired, so nothing was changed. Please try again.")


class ActionForm(Form):
    """A button that changes something (publish, delete, mark as read): its CSRF token and nothing else."""


def action_refused(back_to: str) -> ResponseReturnValue | None:
    """None when the button's form is valid; otherwise a redirect to ``back_to`` that says why.

    The panel's blueprint leaves CSRF to its forms (``forms_check_their_own_csrf``): every
    POST view calls this, or validates a form of its own, before it changes anything.
    """
    form = ActionForm()
    if form.validate_on_submit():
        return None
    if form_expired(form):
        flash(EXPIRED, "error")
    return redirect(back_to)
