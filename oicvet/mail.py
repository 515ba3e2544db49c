"""E-mail: written in the request, sent after the answer, tried again until it goes.

``send_mail`` renders the message in the request (its templates, locale and data
live there) and hands it to a background sender, so that no answer waits for a
mail server, or tells by its timing whether a message was sent. The sender
delivers by SMTP when MAIL_SERVER is set, otherwise it writes an ``.eml`` file to
MAIL_FOLDER (by default ``mail`` in the instance folder), which lets a person
running the site on their machine open each message, and its links.

A message that cannot go is spooled in MAIL_OUTBOX (by default ``mail-outbox`` in
the instance folder) as ``<next attempt>-<attempts>-<id>.eml`` and tried again
after each of MAIL_RETRY_DELAYS; after the last try it moves to ``failed/``. Any
process of the site, or ``flask mail retry``, may take a spooled message: it
claims the file by renaming it first, so that no two send the same one. The
caller's work is committed before the mail is queued and never depends on it.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import re
import secrets
import smtplib
import ssl
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Literal, cast

import click
from flask import Flask, current_app, g, render_template
from flask.cli import AppGroup
from flask_babel import force_locale

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 43200)
#: How long a process that ends waits for its queue before spooling what is left.
EXIT_DRAIN_SECONDS = 5.0
#: A claim older than this belongs to a process that died while sending; far
#: longer than any delivery, which the SMTP timeout bounds.
ABANDONED_CLAIM_SECONDS = 3600
#: The longest pause between two looks at the outbox.
MAX_SCAN_INTERVAL = 60.0

_STAMP = "%Y%m%dT%H%M%S%fZ"
_SPOOLED = re.compile(r"^(?P<due>\d{8}T\d{12}Z)-(?P<attempts>\d+)-(?P<id>[0-9a-f]+)\.eml$")
_CLAIM = re.compile(r"^(?P<original>.+\.eml)\.(?P<at>\d+)\.\d+-[0-9a-f]+\.claim$")

Outcome = Literal["sent", "waiting", "failed", "lost"]


@dataclass(frozen=True)
class MailSettings:
    """What delivery needs from the app's config, frozen for a thread without an app context."""

    server: str | None
    port: int
    security: str
    username: str | None
    password: str | None = field(repr=False)
    timeout: float
    folder: Path
    outbox: Path
    retry_delays: tuple[float, ...]

    @classmethod
    def from_app(cls, app: Flask) -> MailSettings:
        config = app.config
        instance = Path(app.instance_path)
        return cls(
            server=config.get("MAIL_SERVER") or None,
            port=int(config.get("MAIL_PORT") or 587),
            security=(config.get("MAIL_SECURITY") or "starttls").lower(),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            timeout=float(config.get("MAIL_TIMEOUT") or 10),
            folder=Path(config["MAIL_FOLDER"]) if config.get("MAIL_FOLDER") else instance / "mail",
            outbox=Path(config["MAIL_OUTBOX"]) if config.get("MAIL_OUTBOX") else instance / "mail-outbox",
            retry_delays=tuple(float(delay) for delay in config.get("MAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)),
        )


def mail_folder() -> Path:
    return MailSettings.from_app(current_app).folder


def mail_outbox() -> Path:
    return MailSettings.from_app(current_app).outbox


def send_mail(to: str, template: str, language: str, deliver: bool = True, **context: Any) -> bool:
    """Write ``mail/<template>.txt`` in ``language`` and send it after the answer.

    The template's first line is the subject; the rest is the body. True when the
    message is on its way (queued, sent, or spooled for another try); False when it
    could not be written. It never raises: the caller's work does not depend on it.
    With ``deliver=False`` the message is written and dropped, for a caller whose
    answer must take as long whether or not there was someone to write to.
    """
    try:
        message = compose(to, template, language, **context)
        settings = MailSettings.from_app(current_app)
    except Exception:
        log.exception("Could not write the %s e-mail", template)
        return False
    if not deliver:
        return True
    if current_app.config.get("MAIL_BACKGROUND", True):
        try:
            _sender().submit(message, settings)
            return True
        except Exception:
            log.exception("Could not queue the %s e-mail; sending it now", template)
    return _attempt(message, settings) != "lost"


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
    message["Subject"] = clean_subject(subject)
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="oicvet")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body.strip() + "\n")
    message["Content-Language"] = language  # after set_content, which resets Content-* headers
    return message


