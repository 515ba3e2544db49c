"""E-mail: sent by SMTP when MAIL_SERVER is set, otherwise written to a folder.

The folder (MAIL_FOLDER, by default ``mail`` in the instance folder) lets a
person running the site on their machine open each message, and its links,
as an ``.eml`` file. A message that cannot be sent is logged; the caller's
work, already committed, is never undone by it.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, g, render_template
from flask_babel import force_locale

log = logging.getLogger(__name__)


def mail_folder() -> Path:
    folder = current_app.config.get("MAIL_FOLDER")
    return Path(folder) if folder else Path(current_app.instance_path) / "mail"


def send_mail(to: str, template: str, language: str, **context: Any) -> bool:
    """Write ``mail/<template>.txt`` in ``language`` and send it; False if it could not go.

    The template's first line is the subject; the rest is the body.
    """
    try:
        message = compose(to, template, language, **context)
    except Exception:
        log.exception("Could not write the %s e-mail", template)
        return False
    try:
        deliver(message)
    except Exception:
        log.exception("Could not send the %s e-mail to %s", template, to)
        return False
    return True


def compose(to: str, template: str, language: str, **context: Any) -> EmailMessage:
    previous = g.get("lang")
    g.lang = language  # links and dates in the reader's language
    try:
        with force_locale(language):
            text = render_template(f"mail/{template}.txt", **context)
    finally:
        g.lang = previous
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage()
    message["Subject"] = subject.strip()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="oicvet")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body.strip() + "\n")
    message["Content-Language"] = language  # after set_content, which resets Content-* headers
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _write_to_folder(message)
        return
    security = (config.get("MAIL_SECURITY") or "starttls").lower()
    timeout = config.get("MAIL_TIMEOUT", 10)
    if security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _write_to_folder(message: EmailMessage) -> None:
    folder = mail_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    partial = path.with_suffix(".part")
    partial.write_bytes(message.as_bytes())
    partial.rename(path)  # readers never see half a message
    log.info("E-mail to %s written to %s", message["To"], path)
