"""The staff panel's blueprint; each part of the panel adds its views to it."""

from __future__ import annotations

from flask import Blueprint

from oicvet.forms import forms_check_their_own_csrf

#: Every view of the panel is under /<lang>/admin/ and answers staff only (see ``access``).
bp = forms_check_their_own_csrf(
    Blueprint("panel", __name__, url_prefix="/<lang:lang>/admin", template_folder="templates")
)