def clean_subject(subject: str) -> str:
    """One line of text: a subject may hold a name someone typed, with control characters in it."""
    kept = "".join(
        " " if char.isspace() else char
        for char in subject
        if char.isspace() or unicodedata.category(char) != "Cc"
    )
    return " ".join(kept.split())


def deliver(message: EmailMessage, settings: MailSettings) -> None:
    """Send one message now; raises when it cannot go."""
    if not settings.server:
        _write_to_folder(message, settings.folder)
        return
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def _write_to_folder(message: EmailMessage, folder: Path) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = _write_atomically(folder, f"{stamp}-{secrets.token_hex(4)}.eml", message.as_bytes())
    log.info("E-mail to %s written to %s", message["To"], path)


def _write_atomically(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    partial = folder / f".{name}.{secrets.token_hex(4)}.part"
    partial.write_bytes(data)
    partial.rename(path)  # readers never see half a message
    return path


# The spool ------------------------------------------------------------------


@dataclass(frozen=True)
class Spooled:
    """A message waiting in the outbox: when it is due, and how often it was tried."""

    path: Path
    due: datetime
    attempts: int
    id: str


@dataclass
class RetryCount:
    sent: int = 0
    waiting: int = 0
    failed: int = 0


def _spool_name(due: datetime, attempts: int, ident: str) -> str:
    return f"{due.strftime(_STAMP)}-{attempts}-{ident}.eml"


def spooled(folder: Path) -> list[Spooled]:
    """The messages waiting in ``folder`` (an outbox, or its ``failed``), soonest first."""
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
        match = _SPOOLED.match(path.name)
        if match:
            due = datetime.strptime(match["due"], _STAMP).replace(tzinfo=UTC)
            found.append(Spooled(path, due, int(match["attempts"]), match["id"]))
    return found


def _spool_new(message: EmailMessage, settings: MailSettings, delay: float = 0) -> Path | None:
    """Keep a message that was not tried for the next sender; None (logged) if even that fails."""
    due = datetime.now(UTC) + timedelta(seconds=delay)
    try:
        return _write_atomically(settings.outbox, _spool_name(due, 0, secrets.token_hex(8)), message.as_bytes())
    except Exception:
        log.exception("Could not keep the e-mail to %s in %s; it is lost", message["To"], settings.outbox)
        return None


def _attempt(message: EmailMessage, settings: MailSettings) -> Outcome:
    """Deliver a new message, or spool it for another try; never raises."""
    try:
        deliver(message, settings)
    except Exception as error:
        return _after_failure(message, settings, error, attempts=1, ident=secrets.token_hex(8))
    return "sent"


def _after_failure(message: EmailMessage, settings: MailSettings, error: Exception, attempts: int,
                   ident: str, claimed: Path | None = None) -> Outcome:
    """Spool a message whose ``attempts``-th try failed, or give it up after the last one.

    A claimed file is renamed into place; a new message is written.
    """
    to = message["To"]
    reason = f"{type(error).__name__}: {error}"
    now = datetime.now(UTC)
    gives_up = attempts > len(settings.retry_delays)
    if gives_up:
        folder, due = settings.outbox / "failed", now
    else:
        folder, due = settings.outbox, now + timedelta(seconds=settings.retry_delays[attempts - 1])
    name = _spool_name(due, attempts, ident)
    try:
        if claimed is not None:
            folder.mkdir(parents=True, exist_ok=True)
            claimed.rename(folder / name)
        else:
            _write_atomically(folder, name, message.as_bytes())
    except Exception:
        if claimed is not None:
            # The claim stays, and is given back once it counts as abandoned.
            log.exception("Could not send the e-mail to %s (%s), nor put it back in %s",
                          to, reason, settings.outbox)
            return "waiting"
        log.exception("Could not send the e-mail to %s (%s), nor keep it in %s; it is lost",
                      to, reason, settings.outbox)
        return "lost"
    if gives_up:
        log.error("Could not send the e-mail to %s after %d attempts (%s); gave up, it is in %s",
                  to, attempts, reason, folder / name)
        return "failed"
    # The first failure of a message is an error; the retries of one already reported, warnings.
    log.log(logging.ERROR if attempts == 1 else logging.WARNING,
            "Could not send the e-mail to %s (attempt %d: %s); trying again at %s",
            to, attempts, reason, due.isoformat(timespec="seconds"))
    return "waiting"


def _claim(path: Path) -> Path | None:
    """Rename a spooled file to our own name; None if another sender took it first."""
    target = path.with_name(f"{path.name}.{int(time.time())}.{os.getpid()}-{secrets.token_hex(4)}.claim")
    try:
        path.rename(target)  # atomic: of two senders, only one finds the file
    except FileNotFoundError:
        return None
    return target


def _release_abandoned(outbox: Path) -> None:
    """Give back the files claimed by a process that died while sending them."""
    if not outbox.is_dir():
        return
    limit = time.time() - ABANDONED_CLAIM_SECONDS
    for path in outbox.glob("*.claim"):
        match = _CLAIM.match(path.name)
        if match and int(match["at"]) < limit:
            try:
                path.rename(outbox / match["original"])
            except FileNotFoundError:
                continue
            log.warning("Gave back %s, claimed by a sender that did not finish", match["original"])


def _retry(item: Spooled, claimed: Path, settings: MailSettings) -> Outcome:
    # The default policy parses into an EmailMessage.
    message = cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(claimed.read_bytes()))
    try:
        deliver(message, settings)
    except Exception as error:
        return _after_failure(message, settings, error, item.attempts + 1, item.id, claimed)
    claimed.unlink(missing_ok=True)
    log.info("E-mail to %s sent at attempt %d", message["To"], item.attempts + 1)
    return "sent"


