"""E-mail leaves after the answer, survives a failure, and is tried again until it goes."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from oicvet import mail
from oicvet.accounts.models import Account
from tests.conftest import PASSWORD, partner_fields, submit, unique_email
from tests.test_mail import Inbox, _free_port

#: Short enough for the tests to run through a whole schedule.
TINY_DELAYS = (0.05, 0.05)


@pytest.fixture
def build(make_app, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Apps with their own mail folder and outbox; the background sender is stopped after each test."""

    def create(**overrides) -> Flask:
        overrides.setdefault("MAIL_FOLDER", str(tmp_path / "mail"))
        overrides.setdefault("MAIL_OUTBOX", str(tmp_path / "outbox"))
        overrides.setdefault("MAIL_RETRY_DELAYS", TINY_DELAYS)
        return make_app(**overrides)

    yield create
    mail.shutdown(timeout=5)
    assert _eventually(lambda: not any(thread.name == "oicvet-mail" for thread in threading.enumerate()))


def _delivered(folder: Path) -> list[EmailMessage]:
    return [BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            for path in sorted(folder.glob("*.eml"))]


def _eventually(condition: Callable[[], bool], timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _message(to: str, number: int = 0) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Message {number}"
    message["From"] = "sender@example.org"
    message["To"] = to
    message["Message-ID"] = f"<{number}-{unique_email('id')}>"
    message.set_content("Hello.\n")
    return message


def _account(app: Flask, email: str) -> Account | None:
    from oicvet.extensions import db

    with app.app_context():
        return db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none()




def test_the_answer_does_not_wait_for_the_mail(build, make_account, tmp_path, monkeypatch):
    app = build(MAIL_BACKGROUND=True)
    account = make_account()
    release = threading.Event()
    real_deliver = mail.deliver

    def blocked(*args, **kwargs):
        release.wait(timeout=10)
        return real_deliver(*args, **kwargs)

    monkeypatch.setattr(mail, "deliver", blocked)
    answers = []
    requester = threading.Thread(
        target=lambda: answers.append(submit(app.test_client(), "/en/account/reset", {"email": account.email})),
        daemon=True,
    )
    try:
        requester.start()
        requester.join(timeout=5)
        # Delivery cannot finish before `release`: an answer now did not wait for it.
        assert not requester.is_alive(), "the answer waited for the mail to be delivered"
        assert answers[0].status_code == 302
        assert _delivered(tmp_path / "mail") == []
    finally:
        release.set()
    assert mail.shutdown(timeout=5) == 0  # everything queued went
    assert [message["To"] for message in _delivered(tmp_path / "mail")] == [account.email]
    assert mail.spooled(tmp_path / "outbox") == []


def test_a_failed_delivery_waits_in_the_outbox_until_a_retry_sends_it(build, make_account, tmp_path):
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=_free_port())  # not started yet: refused
    app = build(MAIL_SERVER=server.hostname, MAIL_PORT=server.port, MAIL_SECURITY="none", MAIL_TIMEOUT=2,
                MAIL_RETRY_DELAYS=(3600, 3600))
    account = make_account()
    response = submit(app.test_client(), "/en/account/reset", {"email": account.email})
    assert response.status_code == 302

    [waiting] = mail.spooled(tmp_path / "outbox")
    assert waiting.attempts == 1 and waiting.due > datetime.now(UTC)
    settings = mail.MailSettings.from_app(app)
    assert mail.retry_spooled(settings).waiting == 1  # not due yet, so not tried
    assert mail.spooled(tmp_path / "outbox")[0].attempts == 1

    server.start()
    try:
        result = app.test_cli_runner().invoke(args=["mail", "retry"])  # every message, due or not
    finally:
        server.stop()
    assert result.exit_code == 0 and "1 sent, 0 waiting" in result.output
    assert [message["To"] for message in inbox.received] == [account.email]
    assert mail.spooled(tmp_path / "outbox") == []


def test_the_sender_retries_on_its_own_until_the_message_goes(build, make_account, tmp_path, monkeypatch):
    app = build(MAIL_BACKGROUND=True, MAIL_RETRY_DELAYS=(0.05, 0.05, 0.05))
    account = make_account()
    real_deliver = mail.deliver
    calls = []

    def flaky(message, settings):
        calls.append(message["To"])
        if len(calls) <= 2:
            raise ConnectionRefusedError("the server is down")
        real_deliver(message, settings)

    monkeypatch.setattr(mail, "deliver", flaky)
    submit(app.test_client(), "/en/account/reset", {"email": account.email})
    assert _eventually(lambda: len(_delivered(tmp_path / "mail")) == 1)
    assert calls == [account.email] * 3
    assert mail.spooled(tmp_path / "outbox") == []


