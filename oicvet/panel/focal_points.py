"""National Focal Points (administrators only): one per member country, listed on the public
page /<lang>/focal-points/, which shows every change on its next request.

Each point carries a version (SQLAlchemy's ``version_id_col``): the form sends
back the version it was opened on, and a save over a newer version is refused
with both versions side by side, what was typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from oicvet.audit import record_change, snapshot
from oicvet.extensions import db
from oicvet.forms import form_expired
from oicvet.i18n import DEFAULT_LANGUAGE, country_name
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import FocalPoint
from oicvet.panel.access import admins_only
from oicvet.panel.blueprint import bp
from oicvet.panel.forms import action_refused
from oicvet.panel.people_forms import FocalPointForm
from oicvet.search.folding import fold
from oicvet.seo import unlisted

FIELDS = ("country", "institution", "website")
TAKEN = _l("This country already has a National Focal Point: edit that one instead.")
CONFLICT = _l("Someone saved this National Focal Point while you were editing it, so your changes were not "
              "saved. Compare the two versions below; saving again replaces the saved version with yours.")


def _label(point: FocalPoint) -> str:
    return f"{country_name(point.country, DEFAULT_LANGUAGE)}: {(point.institution or {}).get(DEFAULT_LANGUAGE, '')}"


@bp.get("/focal-points/")
@admins_only
@unlisted
def focal_points() -> ResponseReturnValue:
    points = list(db.session.scalars(select(FocalPoint)))
    points.sort(key=lambda point: fold(country_name(point.country)))
    return render_template("panel/focal_points/list.html", points=points)


@bp.route("/focal-points/new", methods=["GET", "POST"])
@admins_only
@unlisted
def new_focal_point() -> ResponseReturnValue:
    form = FocalPointForm()
    if form.validate_on_submit():
        if _country_taken(form.country.data):
            form.country.errors.append(str(TAKEN))
        else:
            point = FocalPoint()
            _fill(point, form)
            db.session.add(point)
            try:
                db.session.flush()  # its id, for the log; a race on the country fails here
                record_change("focal_point", point.id, "create", label=_label(point), after=snapshot(point, FIELDS))
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                form.country.errors.append(str(TAKEN))
            else:
                flash(_("The National Focal Point of %(country)s is saved.", country=country_name(point.country)),
                      "success")
                return redirect(url_for(".focal_points"))
    return render_template("panel/focal_points/form.html", form=form, point=None, expired=form_expired(form))


@bp.route("/focal-points/<int:point_id>/", methods=["GET", "POST"])
@admins_only
@unlisted
def edit_focal_point(point_id: int) -> ResponseReturnValue:
    point = db.session.get(FocalPoint, point_id) or abort(404)
    form = FocalPointForm(data={**snapshot(point, FIELDS), "version": point.version})
    if form.validate_on_submit():
        if form.version.data != str(point.version):
            return _conflict(point, form)
        if form.country.data != point.country and _country_taken(form.country.data):
            form.country.errors.append(str(TAKEN))
        else:
            before = snapshot(point, FIELDS)
            _fill(point, form)
            record_change("focal_point", point.id, "update", label=_label(point), before=before,
                          after=snapshot(point, FIELDS))
            try:
                db.session.commit()
            except StaleDataError:  # saved by someone else between our read and our write
                db.session.rollback()
                return _conflict(db.session.get(FocalPoint, point_id) or abort(404), form)
            except IntegrityError:
                db.session.rollback()
                form.country.errors.append(str(TAKEN))
            else:
                flash(_("The National Focal Point of %(country)s is saved.", country=country_name(point.country)),
                      "success")
                return redirect(url_for(".focal_points"))
            point = db.session.get(FocalPoint, point_id) or abort(404)
    return render_template("panel/focal_points/form.html", form=form, point=point, expired=form_expired(form))


def _conflict(point: FocalPoint, form: FocalPointForm) -> ResponseReturnValue:
    """The form again, as typed, beside the version saved meanwhile; a second save replaces it."""
    mine = _shown(form.country.data, form.institution.data, form.website.data)
    theirs = _shown(point.country, point.institution, point.website)
    form.version.data = str(point.version)
    html = render_template(
        "panel/focal_points/form.html", form=form, point=point, expired=False,
        conflict=str(CONFLICT), mine=mine, theirs=theirs,
        labels=[("country", form.country.label.text), ("institution", form.institution.label.text),
                ("website", form.website.label.text)],
    )
    return html, 409


def _shown(country: str | None, institution: dict[str, str] | None, website: str | None) -> dict[str, Any]:
    """A version's fields as the comparison shows them."""
    texts = "\n".join(f"{code}: {text}" for code, text in (institution or {}).items())
    return {"country": country_name(country) if country else "", "institution": texts, "website": website or ""}


@bp.post("/focal-points/<int:point_id>/delete")
@admins_only
def delete_focal_point(point_id: int) -> ResponseReturnValue:
    point = db.session.get(FocalPoint, point_id) or abort(404)
    if (refused := action_refused(url_for(".edit_focal_point", point_id=point.id))) is not None:
        return refused
    if request.form.get("confirmed") != "yes":
        # The edit page's button asks first; this page's button deletes. Nothing changes until then.
        return render_template("panel/focal_points/delete.html", point=point)
    name = country_name(point.country)
    record_change("focal_point", point.id, "delete", label=_label(point), before=snapshot(point, FIELDS))
    db.session.delete(point)
    db.session.commit()
    flash(_("The National Focal Point of %(country)s is deleted.", country=name), "success")
    return redirect(url_for(".focal_points"))


def _country_taken(country: str) -> bool:
    return db.session.scalar(select(FocalPoint.id).where(FocalPoint.country == country)) is not None


def _fill(point: FocalPoint, form: FocalPointForm) -> None:
    point.country = form.country.data
    point.institution = dict(form.institution.data)
    point.website = form.website.data or None