def retry_spooled(settings: MailSettings, everything: bool = False, stop_at_failure: bool = False) -> RetryCount:
    """Try the spooled messages that are due (all of them with ``everything``).

    ``stop_at_failure`` ends the pass at the first message that fails again: while the
    server is down, each try may last a whole timeout, and new mail waits behind them.
    """
    _release_abandoned(settings.outbox)
    count = RetryCount()
    now = datetime.now(UTC)
    for item in spooled(settings.outbox):
        if item.due > now and not everything:
            continue
        claimed = _claim(item.path)
        if claimed is None:
            continue
        try:
            outcome = _retry(item, claimed, settings)
        except Exception:
            # The claim stays; it is given back once it counts as abandoned.
            log.exception("Could not retry %s", item.path.name)
            continue
        if outcome == "sent":
            count.sent += 1
            continue
        if outcome == "failed":
            count.failed += 1
        if stop_at_failure:
            break
    count.waiting = len(spooled(settings.outbox))
    return count


def requeue_failed(settings: MailSettings) -> int:
    """Move the messages that were given up back to the outbox, due now, for one more try each."""
    moved = 0
    now = datetime.now(UTC)
    for item in spooled(settings.outbox / "failed"):
        try:
            item.path.rename(settings.outbox / _spool_name(now, item.attempts, item.id))
        except FileNotFoundError:
            continue
        moved += 1
    return moved


# The background sender ------------------------------------------------------------

_STOP = object()
_WAKE = object()
_Item = tuple[EmailMessage, MailSettings]


