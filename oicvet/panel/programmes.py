"""Programme texts that staff replace: the plugin's own text stays the default.

An editor writes a programme's summary and text in any of the languages; a
language left empty shows the plugin's text in that language, and restoring
deletes staff's row, so the plugin's text shows again in every language.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from oicvet.audit import record_change, snapshot
from oicvet.extensions import db
from oicvet.forms import form_expired
from oicvet.i18n import DEFAULT_LANGUAGE, in_every_language, language_names, languages
from oicvet.i18n import lazy_gettext as _l
from oicvet.panel.access import edited_sectors, require_sector, staff_only
from oicvet.panel.blueprint import bp
from oicvet.panel.forms import action_refused
from oicvet.panel.text_forms import ProgrammeTextForm
from oicvet.plugins.registry import ProgrammeEntry, get_registry
from oicvet.programmes.texts import ProgrammeText
from oicvet.richtext import HOW_TO_WRITE, texts_to_html
from oicvet.seo import unlisted

#: What the audit log and a conflict show of a programme's texts.
FIELDS = ("summary", "body")
FIELD_LABELS = (("summary", _l("Summary")), ("body", _l("Text")))
CONFLICT = _l(
    "Someone saved this programme's texts while you were editing them, so yours were not saved. "
    "Compare the two versions below; what you wrote has been kept in the form: send it again to replace theirs."
)


def _entry(slug: str) -> ProgrammeEntry:
    """The programme of ``slug``: a 404 if no loaded plugin declares it, a 403 if the person does not edit its sector."""
    entry = get_registry().programme(slug) if len(slug) <= 80 else None
    if entry is None:
        abort(404)
    require_sector(entry.sector.key)
    return entry


def _label(entry: ProgrammeEntry) -> str:
    """The programme's English title, as the audit log names it."""
    with force_locale(DEFAULT_LANGUAGE):
        return str(entry.programme.title)


@bp.get("/programmes/")
@staff_only
@unlisted
def programmes() -> ResponseReturnValue:
    sectors = edited_sectors()
    shown = [plugin for plugin in get_registry() if sectors is None or plugin.key in sectors]
    keys = [plugin.key for plugin in shown]
    texts = {}
    if keys:
        rows = db.session.scalars(select(ProgrammeText).where(ProgrammeText.sector.in_(keys)))
        texts = {row.slug: row for row in rows}
    return render_template("panel/programmes/list.html", sectors=shown, texts=texts)


def _plugin_texts(entry: ProgrammeEntry) -> dict[str, dict[str, str]]:
    """The plugin's own summary and text in each language it translates them to (English always)."""
    return {"summary": in_every_language(entry.programme.summary), "body": in_every_language(entry.programme.body)}


def _values(text: ProgrammeText | None) -> dict[str, Any]:
    return snapshot(text, FIELDS) if text is not None else {name: None for name in FIELDS}


def _readable(values: dict[str, Any]) -> dict[str, str]:
    """Each field's texts, one language a line, for the table of two versions."""
    names = language_names()
    return {
        field: "\n\n".join(f"{names.get(code, code)}: {text}" for code, text in (texts or {}).items())
        for field, texts in values.items()
    }


@bp.route("/programmes/<slug>/", methods=["GET", "POST"])
@staff_only
def edit_programme(slug: str) -> ResponseReturnValue:
    entry = _entry(slug)
    text = db.session.get(ProgrammeText, slug)
    form = ProgrammeTextForm(data={
        "summary": text.summary if text else {}, "body": text.body if text else {},
        "version": text.version if text else 0,
    })
    conflict = None
    if form.validate_on_submit():
        current = text.version if text else 0
        if form.version.data != current:
            conflict = _values(text)
        else:
            saved = _save(entry, text, form)
            if saved is None:
                db.session.rollback()
                conflict = _values(db.session.get(ProgrammeText, slug, populate_existing=True))
            else:
                return saved
    elif form.version.errors:
        conflict = _values(text)
    if conflict is not None:
        current = db.session.get(ProgrammeText, slug)
        # The next save replaces what is saved now, knowingly.
        form.version.data = current.version if current else 0
        mine = {"summary": form.summary.data, "body": form.body.data}
        return _edit_page(entry, current, form, conflict=(_readable(mine), _readable(conflict))), 409
    return _edit_page(entry, text, form)


def _save(entry: ProgrammeEntry, text: ProgrammeText | None, form: ProgrammeTextForm) -> ResponseReturnValue | None:
    """Store the texts (or delete the row when every language is empty); None when someone saved meanwhile."""
    before = _values(text)
    summary, body = form.summary.data, form.body.data
    label = _label(entry)
    if not summary and not body:
        if text is None:
            flash(_("Nothing was changed: this programme already shows the plugin's text."), "success")
            return redirect(url_for("panel.edit_programme", slug=entry.slug))
        record_change("programme_text", entry.slug, "restore", label=label, sector=entry.sector.key, before=before)
        db.session.delete(text)
        message = _("The plugin's text of this programme shows again, in every language.")
    else:
        if text is None:
            text = ProgrammeText(slug=entry.slug, sector=entry.sector.key)
            db.session.add(text)
        text.summary = summary or None
        text.body = body or None
        text.body_html = texts_to_html(body) or None
        record_change("programme_text", entry.slug, "update", label=label, sector=entry.sector.key,
                      before=before, after={"summary": text.summary, "body": text.body})
        message = _("The programme's texts were saved; its pages show them now.")
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        return None
    flash(message, "success")
    return redirect(url_for("panel.edit_programme", slug=entry.slug))


def _edit_page(entry: ProgrammeEntry, text: ProgrammeText | None, form: ProgrammeTextForm,
               conflict: tuple[dict[str, str], dict[str, str]] | None = None) -> str:
    return render_template(
        "panel/programmes/edit.html", entry=entry, text=text, form=form, expired=form_expired(form),
        plugin=_plugin_texts(entry), how_to_write=HOW_TO_WRITE, conflict=conflict,
        conflict_message=CONFLICT, field_labels=FIELD_LABELS, languages=languages(),
    )


@bp.post("/programmes/<slug>/restore")
@staff_only
def restore_programme(slug: str) -> ResponseReturnValue:
    entry = _entry(slug)
    back = url_for("panel.edit_programme", slug=entry.slug)
    refused = action_refused(back)
    if refused is not None:
        return refused
    text = db.session.get(ProgrammeText, slug)
    if text is None:
        flash(_("Nothing was changed: this programme already shows the plugin's text."), "success")
        return redirect(back)
    record_change("programme_text", entry.slug, "restore", label=_label(entry), sector=entry.sector.key,
                  before=_values(text))
    db.session.delete(text)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()  # someone restored it at the same moment: the plugin's text shows either way
    flash(_("The plugin's text of this programme shows again, in every language."), "success")
    return redirect(back)
