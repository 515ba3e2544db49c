"""Events in the staff panel: the list, creating and editing, publishing, deleting, their photos
and documents, and the Committee's meetings.

A sector editor works on the events of the sectors they edit; an administrator on
every event, OIC-VET's own (no programme, no sector) included. Every change is one
transaction with its audit entry. Two people editing one event never overwrite
each other silently: the form carries the version it was based on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import IO, Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from oicvet.audit import record_change, snapshot
from oicvet.events import LISTED
from oicvet.extensions import db
from oicvet.forms import form_expired
from oicvet.i18n import babel_locale, country_name, current_language, languages, long_date, number
from oicvet.i18n import lazy_gettext as _l
from oicvet.models import Event, EventFile
from oicvet.panel.access import admins_only, edited_sectors, require_sector, staff_only
from oicvet.panel.blueprint import bp
from oicvet.panel.event_forms import (
    OICVET,
    DocumentForm,
    EventFilter,
    EventForm,
    PhotoForm,
    country_choices,
    kind_choices,
    language_choices,
)
from oicvet.panel.forms import EXPIRED, ActionForm, action_refused
from oicvet.plugins import EVENT_KINDS
from oicvet.plugins.registry import get_registry
from oicvet.programmes.display import file_size, language_name
from oicvet.richtext import HOW_TO_WRITE, texts_to_html
from oicvet.seo import unlisted
from oicvet.uploads import StoredFile, UploadError, delete_upload, store_pdf, store_photo
from oicvet.urls import number_arg

PHOTO_MAX_BYTES = 8 * 1024 * 1024
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
#: Room for an upload form's other fields and its multipart framing, beyond the file.
FORM_OVERHEAD = 256 * 1024
PER_PAGE = 20
COMMITTEE_MEETING = "committee_meeting"

#: What the audit log keeps of an event (``body_html`` is made from ``body``).
EVENT_FIELDS = ("sector", "programme", "kind", "title", "summary", "body", "year", "start_date", "end_date",
                "city", "country", "is_virtual", "participants", "countries_count", "published")
FILE_FIELDS = ("event_id", "kind", "caption", "language", "content_type", "size", "width", "height", "stored_name")
#: The fields of the edit form, in its order; the translated ones are compared language by language.
FORM_FIELDS = ("programme", "kind", "title", "summary", "body", "year", "start_date", "end_date", "city",
               "country", "is_virtual", "participants", "countries_count")
TRANSLATED = ("title", "summary", "body", "city")

CONFLICT = _l("Someone else saved this event while you were editing it, so your changes were not saved. "
              "Compare the two versions below: your text is still in the form. Save again to replace "
              "their version with yours, or leave the page to keep theirs.")


# Choices --------------------------------------------------------------------------------


def programme_choices(keep: str | None = None) -> list[SelectChoice]:
    """The programmes of the sectors the person edits, grouped by sector; administrators also get OIC-VET.

    ``keep``: an event's programme whose plugin is not loaded stays selectable, under its slug.
    """
    sectors = edited_sectors()
    options = [SelectChoice("", _("Choose a programme"))]
    if sectors is None:
        options.append(SelectChoice(OICVET, _("OIC-VET itself (no programme)"), optgroup=_("OIC-VET")))
    offered = {OICVET}
    for plugin in get_registry():
        if sectors is None or plugin.key in sectors:
            title = str(plugin.title)
            for programme in plugin.programmes:
                options.append(SelectChoice(programme.slug, str(programme.title), optgroup=title))
                offered.add(programme.slug)
    if keep and keep not in offered and get_registry().programme(keep) is None:
        options.append(SelectChoice(keep, keep, optgroup=_("Not loaded")))
    return options


def _with_choices(form: EventForm, keep: str | None = None) -> EventForm:
    form.programme.choices = programme_choices(keep)
    form.kind.choices = (("", _("Choose a type")), *kind_choices())
    form.country.choices = country_choices()
    return form


# Reading and writing an event ----------------------------------------------------------


def _event(event_id: int) -> Event:
    """The event, or a 404; then a 403 unless the person edits its sector."""
    item = db.session.get(Event, event_id) or abort(404)
    require_sector(item.sector)
    return item


def _form_values(event: Event) -> dict[str, Any]:
    """An event as the edit form shows it."""
    return {
        "version": str(event.version),
        "programme": event.programme or OICVET,
        "kind": event.kind,
        "title": event.title,
        "summary": event.summary,
        "body": event.body,
        "year": str(event.year),
        "start_date": event.start_date.isoformat() if event.start_date else "",
        "end_date": event.end_date.isoformat() if event.end_date else "",
        "city": event.city,
        "country": event.country or "",
        "is_virtual": event.is_virtual,
        "participants": "" if event.participants is None else str(event.participants),
        "countries_count": "" if event.countries_count is None else str(event.countries_count),
    }


def _submitted(form: EventForm) -> dict[str, Any]:
    """The valid form's values, as the event stores them."""
    return {
        "programme": None if form.programme.data == OICVET else form.programme.data,
        "kind": form.kind.data,
        "title": form.title.data,
        "summary": form.summary.data or None,
        "body": form.body.data or None,
        "year": form.year.number,
        "start_date": form.start_date.day,
        "end_date": form.end_date.day,
        "city": form.city.data or None,
        "country": form.country.data or None,
        "is_virtual": bool(form.is_virtual.data),
        "participants": form.participants.number,
        "countries_count": form.countries_count.number,
    }