def test_after_the_last_attempt_a_message_is_given_up(build, make_account, tmp_path, monkeypatch, caplog):
    app = build()
    account = make_account()

    def refused(message, settings):
        raise ConnectionRefusedError("the server is down")

    monkeypatch.setattr(mail, "deliver", refused)
    submit(app.test_client(), "/en/account/reset", {"email": account.email})  # the first attempt
    outbox = tmp_path / "outbox"
    settings = mail.MailSettings.from_app(app)
    count = mail.retry_spooled(settings, everything=True)  # the second
    assert (count.sent, count.waiting, count.failed) == (0, 1, 0)
    assert mail.spooled(outbox)[0].attempts == 2

    with caplog.at_level(logging.ERROR, logger="oicvet.mail"):
        count = mail.retry_spooled(settings, everything=True)  # the third and last (two delays)
    assert (count.sent, count.waiting, count.failed) == (0, 0, 1)
    assert mail.spooled(outbox) == []
    [given_up] = mail.spooled(outbox / "failed")
    assert given_up.attempts == 3
    assert any("gave up" in record.getMessage() and account.email in record.getMessage()
               for record in caplog.records)

    monkeypatch.undo()  # the server is back: an administrator tries the given-up messages again
    result = app.test_cli_runner().invoke(args=["mail", "retry", "--failed"])
    assert "1 sent, 0 waiting" in result.output
    assert [message["To"] for message in _delivered(tmp_path / "mail")] == [account.email]
    assert mail.spooled(outbox / "failed") == []


def test_two_retry_passes_never_send_one_message_twice(build, tmp_path, monkeypatch):
    app = build()
    settings = mail.MailSettings.from_app(app)
    for number in range(30):
        assert mail._spool_new(_message("someone@example.org", number), settings)
    first_holds, second_done = threading.Event(), threading.Event()
    sent = []

    def record(message, settings):
        sent.append(message["Message-ID"])
        if threading.current_thread() is first_pass and not first_holds.is_set():
            # The first pass holds its first message while a whole second pass runs;
            # it then goes on with a listing in which every other file is gone.
            first_holds.set()
            second_done.wait(timeout=10)

    monkeypatch.setattr(mail, "deliver", record)
    counts = {}
    first_pass = threading.Thread(target=lambda: counts.setdefault("first", mail.retry_spooled(settings)))
    first_pass.start()
    try:
        assert first_holds.wait(timeout=5)
        counts["second"] = mail.retry_spooled(settings)
    finally:
        second_done.set()
        first_pass.join(timeout=10)
    assert (counts["first"].sent, counts["second"].sent) == (1, 29)
    assert len(sent) == 30 and len(set(sent)) == 30
    assert mail.spooled(tmp_path / "outbox") == []


def test_many_concurrent_passes_send_each_message_once(build, tmp_path, monkeypatch):
    app = build()
    settings = mail.MailSettings.from_app(app)
    for number in range(60):
        mail._spool_new(_message("someone@example.org", number), settings)
    sent = []
    monkeypatch.setattr(mail, "deliver", lambda message, settings: sent.append(message["Message-ID"]))
    start = threading.Barrier(4)

    def one_pass() -> None:
        start.wait(timeout=5)
        mail.retry_spooled(settings)

    passes = [threading.Thread(target=one_pass) for _ in range(4)]
    for thread in passes:
        thread.start()
    for thread in passes:
        thread.join(timeout=10)
    assert len(sent) == 60 and len(set(sent)) == 60


def test_the_background_pass_stops_at_a_failure_while_a_retry_tries_everything(build, monkeypatch):
    app = build()
    settings = mail.MailSettings.from_app(app)
    for number in range(3):
        mail._spool_new(_message("someone@example.org", number), settings)
    calls = []

    def refused(message, settings):
        calls.append(message["To"])
        raise ConnectionRefusedError("the server is down")

    monkeypatch.setattr(mail, "deliver", refused)
    assert mail.retry_spooled(settings, stop_at_failure=True).waiting == 3
    assert len(calls) == 1  # the server is down: the others are not made to wait for it in turn
    assert mail.retry_spooled(settings, everything=True).waiting == 3
    assert len(calls) == 4


