"""TROP's blueprints: the public pages and the members' Management Panel under ``/<lang>/trop``, and
the staff's view of every opportunity under ``/<lang>/admin/opportunities``.

Each part of the feature is a module that adds its views to one of them.
"""

from __future__ import annotations

from flask import Blueprint

from oicvet.forms import forms_check_their_own_csrf

bp = forms_check_their_own_csrf(
    Blueprint("trop", __name__, url_prefix="/<lang:lang>/trop", template_folder="templates")
)
staff_bp = forms_check_their_own_csrf(
    Blueprint("trop_staff", __name__, url_prefix="/<lang:lang>/admin/opportunities", template_folder="templates")
)