def _apply(values: Mapping[str, Any], event: Event) -> None:
    for name, value in values.items():
        setattr(event, name, value)
    entry = get_registry().programme(event.programme)
    if entry or not event.programme:
        event.sector = entry.sector.key if entry else None
    # else: a programme of a plugin not loaded here keeps the sector it had.
    # What the public page shows: the editor's markup made HTML and sanitised, once, here.
    event.body_html = texts_to_html(event.body) or None


def _label(event: Event) -> str:
    return (event.title or {}).get("en", "")


def _commit_or_undo(stored: Iterable[str]) -> None:
    """Commit; if that fails, the files just written are removed again before the error goes on."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for name in stored:
            delete_upload(name)
        raise


# The list -------------------------------------------------------------------------------


def _scoped(statement: Select) -> Select:
    """Only the events of the sectors the person edits (every event for an administrator)."""
    sectors = edited_sectors()
    if sectors is None:
        return statement
    return statement.where(Event.sector.in_(sorted(sectors)))


def _newest_first(statement: Select) -> Select:
    return statement.order_by(Event.year.desc(), Event.start_date.desc().nulls_last(), Event.id.desc())


def _filter_choices(form: EventFilter) -> None:
    sectors = edited_sectors()
    every = ("", _("All"))
    form.sector.choices = (every, *(((OICVET, _("OIC-VET")),) if sectors is None else ()),
                           *((p.key, str(p.title)) for p in get_registry() if sectors is None or p.key in sectors))
    form.programme.choices = (every, *((e.slug, str(e.programme.title)) for e in get_registry().programmes
                                       if sectors is None or e.sector.key in sectors))
    years = db.session.scalars(_scoped(select(Event.year).group_by(Event.year)).order_by(Event.year.desc()))
    form.year.choices = (every, *((str(year), str(year)) for year in years))
    form.status.choices = (every, ("published", _("Published")), ("unpublished", _("Not published")))


@bp.get("/events/")
@staff_only
@unlisted
def events() -> ResponseReturnValue:
    form = EventFilter(request.args)
    _filter_choices(form)
    form.validate()
    filters = {name: field.data for name, field in form._fields.items()
               if field.data and not field.errors and name != "q"}
    keyword = " ".join((form.q.data or "").split())[:100]
    if keyword:
        filters["q"] = keyword
    statement = _scoped(select(Event).options(*LISTED, defer(Event.body_html)))
    if sector := filters.get("sector"):
        statement = statement.where(Event.sector.is_(None) if sector == OICVET else Event.sector == sector)
    if programme := filters.get("programme"):
        statement = statement.where(Event.programme == programme)
    if year := filters.get("year"):
        statement = statement.where(Event.year == int(year))
    if status := filters.get("status"):
        statement = statement.where(Event.published.is_(status == "published"))
    if keyword:
        escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Event.title["en"].as_string().ilike(f"%{escaped}%", escape="\\"))
    page = db.paginate(_newest_first(statement), page=number_arg(), per_page=PER_PAGE, error_out=True)
    return render_template("panel/events/list.html", form=form, page=page, filters=filters,
                           programme_title=_programme_title)


def _programme_title(slug: str | None) -> str:
    entry = get_registry().programme(slug)
    if entry:
        return str(entry.programme.title)
    return slug or _("OIC-VET")


@bp.get("/committee/")
@admins_only
@unlisted
def committee() -> ResponseReturnValue:
    statement = select(Event).options(*LISTED, defer(Event.body_html)).where(
        Event.kind == COMMITTEE_MEETING, Event.programme.is_(None))
    meetings = db.session.scalars(_newest_first(statement)).all()
    return render_template("panel/committee.html", meetings=meetings)


# Creating and editing -------------------------------------------------------------------


def _prefill() -> dict[str, Any]:
    """A new event's values: this year, and the programme and kind the link asked for."""
    values: dict[str, Any] = {"year": str(date.today().year)}
    programme = request.args.get("programme", "")
    if programme and (programme == OICVET or get_registry().programme(programme)):
        values["programme"] = programme
    kind = request.args.get("kind", "")
    if kind in EVENT_KINDS:
        values["kind"] = kind
    return values


