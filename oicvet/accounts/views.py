"""Account pages: log in and out, the account page, passwords, confirming an address."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_login.config import COOKIE_NAME
from werkzeug import Response

from oicvet.accounts import tokens
from oicvet.accounts.auth import end_session, safe_next, start_session
from oicvet.accounts.forms import (
    ConfirmForm,
    DeleteAccountForm,
    LoginForm,
    LogoutForm,
    PasswordChangeForm,
    ResetForm,
    ResetRequestForm,
)
from oicvet.accounts.models import Account, AccountRole, Role
from oicvet.accounts.passwords import hash_password, needs_rehash, verify_password
from oicvet.accounts.signals import account_deleting, after_commit, email_confirmed
from oicvet.extensions import csrf, db, limiter
from oicvet.forms import form_expired
from oicvet.mail import send_mail
from oicvet.models import utcnow
from oicvet.seo import unlisted
from oicvet.urls import external_url

bp = Blueprint("accounts", __name__, url_prefix="/<lang:lang>/account")
# Each form checks its own CSRF token, so that an expired one gives the form
# back with what was typed instead of a bare 400 page.
csrf.exempt(bp)


def find_account(email: str | None) -> Account | None:
    if not email:
        return None
    return db.session.execute(db.select(Account).filter_by(email=email.strip().lower())).scalar_one_or_none()


def send_link(account: Account, purpose: str, endpoint: str, template: str, **context: Any) -> bool:
    """E-mail the account a signed link to ``endpoint``, in the account's language."""
    token = tokens.make_token(account, purpose)
    link = external_url(endpoint, token=token, lang=account.language)
    return send_mail(account.email, template, account.language, account=account, link=link, **context)


def send_confirmation(account: Account) -> bool:
    return send_link(account, tokens.CONFIRM_EMAIL, "accounts.confirm_email", "confirm_email",
                     days=current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400)


def _login_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254] or "-"


def _login_failed(response: Response) -> bool:
    return g.get("login_failed", False)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_EMAIL"],
    key_func=_login_email,
    methods=["POST"],
    scope="login-failures-per-email",
    deduct_when=_login_failed,
)
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next"))
    target = safe_next(form.next.data)
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target or url_for("accounts.overview"))
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form, expired=form_expired(form))
    account = find_account(form.email.data)
    # An unknown address costs the same verification as a wrong password.
    if not verify_password(account.password_hash if account else None, form.password.data):
        g.login_failed = True
        return render_template("accounts/login.html", form=form, failed=True)
    assert account is not None
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
        if account is not None:
            send_link(account, tokens.RESET_PASSWORD, "accounts.reset_password", "reset_password",
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
        reset = purpose == tokens.RESET_PASSWORD
        return render_template("accounts/link_problem.html", expired=expired, reset=reset), 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    account = _account_from_link(token, tokens.RESET_PASSWORD, current_app.config["PASSWORD_RESET_MAX_AGE"])
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
        flash(_("Your new password is set, and every earlier session has ended. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, expired=form_expired(form))


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


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@unlisted
def delete() -> ResponseReturnValue:
    form = DeleteAccountForm()
    account = current_user._get_current_object()
    last_admin = account.has_role(Role.ADMINISTRATOR) and _administrators() == 1
    if form.validate_on_submit() and not last_admin:
        if not verify_password(account.password_hash, form.password.data):
            form.password.errors.append(_("This is not your password."))
        else:
            account_deleting.send(current_app._get_current_object(), account=account)
            db.session.delete(account)
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account and everything it held have been deleted."), "success")
            return redirect(url_for("pages.home"))
    return render_template(
        "accounts/delete.html", form=form, last_admin=last_admin, expired=form_expired(form)
    )


def _administrators() -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(AccountRole).filter_by(role=Role.ADMINISTRATOR.value)
    )
