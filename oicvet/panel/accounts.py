"""Accounts and roles (administrators only): find an account, give and take away the staff
roles and a sector editor's sectors, disable and enable an account.

Roles are read from the database whenever an account is loaded (at every request),
so a change takes effect on the person's next request. The site always keeps one
enabled administrator: see ``oicvet.accounts.admins``.
"""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from oicvet.accounts.admins import is_last_administrator
from oicvet.accounts.models import Account, AccountRole, Role
from oicvet.accounts.passwords import hash_password
from oicvet.accounts.views import send_welcome
from oicvet.audit import record_change
from oicvet.extensions import db
from oicvet.forms import form_expired
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import utcnow
from oicvet.panel.access import admins_only
from oicvet.panel.blueprint import bp
from oicvet.panel.forms import action_refused
from oicvet.panel.people_forms import DISABLED, AccountSearchForm, NewAccountForm, RolesForm
from oicvet.plugins.registry import get_registry
from oicvet.seo import unlisted
from oicvet.urls import number_arg

PAGE_SIZE = 25

#: The roles that come with a reviewed profile: they follow its review, not this page.
PROFILE_ROLES = (Role.PARTNER, Role.TROP_MEMBER, Role.EXPERT)

ADDRESS_TAKEN = _l("An account already uses this address: find it in the list to give it a staff role.")
LAST_ADMIN = _l("This is the last enabled administrator: the site must keep one. Make another account an "
                "administrator first.")


