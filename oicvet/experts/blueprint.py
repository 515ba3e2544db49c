"""The Roster of Experts' blueprint, ``/<lang>/experts``: the roster's search and expert pages
(``directory``), and joining, the expert's profile, CV and withdrawal (``membership``)."""

from __future__ import annotations

from flask import Blueprint

from oicvet.forms import forms_check_their_own_csrf

bp = forms_check_their_own_csrf(
    Blueprint("experts", __name__, url_prefix="/<lang:lang>/experts", template_folder="templates")
)