@bp.route("/events/new", methods=["GET", "POST"])
@staff_only
@unlisted
def new_event() -> ResponseReturnValue:
    form = _with_choices(EventForm(data=_prefill()))
    if form.validate_on_submit():
        event = Event(published=bool(form.publish.data))
        _apply(_submitted(form), event)
        db.session.add(event)
        db.session.flush()
        record_change("event", event.id, "create", label=_label(event), sector=event.sector,
                      after=snapshot(event, EVENT_FIELDS))
        db.session.commit()
        if event.published:
            flash(_("The event was created and published."), "success")
        else:
            flash(_("The event was created. It is not published yet: only staff see it."), "success")
        return redirect(url_for(".edit_event", event_id=event.id))
    return render_template("panel/events/new.html", form=form, expired=form_expired(form),
                           how_to_write=HOW_TO_WRITE)


@bp.route("/events/<int:event_id>/", methods=["GET", "POST"])
@staff_only
@unlisted
def edit_event(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    form = _with_choices(EventForm(data=_form_values(event)), keep=event.programme)
    del form.publish
    if not form.validate_on_submit():
        return _edit_page(event, form)
    if form.version.data != str(event.version):
        return _conflict(event, form)
    before = snapshot(event, EVENT_FIELDS)
    _apply(_submitted(form), event)
    # The sector may have changed with the programme: the person must edit the new one too.
    require_sector(event.sector)
    record_change("event", event.id, "update", label=_label(event), sector=event.sector,
                  before=before, after=snapshot(event, EVENT_FIELDS))
    try:
        db.session.commit()
    except StaleDataError:
        # Saved by someone else between our read and our write.
        db.session.rollback()
        fresh = db.session.get(Event, event_id)
        if fresh is None:
            flash(_("This event was deleted meanwhile."), "error")
            return redirect(url_for(".events"))
        return _conflict(fresh, form)
    flash(_("Your changes were saved."), "success")
    return redirect(url_for(".edit_event", event_id=event.id))


def _conflict(event: Event, form: EventForm) -> ResponseReturnValue:
    """Nothing written: both versions side by side, the person's input kept, based now on the saved version."""
    mine = _readable(_submitted(form))
    theirs = _readable(snapshot(event, FORM_FIELDS))
    form.version.data = str(event.version)
    return _edit_page(event, form, conflict={"labels": _version_labels(form), "mine": mine, "theirs": theirs},
                      status=409)


def _version_labels(form: EventForm) -> list[tuple[str, str]]:
    names = babel_locale(current_language()).languages
    labels = []
    for name in FORM_FIELDS:
        label = str(form[name].label.text)
        if name in TRANSLATED:
            labels.extend((f"{name}-{code}", f"{label} ({names.get(code, code)})") for code in languages())
        else:
            labels.append((name, label))
    return labels


def _readable(values: Mapping[str, Any]) -> dict[str, str]:
    """An event's editable values as text a person reads, one entry per field and language."""
    from oicvet.programmes import EVENT_KIND_LABELS

    shown: dict[str, str] = {}
    for name in FORM_FIELDS:
        value = values.get(name)
        if name in TRANSLATED:
            for code in languages():
                shown[f"{name}-{code}"] = (value or {}).get(code, "")
        elif name == "programme":
            shown[name] = _programme_title(value)
        elif name == "kind":
            shown[name] = str(EVENT_KIND_LABELS.get(value, value or ""))
        elif name in ("start_date", "end_date"):
            day = date.fromisoformat(value) if isinstance(value, str) else value
            shown[name] = long_date(day) if day else ""
        elif name == "country":
            shown[name] = country_name(value)
        elif name == "year":
            shown[name] = "" if value is None else str(value)
        elif name == "is_virtual":
            shown[name] = _("Yes") if value else _("No")
        else:
            shown[name] = number(value) if isinstance(value, int) else ""
    return shown


def _edit_page(event: Event, form: EventForm, photo_form: PhotoForm | None = None,
               document_form: DocumentForm | None = None, conflict: dict[str, Any] | None = None,
               status: int = 200) -> ResponseReturnValue:
    if photo_form is None:
        photo_form = PhotoForm(formdata=None)
    if document_form is None:
        document_form = DocumentForm(formdata=None)
    document_form.document_language.choices = (("", _("Choose a language")), *language_choices())
    html = render_template(
        "panel/events/edit.html", event=event, form=form, expired=form_expired(form), conflict=conflict,
        conflict_message=CONFLICT, photo_form=photo_form, document_form=document_form,
        how_to_write=HOW_TO_WRITE, programme_title=_programme_title, file_size=file_size,
        language_name=language_name,
    )
    return html, status


# Publishing and deleting ----------------------------------------------------------------


def _set_published(event_id: int, published: bool) -> ResponseReturnValue:
    event = _event(event_id)
    back = url_for(".edit_event", event_id=event.id)
    if refused := action_refused(back):
        return refused
    if event.published == published:
        return redirect(back)
    before = snapshot(event, EVENT_FIELDS)
    event.published = published
    record_change("event", event.id, "publish" if published else "unpublish", label=_label(event),
                  sector=event.sector, before=before, after=snapshot(event, EVENT_FIELDS))
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this event at the same moment; nothing was changed. Please try again."),
              "error")
        return redirect(back)
    if published:
        flash(_("The event is published: visitors see it now."), "success")
    else:
        flash(_("The event is unpublished: only staff see it now."), "success")
    return redirect(back)


