"""The panel's home: the parts of the panel the person may use, and what waits for them."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from oicvet.extensions import db
from oicvet.models import ContactMessage
from oicvet.panel import visible_sections
from oicvet.panel.access import is_admin, staff_only
from oicvet.panel.blueprint import bp
from oicvet.profiles.kinds import kinds_of
from oicvet.seo import unlisted


@bp.get("/")
@staff_only
@unlisted
def home() -> ResponseReturnValue:
    unread = None
    if is_admin():
        unread = db.session.scalar(select(func.count()).select_from(ContactMessage).where(
            ContactMessage.read_at.is_(None)))
    queues = [kind for kind in kinds_of(current_app) if kind.reviews(current_user)]
    return render_template("panel/home.html", sections=visible_sections(), unread=unread, queues=queues)
