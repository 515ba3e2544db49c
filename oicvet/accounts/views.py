"""Account pages: log in and out, the account page, passwords, confirming an address."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_login.config import COOKIE_NAME
from limits import RateLimitItem, parse, parse_many
from sqlalchemy.orm import lazyload
from werkzeug import Response

from oicvet.accounts import tokens
from oicvet.accounts.admins import enabled_administrators, is_last_administrator
from oicvet.accounts.auth import end_session, forget_browser, safe_next, start_session
from oicvet.accounts.forms import (
    ConfirmForm,
    DeleteAccountForm,
    LoginForm,
    LoginLinkForm,
    LogoutForm,
    PasswordChangeForm,
    ResetForm,
    ResetRequestForm,
)
from oicvet.accounts.models import Account, Role
from oicvet.accounts.passwords import hash_password, needs_rehash, verify_password
from oicvet.accounts.signals import account_deleting, after_commit, email_confirmed
from oicvet.extensions import db, limiter
from oicvet.forms import drop_control, form_expired, forms_check_their_own_csrf
from oicvet.i18n import current_language
from oicvet.i18n import lazy_gettext as _l
from oicvet.mail import send_mail
from oicvet.models import utcnow
from oicvet.seo import unlisted
from oicvet.urls import external_url

bp = forms_check_their_own_csrf(Blueprint("accounts", __name__, url_prefix="/<lang:lang>/account"))

#: Said only to someone who typed the right password (or holds a link sent to the
#: address), so that it tells a guesser nothing about the account.
DISABLED = _l("This account has been disabled. Please contact OIC-VET.")


def find_account(email: str | None) -> Account | None:
    """The account of an address typed into a form, in one query.

    Roles and sectors load only if used: a known address must cost no more
    queries than an unknown one, or the time of the answer would tell them apart.
    """
    if not email:
        return None
    statement = (
        db.select(Account)
        .filter_by(email=email.strip().lower())
        .options(lazyload(Account.role_rows), lazyload(Account.sector_rows))
    )
    return db.session.execute(statement).scalar_one_or_none()


def send_link(account: Account, purpose: str, endpoint: str, template: str, deliver: bool = True,
              **context: Any) -> bool:
    """E-mail the account a signed link to ``endpoint``, in the account's language.

    With ``deliver=False`` the message is written and dropped: see :func:`request_reset`.
    """
    token = tokens.make_token(account, purpose)
    link = external_url(endpoint, token=token, lang=account.language)
    return send_mail(account.email, template, account.language, deliver=deliver, account=account, link=link,
                     **context)


def send_confirmation(account: Account) -> bool:
    return send_link(account, tokens.CONFIRM_EMAIL, "accounts.confirm_email", "confirm_email",
                     days=current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400)


#: At most one login link per account in this time, so that strangers who
#: type the right password cannot fill its owner's inbox.
LOGIN_LINK_MAILS = "1 per 5 minutes"


def _login_email() -> str:
    # Cleaned as the form cleans it, so that variants of one address share its counters.
    return drop_control(request.form.get("email") or "").strip().lower()[:254] or "-"


def _login_source() -> str:
    return f"{get_remote_address()}|{_login_email()}"


def _login_failed(response: Response) -> bool:
    return g.get("login_failed", False)


def _counter(scope: str, key: str) -> list[str]:
    """The identifiers of a counter of our own in the limiter's storage, shared like its limits."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return [prefix, key, scope] if prefix else [key, scope]


def _failures_before_link() -> list[RateLimitItem]:
    return parse_many(current_app.config["LOGIN_FAILURES_BEFORE_LINK"])


def _needs_link(email: str) -> bool:
    """Whether ``email`` has had so many failed logins, from anywhere, that a password alone is not enough."""
    if not limiter.enabled:
        return False
    keys = _counter("login-failures-before-link", email)
    return not all(limiter.limiter.test(item, *keys) for item in _failures_before_link())


def _count_failure(email: str) -> None:
    g.login_failed = True  # counted per source by the limit on the view
    if limiter.enabled:
        keys = _counter("login-failures-before-link", email)
        for item in _failures_before_link():
            limiter.limiter.hit(item, *keys)