@bp.post("/events/<int:event_id>/publish")
@staff_only
def publish_event(event_id: int) -> ResponseReturnValue:
    return _set_published(event_id, True)


@bp.post("/events/<int:event_id>/unpublish")
@staff_only
def unpublish_event(event_id: int) -> ResponseReturnValue:
    return _set_published(event_id, False)


@bp.route("/events/<int:event_id>/delete", methods=["GET", "POST"])
@staff_only
@unlisted
def delete_event(event_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    if request.method == "POST":
        if refused := action_refused(url_for(".delete_event", event_id=event.id)):
            return refused
        label = _label(event)
        record_change("event", event.id, "delete", label=label, sector=event.sector,
                      before=snapshot(event, EVENT_FIELDS))
        for item in event.files:
            record_change("event_file", item.id, "delete", label=item.caption.get("en", ""), sector=event.sector,
                          before=snapshot(item, FILE_FIELDS))
        stored = [item.stored_name for item in event.files]
        db.session.delete(event)
        db.session.commit()
        # Only once the rows are gone: a failed commit leaves every file in its place.
        for name in stored:
            delete_upload(name)
        flash(_("The event “%(title)s” was deleted.", title=label), "success")
        return redirect(url_for(".events"))
    return render_template("panel/events/delete.html", event=event, form=ActionForm())


# Photos and documents -------------------------------------------------------------------


def _next_position(event: Event) -> int:
    return max((item.position for item in event.files), default=0) + 1


def _received(event: Event, form: Any, field: Any, store: Callable[[IO[bytes], int], StoredFile],
              max_bytes: int, form_name: str) -> StoredFile | ResponseReturnValue:
    """The upload form's file, checked and kept; or the edit page again with the form's errors
    tied to its fields, what was typed kept (a refused file: 400)."""
    edit_form = _with_choices(EventForm(formdata=None, data=_form_values(event)), keep=event.programme)
    del edit_form.publish
    if not form.validate_on_submit():
        if form_expired(form):
            flash(EXPIRED, "error")
        return _edit_page(event, edit_form, **{form_name: form})
    try:
        return store(field.data.stream, max_bytes)
    except UploadError as error:
        field.errors.append(str(error.message))
        return _edit_page(event, edit_form, status=400, **{form_name: form})


@bp.post("/events/<int:event_id>/photos")
@staff_only
def add_photo(event_id: int) -> ResponseReturnValue:
    # Before the form is read: the site's cap on request bodies is far smaller than a photo.
    request.max_content_length = PHOTO_MAX_BYTES + FORM_OVERHEAD
    event = _event(event_id)
    form = PhotoForm()
    stored = _received(event, form, form.photo, store_photo, PHOTO_MAX_BYTES, "photo_form")
    if not isinstance(stored, StoredFile):
        return stored
    item = EventFile(kind=EventFile.PHOTO, stored_name=stored.name, content_type=stored.content_type,
                     size=stored.size, width=stored.width, height=stored.height, caption=form.photo_alt.data,
                     position=_next_position(event))
    return _file_added(event, item, _("The photo was added."))


@bp.post("/events/<int:event_id>/documents")
@staff_only
def add_document(event_id: int) -> ResponseReturnValue:
    request.max_content_length = DOCUMENT_MAX_BYTES + FORM_OVERHEAD
    event = _event(event_id)
    form = DocumentForm()
    form.document_language.choices = language_choices()
    stored = _received(event, form, form.document, store_pdf, DOCUMENT_MAX_BYTES, "document_form")
    if not isinstance(stored, StoredFile):
        return stored
    item = EventFile(kind=EventFile.DOCUMENT, stored_name=stored.name, content_type=stored.content_type,
                     size=stored.size, caption=form.document_title.data, language=form.document_language.data,
                     position=_next_position(event))
    return _file_added(event, item, _("The document was added."))


def _file_added(event: Event, item: EventFile, message: str) -> ResponseReturnValue:
    item.event_id = event.id
    event.files.append(item)
    try:
        db.session.flush()
        record_change("event_file", item.id, "create", label=item.caption.get("en", ""), sector=event.sector,
                      after=snapshot(item, FILE_FIELDS))
    except Exception:
        db.session.rollback()
        delete_upload(item.stored_name)
        raise
    _commit_or_undo([item.stored_name])
    flash(message, "success")
    return redirect(url_for(".edit_event", event_id=event.id, _anchor="files"))


@bp.post("/events/<int:event_id>/files/<int:file_id>/delete")
@staff_only
def delete_event_file(event_id: int, file_id: int) -> ResponseReturnValue:
    event = _event(event_id)
    item = db.session.get(EventFile, file_id)
    if item is None or item.event_id != event.id:
        abort(404)
    back = url_for(".edit_event", event_id=event.id, _anchor="files")
    if refused := action_refused(back):
        return refused
    record_change("event_file", item.id, "delete", label=item.caption.get("en", ""), sector=event.sector,
                  before=snapshot(item, FILE_FIELDS))
    name = item.stored_name
    event.files.remove(item)
    db.session.delete(item)
    db.session.commit()
    delete_upload(name)
    if item.kind == EventFile.PHOTO:
        flash(_("The photo was deleted."), "success")
    else:
        flash(_("The document was deleted."), "success")
    return redirect(back)