def _like(text: str) -> str:
    """``text`` as a LIKE pattern that matches it anywhere, its own wildcards taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@bp.get("/accounts/")
@admins_only
@unlisted
def accounts() -> ResponseReturnValue:
    form = AccountSearchForm(request.args)
    query, show = form.value("q"), form.value("role")
    statement = select(Account)
    if query:
        pattern = _like(query)
        statement = statement.where(or_(
            func.lower(Account.name).like(pattern, escape="\\"),
            Account.email.like(pattern, escape="\\"),  # stored in lower case
        ))
    if show == DISABLED:
        statement = statement.where(Account.disabled_at.is_not(None))
    elif show:
        statement = statement.where(exists().where(AccountRole.account_id == Account.id, AccountRole.role == show))
    statement = statement.order_by(func.lower(Account.name), Account.id)
    page = db.paginate(statement, page=number_arg(), per_page=PAGE_SIZE, error_out=True)
    filters = {name: value for name, value in (("q", query), ("role", show)) if value}
    return render_template("panel/accounts/list.html", form=form, page=page, filters=filters)


@bp.route("/accounts/new", methods=["GET", "POST"])
@admins_only
@unlisted
def new_account() -> ResponseReturnValue:
    """An account for a new staff member, who is e-mailed a link to choose a password."""
    form = NewAccountForm(data={"language": current_user.language})
    if form.validate_on_submit():
        email = form.email.data.lower()
        if db.session.scalar(select(Account.id).where(Account.email == email)) is not None:
            form.email.errors.append(str(ADDRESS_TAKEN))
        else:
            person = Account(
                name=form.name.data, email=email, language=form.language.data,
                # Nobody knows this password: the person chooses theirs from the e-mailed link.
                password_hash=hash_password(secrets.token_urlsafe(32)),
            )
            for role, wanted in ((Role.ADMINISTRATOR, form.administrator.data),
                                 (Role.SECTOR_EDITOR, form.sector_editor.data)):
                if wanted:
                    person.grant(role)
            person.set_edited_sectors(sorted(form.sectors.data or []))
            db.session.add(person)
            try:
                db.session.flush()  # its id, for the log; another administrator's same address fails here
            except IntegrityError:
                db.session.rollback()
                form.email.errors.append(str(ADDRESS_TAKEN))
                return render_template("panel/accounts/new.html", form=form, expired=False)
            record_change("account", person.id, "create", label=f"{person.name} <{person.email}>",
                          after={"name": person.name, "email": person.email, **_state(person)})
            db.session.commit()
            send_welcome(person)
            flash(_("The account of %(name)s is made. An e-mail asks them to choose a password.",
                    name=person.name), "success")
            return redirect(url_for(".account", account_id=person.id))
    return render_template("panel/accounts/new.html", form=form, expired=form_expired(form))


@bp.post("/accounts/<int:account_id>/welcome")
@admins_only
def send_welcome_again(account_id: int) -> ResponseReturnValue:
    """The link to choose a password again, for a person who has never logged in."""
    person = _account_or_404(account_id)
    back = url_for(".account", account_id=person.id)
    if (refused := action_refused(back)) is not None:
        return refused
    if person.last_login_at is None and not person.is_disabled:
        record_change("account", person.id, "welcome", label=f"{person.name} <{person.email}>")
        db.session.commit()
        send_welcome(person)
        flash(_("A new link to choose a password was sent to %(email)s.", email=person.email), "success")
    return redirect(back)


def _account_or_404(account_id: int) -> Account:
    return db.session.get(Account, account_id) or abort(404)


def _state(account: Account) -> dict[str, list[str]]:
    return {"roles": sorted(account.roles), "sectors": sorted(account.edited_sectors)}


@bp.route("/accounts/<int:account_id>/", methods=["GET", "POST"])
@admins_only
@unlisted
def account(account_id: int) -> ResponseReturnValue:
    person = _account_or_404(account_id)
    form = RolesForm(data={
        "administrator": person.has_role(Role.ADMINISTRATOR),
        "sector_editor": person.has_role(Role.SECTOR_EDITOR),
        "sectors": sorted(person.edited_sectors),
    })
    if form.validate_on_submit():
        response = _save_roles(person, form)
        if response is not None:
            return response
    return _account_page(person, form)


def _account_page(person: Account, form: RolesForm) -> ResponseReturnValue:
    return render_template(
        "panel/accounts/account.html", person=person, form=form, expired=form_expired(form),
        profile_roles=[role for role in PROFILE_ROLES if person.has_role(role)], Role=Role,
        is_self=person.id == current_user.id,
    )


def _save_roles(person: Account, form: RolesForm) -> ResponseReturnValue | None:
    before = _state(person)
    wanted = {Role.ADMINISTRATOR: form.administrator.data, Role.SECTOR_EDITOR: form.sector_editor.data}
    if not wanted[Role.ADMINISTRATOR] and is_last_administrator(person):
        form.administrator.errors.append(str(LAST_ADMIN))
        return None
    loaded = {plugin.key for plugin in get_registry()}
    sectors: list[str] = []
    if wanted[Role.SECTOR_EDITOR]:
        # Sectors of plugins this site does not load now are kept: the form cannot show them.
        sectors = sorted(set(form.sectors.data or []) | (person.edited_sectors - loaded))
    label = f"{person.name} <{person.email}>"
    # One entry per change, each with the state just before it and just after.
    for role, keep in wanted.items():
        if keep != person.has_role(role):
            role_before = _state(person)
            if keep:
                person.grant(role)
            else:
                person.revoke(role)
            record_change("account", person.id, "grant" if keep else "revoke", label=label,
                          before=role_before, after=_state(person))
    if set(sectors) != person.edited_sectors:
        sectors_before = _state(person)
        person.set_edited_sectors(sectors)
        record_change("account", person.id, "sectors", label=label, before=sectors_before, after=_state(person))
    if _state(person) == before:
        flash(_("Nothing was changed."), "info")
        return redirect(url_for(".account", account_id=person.id))
    db.session.commit()
    flash(_("The roles of %(name)s are saved. They apply from the person's next page.", name=person.name),
          "success")
    if person.id == current_user.id and not person.has_role(Role.ADMINISTRATOR):
        return redirect(url_for("panel.home") if person.is_staff else url_for("accounts.overview"))
    return redirect(url_for(".account", account_id=person.id))


@bp.post("/accounts/<int:account_id>/disable")
@admins_only
def disable_account(account_id: int) -> ResponseReturnValue:
    person = _account_or_404(account_id)
    back = url_for(".account", account_id=person.id)
    if (refused := action_refused(back)) is not None:
        return refused
    if person.id == current_user.id:
        flash(_("You cannot disable your own account: another administrator must."), "error")
        return redirect(back)
    if person.is_disabled:
        return redirect(back)
    if is_last_administrator(person):
        flash(str(LAST_ADMIN), "error")
        return redirect(back)
    person.disabled_at = utcnow()
    person.end_sessions()  # every session and remember cookie stops working at once
    record_change("account", person.id, "disable", label=f"{person.name} <{person.email}>",
                  before={"disabled_at": None}, after={"disabled_at": person.disabled_at})
    db.session.commit()
    flash(_("The account of %(name)s is disabled: it has been logged out everywhere and cannot log in.",
            name=person.name), "success")
    return redirect(back)


@bp.post("/accounts/<int:account_id>/enable")
@admins_only
def enable_account(account_id: int) -> ResponseReturnValue:
    person = _account_or_404(account_id)
    back = url_for(".account", account_id=person.id)
    if (refused := action_refused(back)) is not None:
        return refused
    if not person.is_disabled:
        return redirect(back)
    was = person.disabled_at
    person.disabled_at = None
    record_change("account", person.id, "enable", label=f"{person.name} <{person.email}>",
                  before={"disabled_at": was}, after={"disabled_at": None})
    db.session.commit()
    flash(_("The account of %(name)s is enabled again: it can log in.", name=person.name), "success")
    return redirect(back)