def _may_mail_login_link(account: Account) -> bool:
    return limiter.limiter.hit(parse(LOGIN_LINK_MAILS), *_counter("login-link-mail", str(account.id)))


def send_login_link(account: Account) -> bool:
    return send_link(account, tokens.LOGIN_LINK, "accounts.login_link", "login_link",
                     minutes=current_app.config["LOGIN_LINK_MAX_AGE"] // 60,
                     reset=external_url("accounts.request_reset", lang=account.language))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    # Per e-mail address and visitor together: a stranger's wrong passwords
    # end in a 429 for the stranger, never for the owner elsewhere.
    lambda: current_app.config["LOGIN_FAILURES_PER_SOURCE"],
    key_func=_login_source,
    methods=["POST"],
    scope="login-failures-per-source",
    deduct_when=_login_failed,
)
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next"))
    target = safe_next(form.next.data)
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target or url_for("accounts.overview"))
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form, expired=form_expired(form))
    email = _login_email()
    account = find_account(form.email.data)
    # An unknown address costs the same verification as a wrong password.
    right = verify_password(account.password_hash if account else None, form.password.data)
    if _needs_link(email):
        # Guessed at from many places: one answer for right and wrong passwords
        # and unknown addresses, and each try counts as failed, so that not even
        # the rate-limit headers tell them apart. Only the owner's inbox does.
        _count_failure(email)
        owner = account if right and account is not None and account.email_confirmed_at is not None else None
        if owner is not None and owner.is_disabled:
            owner = None  # a link would not log it in
        if owner is not None and _may_mail_login_link(owner):
            send_login_link(owner)
        return render_template("accounts/login.html", form=form, needs_link=True)
    if not right:
        _count_failure(email)
        return render_template("accounts/login.html", form=form, failed=True)
    assert account is not None
    if account.is_disabled:
        flash(DISABLED, "error")
        return render_template("accounts/login.html", form=form)
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(form.password.data)
    if account.email_confirmed_at is None:
        db.session.commit()
        send_confirmation(account)
        return render_template("accounts/login.html", form=form, unconfirmed=True)
    start_session(account, remember=form.remember.data)
    db.session.commit()
    return redirect(target or url_for("accounts.overview"))


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    if not LogoutForm().validate_on_submit():
        flash(_("Your page had expired, so you are still logged in. Please try again."), "error")
        return redirect(url_for("accounts.overview"))
    end_session()
    flash(_("You have logged out."), "success")
    return redirect(url_for("pages.home"))


@bp.route("/")
@login_required
@unlisted
def overview() -> ResponseReturnValue:
    return render_template("accounts/overview.html", Role=Role)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@unlisted