class _Sender:
    """This process's one daemon thread: sends queued messages and retries spooled ones."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.queue: queue.Queue[Any] = queue.Queue()
        self.lock = threading.Lock()
        self.outboxes: dict[Path, MailSettings] = {}
        self.in_flight: _Item | None = None
        self.stand_in: Path | None = None  # a copy of in_flight spooled when the process ends
        self.closing = False
        self.thread = threading.Thread(target=self._run, name="oicvet-mail", daemon=True)
        self.thread.start()

    def watch(self, settings: MailSettings) -> None:
        with self.lock:
            new = settings.outbox not in self.outboxes
            self.outboxes[settings.outbox] = settings
        if new:
            self.queue.put(_WAKE)  # look at the new outbox now, and at its pace from then on

    def submit(self, message: EmailMessage, settings: MailSettings) -> None:
        self.watch(settings)
        self.queue.put((message, settings))

    def _scan_interval(self) -> float:
        with self.lock:
            delays = [delay for s in self.outboxes.values() for delay in s.retry_delays]
        return max(0.01, min([MAX_SCAN_INTERVAL, *delays]))

    def _run(self) -> None:
        next_scan = 0.0  # at once: messages spooled before this process started are due
        while not self.closing:
            try:
                try:
                    item = self.queue.get(timeout=max(0.0, next_scan - time.monotonic()))
                except queue.Empty:
                    item = None
                if item is _STOP:
                    self.queue.task_done()
                    return
                if item is _WAKE:
                    self.queue.task_done()
                    next_scan = 0.0
                elif item is not None:
                    self._send(item)
                if time.monotonic() >= next_scan and not self.closing:
                    next_scan = time.monotonic() + self._scan_interval()
                    with self.lock:
                        watched = list(self.outboxes.values())
                    for settings in watched:
                        retry_spooled(settings, stop_at_failure=True)
            except Exception:
                # The only sender of this process: it reports the error and carries on.
                log.exception("The mail sender met an unexpected error")

    def _send(self, item: _Item) -> None:
        message, settings = item
        try:
            with self.lock:
                closing = self.closing
                if not closing:
                    self.in_flight = item
            if closing:
                _spool_new(message, settings)  # the process is ending: the next one sends it
            else:
                _attempt(message, settings)
        finally:
            with self.lock:
                self.in_flight = None
                stand_in, self.stand_in = self.stand_in, None
            if stand_in is not None:
                stand_in.unlink(missing_ok=True)  # this try ended after all: sent, or spooled itself
            self.queue.task_done()

    def stop(self, timeout: float) -> int:
        """Let the queue drain for up to ``timeout`` seconds, then spool what is left; how many were."""
        self.queue.put(_STOP)
        self.thread.join(timeout)
        kept = 0
        with self.lock:
            self.closing = True
            if self.in_flight is not None and self.thread.is_alive():
                # Stuck in a delivery: keep a copy, due a little later so that no other
                # sender takes it while this one may still finish (and then delete it).
                message, settings = self.in_flight
                self.stand_in = _spool_new(message, settings, delay=(settings.retry_delays or (60,))[0])
                kept += self.stand_in is not None
        while True:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP and item is not _WAKE:
                kept += _spool_new(*item) is not None
        self.queue.put(_STOP)  # wakes the thread, if it still waits, so that it ends
        if kept:
            log.warning("%d e-mail(s) not sent before this process ended wait in the outbox", kept)
        return kept


_lock = threading.Lock()
_current: _Sender | None = None
_exit_hook = False


def _sender() -> _Sender:
    """This process's sender, started on first use and again in a forked child."""
    global _current, _exit_hook
    with _lock:
        if _current is None or _current.pid != os.getpid():
            _current = _Sender()  # a child inherits the parent's object, but not its thread
        if not _exit_hook:
            atexit.register(_drain_at_exit)
            _exit_hook = True
        return _current


def _forget_after_fork() -> None:
    global _lock, _current
    _lock = threading.Lock()  # another thread may have held it at the fork
    _current = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def shutdown(timeout: float = EXIT_DRAIN_SECONDS) -> int:
    """Give this process's queued mail up to ``timeout`` seconds to go, then spool the rest.

    Returns how many messages were spooled. Runs when the process exits; a server may
    also call it from its worker-exit hook. The next message starts a new sender.
    """
    global _current
    with _lock:
        sender, _current = _current, None
    if sender is None or sender.pid != os.getpid():
        return 0
    return sender.stop(timeout)


def _drain_at_exit() -> None:
    try:
        shutdown()
    except Exception:
        log.exception("Could not drain the mail queue at exit")


def _start_sender() -> None:
    # On the first request, not at import: a forked server worker starts its own, and
    # messages that a past process spooled are retried even before any new mail.
    sender = _current
    if sender is not None and sender.pid == os.getpid():
        return  # started already: every later request costs nothing here
    if current_app.config.get("MAIL_BACKGROUND", True):
        try:
            _sender().watch(MailSettings.from_app(current_app))
        except Exception:
            log.exception("Could not start the mail sender")  # the page is served all the same


# The command line ------------------------------------------------------------------

mail_cli = AppGroup("mail", help="Send the e-mail that waits in the outbox.")


@mail_cli.command("retry")
@click.option("--failed", "include_failed", is_flag=True,
              help="Also give one more try to the messages that were given up (in failed/).")
def retry_command(include_failed: bool) -> None:
    """Try every spooled message now, e.g. after the mail server was down."""
    settings = MailSettings.from_app(current_app)
    if include_failed:
        requeue_failed(settings)
    count = retry_spooled(settings, everything=True)
    click.echo(f"{count.sent} sent, {count.waiting} waiting, {count.failed} given up (in failed/).")


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_cli)
    app.before_request(_start_sender)
