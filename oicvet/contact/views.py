"""Contact Us: a message to the programme's staff, stored in the database."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from oicvet.extensions import db, limiter
from oicvet.forms import Form, form_expired, forms_check_their_own_csrf
from oicvet.i18n import current_language
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import ContactMessage

bp = Blueprint("contact", __name__, url_prefix="/<lang:lang>")


class ContactForm(Form):
    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=120, message=_l("Please keep your name under 120 characters.")),
        ],
    )
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address, such as name@example.org.")),
            Length(max=254, message=_l("Please enter a shorter e-mail address.")),
        ],
    )
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(_l("Please enter a subject.")),
            Length(max=200, message=_l("Please keep the subject under 200 characters.")),
        ],
    )
    message = TextAreaField(
        _l("Message"),
        validators=[
            DataRequired(_l("Please write your message.")),
            Length(min=10, max=5000, message=_l("Your message should be between 10 and 5,000 characters long.")),
        ],
    )


def contact_limit() -> str:
    return current_app.config["CONTACT_RATE_LIMIT"]


limiter.limit(contact_limit, methods=["POST"])(bp)
forms_check_their_own_csrf(bp)


@bp.route("/contact/", methods=["GET", "POST"])
def form() -> ResponseReturnValue:
    contact = ContactForm()
    if contact.validate_on_submit():
        db.session.add(
            ContactMessage(
                name=contact.name.data.strip(),
                email=contact.email.data.strip(),
                subject=contact.subject.data.strip(),
                message=contact.message.data.strip(),
                language=current_language(),
            )
        )
        db.session.commit()
        flash(_("Thank you. Your message has been sent; we will reply by e-mail."), "success")
        return redirect(url_for("contact.form"))
    expired = form_expired(contact)
    return render_template("contact/form.html", form=contact, expired=expired)
