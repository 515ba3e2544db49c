"""E-mail: by SMTP when configured, as files otherwise; a failure never loses a registration."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from oicvet.accounts.models import Account
from tests.conftest import PASSWORD, partner_fields, submit, unique_email


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.received = []

    def handle_message(self, message) -> None:
        self.received.append(message)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _register(app, email: str):
    data = {**partner_fields(), "email": email, "password": PASSWORD, "confirm": PASSWORD, "consent": "y"}
    return submit(app.test_client(), "/ar/partners/register", data)


def _account(app, email: str):
    from oicvet.extensions import db

    with app.app_context():
        return db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none()


def test_without_smtp_mail_goes_to_the_instance_folder_by_default(make_app):
    from oicvet.mail import mail_folder

    app = make_app(MAIL_FOLDER=None)
    with app.app_context():
        assert mail_folder() == Path(app.instance_path) / "mail"


def test_mail_files_hold_the_whole_message(app, outbox):
    email = unique_email()
    assert _register(app, email).status_code == 302
    message = outbox.last(email)
    assert message["From"] and message["Date"] and message["Message-ID"]
    assert message["Content-Language"] == "ar"
    assert "/ar/account/confirm/" in outbox.body(message)


def test_mail_goes_by_smtp_when_configured(make_app, smtp_server, outbox):
    controller, inbox = smtp_server
    app = make_app(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port, MAIL_SECURITY="none")
    email = unique_email()
    assert _register(app, email).status_code == 302
    assert len(inbox.received) == 1
    received = inbox.received[0]
    assert received["To"] == email and "/ar/account/confirm/" in received.get_payload(decode=True).decode()
    assert outbox.messages(email) == []  # not written to the folder as well


def test_a_failure_to_send_is_logged_and_the_registration_kept(make_app, caplog, outbox):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_SECURITY="none", MAIL_TIMEOUT=2)
    email = unique_email()
    with caplog.at_level(logging.ERROR, logger="oicvet.mail"):
        response = _register(app, email)
    assert response.status_code == 302 and response.headers["Location"] == "/ar/partners/register/sent"
    assert _account(app, email) is not None
    assert any("Could not send" in record.getMessage() and email in record.getMessage()
               for record in caplog.records)
