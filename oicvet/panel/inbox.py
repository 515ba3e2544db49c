"""The Contact Us inbox (administrators only): messages newest first, unread ones apart.

Opening a message changes nothing (a GET never does): it is marked read or unread
with its buttons, so that a message opened by mistake still shows as unread.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select

from oicvet.audit import record_change
from oicvet.extensions import db
from oicvet.models import ContactMessage, utcnow
from oicvet.panel.access import admins_only
from oicvet.panel.blueprint import bp
from oicvet.panel.forms import action_refused
from oicvet.seo import unlisted
from oicvet.urls import number_arg

PAGE_SIZE = 25
UNREAD, ALL = "unread", "all"


@bp.get("/inbox/")
@admins_only
@unlisted
def inbox() -> ResponseReturnValue:
    status = ALL if request.args.get("status") == ALL else UNREAD
    statement = select(ContactMessage)
    if status == UNREAD:
        statement = statement.where(ContactMessage.read_at.is_(None))
    statement = statement.order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc())
    page = db.paginate(statement, page=number_arg(), per_page=PAGE_SIZE, error_out=True)
    total, unread = db.session.execute(select(
        func.count(ContactMessage.id), func.count(ContactMessage.id).filter(ContactMessage.read_at.is_(None))
    )).one()
    counts = {UNREAD: unread, ALL: total}
    return render_template("panel/inbox/list.html", page=page, status=status, counts=counts,
                           tabs=((UNREAD, _("Unread")), (ALL, _("All"))))


def _message_or_404(message_id: int) -> ContactMessage:
    return db.session.get(ContactMessage, message_id) or abort(404)


@bp.get("/inbox/<int:message_id>/")
@admins_only
@unlisted
def message(message_id: int) -> ResponseReturnValue:
    item = _message_or_404(message_id)
    reply = f"mailto:{quote(item.email, safe='@')}?subject={quote(_('Re: %(subject)s', subject=item.subject))}"
    return render_template("panel/inbox/message.html", item=item, reply=reply)


def _label(item: ContactMessage) -> str:
    return f"{item.name} <{item.email}>: {item.subject}"


@bp.post("/inbox/<int:message_id>/read")
@admins_only
def mark_read(message_id: int) -> ResponseReturnValue:
    item = _message_or_404(message_id)
    back = url_for(".message", message_id=item.id)
    if (refused := action_refused(back)) is not None:
        return refused
    if item.read_at is None:
        item.read_at = utcnow()
        record_change("contact_message", item.id, "read", label=_label(item),
                      before={"read_at": None}, after={"read_at": item.read_at})
        db.session.commit()
    flash(_("The message is marked as read."), "success")
    return redirect(url_for(".inbox"))


@bp.post("/inbox/<int:message_id>/unread")
@admins_only
def mark_unread(message_id: int) -> ResponseReturnValue:
    item = _message_or_404(message_id)
    back = url_for(".message", message_id=item.id)
    if (refused := action_refused(back)) is not None:
        return refused
    if item.read_at is not None:
        was = item.read_at
        item.read_at = None
        record_change("contact_message", item.id, "unread", label=_label(item),
                      before={"read_at": was}, after={"read_at": None})
        db.session.commit()
    flash(_("The message is marked as unread."), "success")
    return redirect(url_for(".inbox"))


@bp.post("/inbox/<int:message_id>/delete")
@admins_only
def delete_message(message_id: int) -> ResponseReturnValue:
    item = _message_or_404(message_id)
    back = url_for(".message", message_id=item.id)
    if (refused := action_refused(back)) is not None:
        return refused
    record_change("contact_message", item.id, "delete", label=_label(item),
                  before={"name": item.name, "email": item.email, "subject": item.subject})
    db.session.delete(item)
    db.session.commit()
    flash(_("The message is deleted."), "success")
    return redirect(url_for(".inbox"))