def test_a_registration_whose_mail_fails_is_kept(build, tmp_path, monkeypatch):
    app = build(MAIL_BACKGROUND=True)

    def refused(message, settings):
        raise ConnectionRefusedError("the server is down")

    monkeypatch.setattr(mail, "deliver", refused)
    email = unique_email()
    data = {**partner_fields(), "email": email, "password": PASSWORD, "confirm": PASSWORD, "consent": "y"}
    response = submit(app.test_client(), "/ar/partners/register", data)
    assert response.status_code == 302 and response.headers["Location"] == "/ar/partners/register/sent"
    assert _account(app, email) is not None
    mail.shutdown(timeout=5)
    [waiting] = mail.spooled(tmp_path / "outbox")
    assert waiting.attempts == 1
    spooled = BytesParser(policy=policy.default).parsebytes(waiting.path.read_bytes())
    assert spooled["To"] == email and "/ar/account/confirm/" in spooled.get_body(("plain",)).get_content()


def test_a_process_that_ends_keeps_what_it_could_not_send(build, tmp_path, monkeypatch):
    app = build(MAIL_BACKGROUND=True)
    settings = mail.MailSettings.from_app(app)
    started, release = threading.Event(), threading.Event()
    real_deliver = mail.deliver

    def blocked(message, settings):
        started.set()
        release.wait(timeout=10)
        real_deliver(message, settings)

    monkeypatch.setattr(mail, "deliver", blocked)
    sender = mail._sender()
    sender.submit(_message("first@example.org", 1), settings)
    sender.submit(_message("second@example.org", 2), settings)
    try:
        assert started.wait(timeout=5)
        assert mail.shutdown(timeout=0.1) == 2  # the one in delivery, and the one behind it
        assert len(mail.spooled(tmp_path / "outbox")) == 2
    finally:
        release.set()
    sender.thread.join(timeout=5)
    assert not sender.thread.is_alive()
    # The stuck delivery ended after all, so its stand-in was removed: nothing goes twice.
    assert [message["To"] for message in _delivered(tmp_path / "mail")] == ["first@example.org"]
    [left] = mail.spooled(tmp_path / "outbox")
    assert left.attempts == 0
    assert mail.retry_spooled(settings).sent == 1  # the next process sends it
    assert sorted(message["To"] for message in _delivered(tmp_path / "mail")) == [
        "first@example.org", "second@example.org"]


def test_mail_spooled_before_a_process_starts_is_sent_by_it(build, tmp_path):
    app = build(MAIL_BACKGROUND=True)
    settings = mail.MailSettings.from_app(app)
    mail._spool_new(_message("earlier@example.org"), settings)
    assert app.test_client().get("/en/").status_code == 200  # its first request starts the sender
    assert _eventually(lambda: len(_delivered(tmp_path / "mail")) == 1)
    assert mail.spooled(tmp_path / "outbox") == []


def test_a_forked_process_starts_its_own_sender(build, monkeypatch):
    build(MAIL_BACKGROUND=True)
    parent = mail._sender()
    assert mail._sender() is parent
    monkeypatch.setattr(os, "getpid", lambda: parent.pid + 1)  # as a child sees it after a fork
    child = mail._sender()
    try:
        assert child is not parent and child.pid == parent.pid + 1
        assert child.thread.is_alive() and child.thread is not parent.thread
    finally:
        mail.shutdown(timeout=5)
        monkeypatch.undo()
        parent.stop(timeout=5)
    assert not parent.thread.is_alive() and not child.thread.is_alive()


def test_without_background_mail_goes_within_the_request_and_never_raises(build, make_account, tmp_path,
                                                                          monkeypatch):
    app = build(MAIL_BACKGROUND=False)
    account = make_account()
    submit(app.test_client(), "/en/account/reset", {"email": account.email})
    assert [message["To"] for message in _delivered(tmp_path / "mail")] == [account.email]

    monkeypatch.setattr(mail, "deliver", lambda message, settings: 1 / 0)
    assert submit(app.test_client(), "/en/account/reset", {"email": account.email}).status_code == 302
    assert [item.attempts for item in mail.spooled(tmp_path / "outbox")] == [1]


def test_the_subject_is_one_clean_line(build):
    assert mail.clean_subject(" A partner:\tEvil\r\nBcc: x@example.org\x00\x07  Org\u2028 ") == (
        "A partner: Evil Bcc: x@example.org Org")
    app = build()
    # The forms refuse line breaks in a name; other control characters end up in the subject line.
    partner = SimpleNamespace(name="Evil\tBcc: x@example.org\x1b\x00 \x0b Org", country="SN", id=1)
    with app.test_request_context("/en/"):
        message = mail.compose("admin@example.org", "partner_waiting", "en", partner=partner,
                               review="https://example.org/review")
    assert message["Subject"] == "A partner waits for approval: Evil Bcc: x@example.org Org"
    assert message["Bcc"] is None