def change_password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            account = current_user._get_current_object()
            account.password_hash = hash_password(form.password.data)
            account.end_sessions()
            remember = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
            start_session(account, remember=remember)  # this browser stays logged in
            db.session.commit()
            flash(_("Your password has been changed. Everywhere else, you have been logged out."), "success")
            return redirect(url_for("accounts.overview"))
    return render_template("accounts/password.html", form=form, expired=form_expired(form))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def request_reset() -> ResponseReturnValue:
    form = ResetRequestForm()
    if form.validate_on_submit():
        account = find_account(form.email.data)
        known = account is not None
        if account is None:
            # Writing the message takes about a millisecond: for an address without an
            # account, the same message is written for a stand-in and dropped, so that
            # the answer takes as long and does not tell which addresses have accounts.
            account = Account(email=form.email.data.lower(), name="", password_hash="", session_token="",
                              language=current_language())
        send_link(account, tokens.RESET_PASSWORD, "accounts.reset_password", "reset_password", deliver=known,
                  minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
        # The same answer whether or not the address has an account.
        flash(
            _("If an account uses %(email)s, a link to choose a new password is on its way to it.",
              email=form.email.data),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form, expired=form_expired(form))


def _account_from_link(token: str, purpose: str, max_age: int) -> Account | ResponseReturnValue:
    """The account an e-mailed link is for, or the page that says why the link does not work."""
    try:
        return tokens.read_token(token, purpose, max_age)
    except (tokens.LinkExpired, tokens.LinkInvalid) as problem:
        expired = isinstance(problem, tokens.LinkExpired)
        reset = purpose in (tokens.RESET_PASSWORD, tokens.WELCOME)
        login_link = purpose == tokens.LOGIN_LINK
        return render_template(
            "accounts/link_problem.html", expired=expired, reset=reset, login_link=login_link
        ), 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    return _choose_password(token, tokens.RESET_PASSWORD, current_app.config["PASSWORD_RESET_MAX_AGE"])


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def welcome(token: str) -> ResponseReturnValue:
    """A new staff member chooses a first password, from the link an administrator had sent."""
    return _choose_password(token, tokens.WELCOME, current_app.config["WELCOME_MAX_AGE"], first=True)


def send_welcome(account: Account) -> bool:
    """E-mail a person an administrator made an account for the link to choose a password."""
    return send_link(account, tokens.WELCOME, "accounts.welcome", "staff_welcome",
                     days=current_app.config["WELCOME_MAX_AGE"] // 86400)


def _choose_password(token: str, purpose: str, max_age: int, first: bool = False) -> ResponseReturnValue:
    account = _account_from_link(token, purpose, max_age)
    if not isinstance(account, Account):
        return account
    form = ResetForm()
    if form.validate_on_submit():
        account.password_hash = hash_password(form.password.data)
        account.end_sessions()
        followups = []
        if account.email_confirmed_at is None:
            account.email_confirmed_at = utcnow()  # the link itself proves the address
            followups = email_confirmed.send(current_app._get_current_object(), account=account)
        db.session.commit()
        after_commit(followups)
        if first:
            flash(_("Your password is set. Please log in."), "success")
        else:
            flash(_("Your new password is set, and every earlier session has ended. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, expired=form_expired(form), first=first)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    # Opening the link shows a button: a GET never changes anything, and mail
    # scanners that follow links do not confirm an address.
    account = _account_from_link(token, tokens.CONFIRM_EMAIL, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    if not isinstance(account, Account):
        return account
    form = ConfirmForm()
    if form.validate_on_submit():
        account.email_confirmed_at = utcnow()
        followups = email_confirmed.send(current_app._get_current_object(), account=account)
        db.session.commit()
        after_commit(followups)
        flash(_("Thank you: your e-mail address is confirmed."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm.html", form=form, account=account)


@bp.route("/login/<token>", methods=["GET", "POST"])
def login_link(token: str) -> ResponseReturnValue:
    # As with confirm_email, opening the link only shows a button: mail
    # scanners that follow links must not start a session.
    account = _account_from_link(token, tokens.LOGIN_LINK, current_app.config["LOGIN_LINK_MAX_AGE"])
    if not isinstance(account, Account):
        return account
    if account.is_disabled:
        flash(DISABLED, "error")
        return redirect(url_for("accounts.login"))
    form = LoginLinkForm()
    if form.validate_on_submit():
        start_session(account)  # sets last_login_at, which ends the link
        db.session.commit()
        return redirect(url_for("accounts.overview"))
    return render_template("accounts/login_link.html", form=form, account=account)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@unlisted
def delete() -> ResponseReturnValue:
    form = DeleteAccountForm()
    account = current_user._get_current_object()
    # Counted with the administrators' rows locked, in the transaction that deletes:
    # another administrator may be leaving at this very moment.
    last_admin = account.has_role(Role.ADMINISTRATOR) and is_last_administrator(account, _administrators())
    if form.validate_on_submit() and not last_admin:
        if not verify_password(account.password_hash, form.password.data):
            form.password.errors.append(_("This is not your password."))
        else:
            account_deleting.send(current_app._get_current_object(), account=account)
            db.session.delete(account)
            db.session.commit()
            forget_browser()
            flash(_("Your account and everything it held have been deleted."), "success")
            return redirect(url_for("pages.home"))
    return render_template(
        "accounts/delete.html", form=form, last_admin=last_admin, expired=form_expired(form)
    )


def _administrators() -> int:
    """The enabled administrators, their rows locked until this request's transaction ends."""
    return enabled_administrators()
