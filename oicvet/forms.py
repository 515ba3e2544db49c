"""What the site's forms share."""

from __future__ import annotations

from flask_wtf import FlaskForm


def form_expired(form: FlaskForm) -> bool:
    """True when the form came back with a missing or stale CSRF token."""
    token = getattr(form, "csrf_token", None)
    return bool(token is not None and token.errors)
