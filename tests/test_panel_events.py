"""Events in the staff panel: editing, publishing, conflicts, photos and documents, and what visitors see."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from oicvet.accounts.models import Account, Role
from oicvet.audit import AuditEntry
from oicvet.extensions import db as _db
from oicvet.models import Event
from tests.conftest import PASSWORD, csrf_token, log_in
from tests.panel_helpers import pdf_bytes

ROOT = Path(__file__).resolve().parent.parent
LABOUR = "occupational-safety-and-health-capacity-building"
ICT = "ict-capacity-building"


def unique(text: str = "Event") -> str:
    return f"{text} {uuid.uuid4().hex[:8]} (test data)"


@pytest.fixture
def admin(make_account, app):
    account = make_account(Role.ADMINISTRATOR, name="Events Admin")
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    client.account = account
    return client


@pytest.fixture
def editor(make_account, app):
    """A sector editor of Labour & Social Security, logged in."""
    account = make_account(Role.SECTOR_EDITOR, name="Labour Editor")
    with app.app_context():
        stored = _db.session.get(Account, account.id)
        stored.set_edited_sectors(["labour"])
        _db.session.commit()
    client = app.test_client()
    log_in(client, account.email, PASSWORD)
    client.account = account
    return client


@pytest.fixture
def visitor(app):
    return app.test_client()


def fields(programme: str = LABOUR, **overrides) -> dict:
    values = {
        "programme": programme,
        "kind": "workshop",
        "title-en": unique(),
        "title-ar": "",
        "title-fr": "",
        "summary-en": "A short summary.",
        "body-en": "",
        "year": "2024",
        "start_date": "2024-05-06",
        "end_date": "2024-05-08",
        "city-en": "Ankara",
        "country": "TR",
        "participants": "25",
        "countries_count": "12",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def create(client, **overrides) -> tuple[int, str]:
    """Create an event through the panel; its id and English title."""
    data = fields(**overrides)
    token = csrf_token(page_of(client, "/en/admin/events/new"))
    response = client.post("/en/admin/events/new", data={"csrf_token": token, **data})
    assert response.status_code == 302, response.get_data(as_text=True)
    event_id = int(re.search(r"/admin/events/(\d+)/", response.headers["Location"]).group(1))
    return event_id, data["title-en"]


def edit_form(client, event_id: int) -> tuple[str, dict]:
    """The edit page, and the values its event form would send as they stand."""
    html = page_of(client, f"/en/admin/events/{event_id}/")
    form = html.split('class="event-form"', 1)[1].split("</form>", 1)[0]
    data: dict = {}
    for match in re.finditer(r'<input([^>]*)>', form):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
        if "name" not in attributes or attributes.get("type") == "checkbox" and " checked" not in match.group(1):
            continue
        data[attributes["name"]] = _unescape(attributes.get("value", "y"))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = _unescape(text)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', options)
        data[name] = _unescape(next(group for group in chosen.groups() if group is not None)) if chosen else ""
    return html, data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def stored_event(app, event_id: int) -> Event | None:
    with app.app_context():
        event = _db.session.get(Event, event_id)
        if event is not None:
            event.files  # noqa: B018  (loaded before the session goes)
            _db.session.expunge_all()
        return event


@pytest.fixture(autouse=True)
def audit_start(app):
    """The log's last entry before the test: ids of deleted rows come back (SQLite), older entries do not count."""
    global AUDIT_START
    with app.app_context():
        AUDIT_START = _db.session.scalar(select(_db.func.max(AuditEntry.id))) or 0


AUDIT_START = 0


def audit(app, kind: str, record_id: int) -> list[AuditEntry]:
    with app.app_context():
        entries = _db.session.scalars(select(AuditEntry).where(
            AuditEntry.kind == kind, AuditEntry.record_id == str(record_id), AuditEntry.id > AUDIT_START,
        ).order_by(AuditEntry.id)).all()
        _db.session.expunge_all()
        return list(entries)


def post_action(client, page: str, action: str):
    token = csrf_token(page_of(client, page))
    return client.post(action, data={"csrf_token": token})


# Creating, editing, publishing, deleting -------------------------------------------------


def test_an_editor_creates_edits_publishes_and_deletes_an_event_of_their_sector(app, editor, visitor):
    event_id, title = create(editor)
    event = stored_event(app, event_id)
    assert event.sector == "labour" and event.programme == LABOUR and not event.published
    assert event.participants == 25 and event.countries_count == 12 and str(event.start_date) == "2024-05-06"
    # Unpublished: visitors do not see it anywhere.
    assert visitor.get(f"/en/events/{event_id}/").status_code == 404
    assert title not in visitor.get(f"/en/programmes/{LABOUR}/").get_data(as_text=True)
    assert title not in visitor.get("/en/archive/?year=2024").get_data(as_text=True)

    html, data = edit_form(editor, event_id)
    data["title-fr"] = "Atelier (données de test)"
    data["participants"] = "30"
    response = editor.post(f"/en/admin/events/{event_id}/", data=data)
    assert response.status_code == 302
    assert "Your changes were saved." in page_of(editor, response.headers["Location"])
    event = stored_event(app, event_id)
    assert event.title["fr"] == "Atelier (données de test)" and event.participants == 30

    response = post_action(editor, f"/en/admin/events/{event_id}/", f"/en/admin/events/{event_id}/publish")
    assert response.status_code == 302 and stored_event(app, event_id).published
    assert title in visitor.get(f"/en/events/{event_id}/").get_data(as_text=True)

    response = post_action(editor, f"/en/admin/events/{event_id}/", f"/en/admin/events/{event_id}/unpublish")
    assert response.status_code == 302 and not stored_event(app, event_id).published
    assert visitor.get(f"/en/events/{event_id}/").status_code == 404

    confirm = page_of(editor, f"/en/admin/events/{event_id}/delete")
    assert title in confirm and stored_event(app, event_id) is not None  # the GET changed nothing
    response = editor.post(f"/en/admin/events/{event_id}/delete", data={"csrf_token": csrf_token(confirm)})
    assert response.status_code == 302 and stored_event(app, event_id) is None

    actions = [(entry.action, entry.record_label) for entry in audit(app, "event", event_id)]
    assert [action for action, _label in actions] == ["create", "update", "publish", "unpublish", "delete"]
    entries = audit(app, "event", event_id)
    assert entries[1].before == {"participants": 25, "title": {"en": title}}
    assert entries[1].after == {"participants": 30, "title": {"en": title, "fr": "Atelier (données de test)"}}
    assert entries[2].before == {"published": False} and entries[2].after == {"published": True}
    assert entries[4].before["title"] == {"en": title, "fr": "Atelier (données de test)"} and entries[4].after is None
    assert all(entry.sector == "labour" for entry in entries)


def test_an_administrator_keeps_oicvet_own_events_and_the_committee_meetings(app, admin, editor):
    page = page_of(admin, "/en/admin/events/new?programme=oicvet&kind=committee_meeting")
    assert '<option selected value="oicvet">' in page and '<option selected value="committee_meeting">' in page
    event_id, title = create(admin, programme="oicvet", kind="committee_meeting", publish="y")
    event = stored_event(app, event_id)
    assert event.sector is None and event.programme is None and event.published
    assert title in page_of(admin, "/en/admin/committee/")
    assert 'href="/en/admin/events/new?programme=oicvet&amp;kind=committee_meeting"' in page_of(
        admin, "/en/admin/committee/")
    assert title in page_of(admin, "/en/admin/events/?sector=oicvet")
    # A sector editor neither sees nor opens it, nor the Committee's page.
    assert title not in page_of(editor, "/en/admin/events/")
    assert editor.get(f"/en/admin/events/{event_id}/").status_code == 403
    assert editor.get("/en/admin/committee/").status_code == 403
    assert "oicvet" not in re.findall(r'value="([^"]*)"', page_of(editor, "/en/admin/events/new"))
    html, data = edit_form(admin, event_id)
    data["city-en"] = "Ankara"
    assert admin.post(f"/en/admin/events/{event_id}/", data=data).status_code == 302
    post_action(admin, f"/en/admin/events/{event_id}/", f"/en/admin/events/{event_id}/unpublish")
    assert title in page_of(admin, "/en/admin/committee/")  # every status
    confirm = page_of(admin, f"/en/admin/events/{event_id}/delete")
    admin.post(f"/en/admin/events/{event_id}/delete", data={"csrf_token": csrf_token(confirm)})
    assert [entry.action for entry in audit(app, "event", event_id)] == ["create", "update", "unpublish", "delete"]
    assert audit(app, "event", event_id)[0].sector is None


def test_an_editor_cannot_pick_or_open_another_sectors_event(app, editor, admin):
    token = csrf_token(page_of(editor, "/en/admin/events/new"))
    data = fields(programme=ICT)
    response = editor.post("/en/admin/events/new", data={"csrf_token": token, **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose one of the options in the list." in html
    assert data["title-en"] in html  # the input kept
    other_id, other_title = create(admin, programme=ICT)
    assert other_title not in page_of(editor, "/en/admin/events/")
    assert editor.get(f"/en/admin/events/{other_id}/").status_code == 403
    assert editor.get(f"/en/admin/events/{other_id}/delete").status_code == 403
    assert post_action(editor, "/en/admin/events/", f"/en/admin/events/{other_id}/publish").status_code == 403
    assert editor.get("/en/admin/events/999999999/").status_code == 404
    # Their own sector's event cannot be moved to another sector either.
    own_id, _title = create(editor)
    html, values = edit_form(editor, own_id)
    values["programme"] = ICT
    response = editor.post(f"/en/admin/events/{own_id}/", data=values)
    assert response.status_code == 200 and "Choose one of the options in the list." in response.get_data(as_text=True)
    assert stored_event(app, own_id).sector == "labour"


def test_bad_values_are_refused_with_their_input_kept(app, editor):
    token = csrf_token(page_of(editor, "/en/admin/events/new"))
    data = fields(kind="party", year="1890", start_date="2024-13-45", country="XX", participants="many",
                  countries_count="58")
    response = editor.post("/en/admin/events/new", data={"csrf_token": token, **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("Choose one of the options in the list.") == 2  # kind and country
    assert "Write a number from 1990 to 2100." in html and 'value="1890"' in html
    assert "Write the date as year-month-day" in html and 'value="2024-13-45"' in html
    assert "Write a whole number, in digits." in html and 'value="many"' in html
    assert "Write a number from 0 to 57." in html
    response = editor.post("/en/admin/events/new", data={"csrf_token": token, **fields(
        year="2023", start_date="2024-05-06", end_date="2024-05-01", **{"title-en": ""})})
    html = response.get_data(as_text=True)
    assert "The last day cannot come before the first." in html
    assert "The year must be the year of the first day (2024)." in html
    assert "Write the English text" in html
    # In French, the page and its errors are translated; nothing was stored.
    response = editor.post("/fr/admin/events/new", data={"csrf_token": token, **data})
    assert response.status_code == 200 and 'lang="fr"' in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(Event).where(Event.title["en"].as_string() == data["title-en"])) is None


def test_the_list_filters_by_keyword_status_year_and_programme(app, admin):
    marker = uuid.uuid4().hex[:8]
    published_id, published_title = create(admin, publish="y", **{"title-en": f"Filter {marker} one (test data)"})
    draft_id, draft_title = create(admin, year="2019", start_date="", end_date="",
                                   **{"title-en": f"Filter {marker} two (test data)"})
    page = page_of(admin, f"/en/admin/events/?q={marker}")
    assert published_title in page and draft_title in page and "Not published" in page
    assert f'href="/en/admin/events/{draft_id}/"' in page
    page = page_of(admin, f"/en/admin/events/?q={marker}&status=unpublished")
    assert draft_title in page and published_title not in page
    page = page_of(admin, f"/en/admin/events/?q={marker}&year=2019&programme={LABOUR}&sector=labour")
    assert draft_title in page and published_title not in page
    assert admin.get("/en/admin/events/?sector=nowhere").status_code == 200
    # Newest first: 2024 before 2019.
    page = page_of(admin, f"/en/admin/events/?q={marker}")
    assert page.index(published_title) < page.index(draft_title)


# Rich text -------------------------------------------------------------------------------


def test_the_description_is_rich_text_without_scripts(app, editor, visitor):
    body = ("Intro with *emphasis* and **strong** and [a link](https://www.example.org).\n\n"
            "- first\n- second\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(2))")
    event_id, _title = create(editor, publish="y", **{"body-en": body})
    event = stored_event(app, event_id)
    html = event.body_html["en"]
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://www.example.org"' in html and "<ul>" in html and "<li>first</li>" in html
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as the text it was, never run
    assert 'href="javascript:' not in html and "<a" not in html.split("[bad]")[1]
    assert event.body["en"] == body  # what the editor wrote is kept to edit again
    page = page_of(visitor, f"/en/events/{event_id}/")
    assert "<em>emphasis</em>" in page and "<script>alert" not in page and 'href="javascript:' not in page
    # In Arabic the English text shows, marked as English.
    arabic = page_of(visitor, f"/ar/events/{event_id}/")
    assert '<p lang="en" dir="ltr">Intro with <em>emphasis</em>' in arabic
    assert '<ul lang="en" dir="ltr">' in arabic
    assert "Leave a blank line between paragraphs." in page_of(editor, f"/en/admin/events/{event_id}/")


# Two editors, one event ------------------------------------------------------------------


def test_a_save_over_a_newer_version_is_a_conflict_not_an_overwrite(app, editor, make_account):
    second = app.test_client()
    other = make_account(Role.SECTOR_EDITOR, name="Second Editor")
    with app.app_context():
        _db.session.get(Account, other.id).set_edited_sectors(["labour"])
        _db.session.commit()
    log_in(second, other.email, PASSWORD)
    event_id, title = create(editor)
    _html, first_values = edit_form(editor, event_id)
    _html, second_values = edit_form(second, event_id)

    first_values["title-en"] = title + " first"
    assert editor.post(f"/en/admin/events/{event_id}/", data=first_values).status_code == 302
    second_values["title-en"] = title + " second"
    second_values["city-en"] = "Izmir"
    response = second.post(f"/en/admin/events/{event_id}/", data=second_values)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this event while you were editing it" in html
    assert '<table class="versions">' in html
    row = re.search(r'<tr class="versions__changed"><th scope="row">Title \(English\)</th>(.*?)</tr>', html).group(1)
    assert title + " second" in row and title + " first" in row
    assert "Izmir" in html and "Ankara" in html
    event = stored_event(app, event_id)
    assert event.title["en"] == title + " first"  # the first save stands
    # The form keeps the second person's input, based now on the saved version: saving again wins.
    assert f'value="{title} second"' in html
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(version) == event.version
    second_values["version"] = version
    second_values["csrf_token"] = csrf_token(html)
    assert second.post(f"/en/admin/events/{event_id}/", data=second_values).status_code == 302
    event = stored_event(app, event_id)
    assert event.title["en"] == title + " second" and event.city["en"] == "Izmir"


def test_a_race_between_two_saves_is_caught_at_commit(app, editor, monkeypatch):
    from sqlalchemy import update

    import oicvet.panel.events as views

    event_id, title = create(editor)
    _html, values = edit_form(editor, event_id)
    real = views.record_change

    def meanwhile(*args, **kwargs):
        # Another worker's save lands between this request's read and its write.
        with _db.engine.begin() as connection:
            connection.execute(update(Event.__table__).where(Event.__table__.c.id == event_id).values(
                version=Event.__table__.c.version + 1, title={"en": title + " raced"}))
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "record_change", meanwhile)
    values["title-en"] = title + " mine"
    response = editor.post(f"/en/admin/events/{event_id}/", data=values)
    assert response.status_code == 409 and title + " raced" in response.get_data(as_text=True)
    assert stored_event(app, event_id).title["en"] == title + " raced"
    assert not [entry for entry in audit(app, "event", event_id) if entry.action == "update"]


# Photos and documents --------------------------------------------------------------------


def png(width: int = 40, height: int = 30, exif: bool = False, kind: str = "PNG") -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCameraMaker"  # Make
        data[0x0131] = "SecretSoftware"  # Software
        options["exif"] = data.tobytes()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def upload_folder(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def files_on_disk(app) -> set[str]:
    folder = upload_folder(app)
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def send_photo(client, event_id: int, content: bytes, name: str = "photo.png", alt: str = "A red square"):
    token = csrf_token(page_of(client, f"/en/admin/events/{event_id}/"))
    return client.post(f"/en/admin/events/{event_id}/photos", content_type="multipart/form-data", data={
        "csrf_token": token, "photo": (io.BytesIO(content), name), "photo_alt-en": alt, "photo_alt-ar": "",
        "photo_alt-fr": "Un carré rouge"})


def send_document(client, event_id: int, content: bytes, name: str = "terms.pdf", title: str = "Terms of reference"):
    token = csrf_token(page_of(client, f"/en/admin/events/{event_id}/"))
    return client.post(f"/en/admin/events/{event_id}/documents", content_type="multipart/form-data", data={
        "csrf_token": token, "document": (io.BytesIO(content), name), "document_title-en": title,
        "document_title-ar": "", "document_title-fr": "", "document_language": "fr"})


REFUSED_PHOTOS = {
    "a Windows executable": (b"MZ\x90\x00\x03" + b"\x00" * 200, "photo.png", "Choose a JPEG, PNG or WebP photo."),
    "an ELF executable": (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "photo.png", "Choose a JPEG, PNG or WebP photo."),
    "an SVG": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "photo.png",
               "Choose a JPEG, PNG or WebP photo."),
    "an HTML page": (b"<!doctype html><html><script>alert(1)</script></html>", "photo.png",
                     "Choose a JPEG, PNG or WebP photo."),
    "an oversized file": (b"\x89PNG\r\n\x1a\n" + b"\x00" * (8 * 1024 * 1024), "photo.png",
                          "The file is larger than 8 MB."),
    "an empty file": (b"", "photo.png", "The file is empty."),
}


@pytest.mark.parametrize("case", list(REFUSED_PHOTOS))
def test_a_file_that_is_not_a_photo_is_refused(app, editor, case):
    content, name, message = REFUSED_PHOTOS[case]
    event_id, _title = create(editor)
    before = files_on_disk(app)
    response = send_photo(editor, event_id, content, name, alt=f"Alt {case} kept")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert f'value="Alt {case} kept"' in html and 'value="Un carré rouge"' in html
    assert files_on_disk(app) == before
    assert stored_event(app, event_id).files == []


REFUSED_DOCUMENTS = {
    "a text file": b"Just some words, not a PDF at all.",
    "a broken PDF": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    "an executable": b"MZ\x90\x00" + b"\x00" * 100,
}


@pytest.mark.parametrize("case", list(REFUSED_DOCUMENTS))
def test_a_file_that_is_not_a_pdf_is_refused(app, editor, case):
    event_id, _title = create(editor)
    before = files_on_disk(app)
    response = send_document(editor, event_id, REFUSED_DOCUMENTS[case], title=f"Doc {case} kept")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose a PDF document." in html
    assert f'value="Doc {case} kept"' in html
    assert files_on_disk(app) == before and stored_event(app, event_id).files == []


def test_a_document_over_ten_megabytes_is_refused(app, editor):
    event_id, _title = create(editor)
    before = files_on_disk(app)
    response = send_document(editor, event_id, pdf_bytes() + b"%" * (10 * 1024 * 1024))
    assert response.status_code == 400 and "The file is larger than 10 MB." in response.get_data(as_text=True)
    assert files_on_disk(app) == before


def test_the_upload_errors_are_translated(app, editor):
    event_id, _title = create(editor)
    token = csrf_token(page_of(editor, f"/fr/admin/events/{event_id}/"))
    response = editor.post(f"/fr/admin/events/{event_id}/photos", content_type="multipart/form-data", data={
        "csrf_token": token, "photo": (io.BytesIO(b"MZ" + b"\x00" * 50), "photo.png"), "photo_alt-en": "Kept"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="Kept"' in html
    with app.test_request_context("/fr/"):
        from flask_babel import force_locale, gettext

        with force_locale("fr"):
            expected = gettext("Choose a JPEG, PNG or WebP photo.")
    from markupsafe import escape

    assert str(escape(expected)) in html


def test_a_real_photo_is_re_encoded_scaled_stored_and_served(app, editor, visitor):
    event_id, _title = create(editor, publish="y")
    before = files_on_disk(app)
    content = png(2400, 1200, exif=True, kind="JPEG")
    assert b"SecretCameraMaker" in content
    response = send_photo(editor, event_id, content, "holiday.jpg")
    assert response.status_code == 302
    event = stored_event(app, event_id)
    (photo,) = event.photos
    assert (photo.width, photo.height) == (1600, 800) and photo.content_type == "image/jpeg"
    new = files_on_disk(app) - before
    assert new == {photo.stored_name} and "holiday" not in photo.stored_name
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", photo.stored_name)
    path = upload_folder(app) / photo.stored_name
    assert not path.resolve().is_relative_to((ROOT / "oicvet" / "static").resolve())
    stored = path.read_bytes()
    assert b"SecretCameraMaker" not in stored and b"SecretSoftware" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1600, 800) and not image.getexif()

    page = page_of(visitor, f"/fr/events/{event_id}/")
    url = f"/fr/events/{event_id}/files/{photo.id}"
    assert f'<img src="{url}" width="1600" height="800" alt="Un carré rouge"' in page
    english = page_of(visitor, f"/ar/events/{event_id}/")
    assert 'alt="A red square" lang="en"' in english  # no Arabic alt text: the English one, marked
    served = visitor.get(url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in served.headers.get("Content-Disposition", "")
    assert served.data == stored
    assert [entry.action for entry in audit(app, "event_file", photo.id)] == ["create"]
    assert audit(app, "event_file", photo.id)[0].after["stored_name"] == photo.stored_name

    # Deleted: the row, the file on disk, and an audit entry.
    response = post_action(editor, f"/en/admin/events/{event_id}/",
                           f"/en/admin/events/{event_id}/files/{photo.id}/delete")
    assert response.status_code == 302 and stored_event(app, event_id).files == []
    assert not path.exists() and visitor.get(url).status_code == 404
    entries = audit(app, "event_file", photo.id)
    assert [entry.action for entry in entries] == ["create", "delete"]
    assert entries[1].before["caption"] == {"en": "A red square", "fr": "Un carré rouge"}


def test_a_small_png_is_kept_as_a_png(app, editor):
    event_id, _title = create(editor)
    assert send_photo(editor, event_id, png(40, 30)).status_code == 302
    (photo,) = stored_event(app, event_id).photos
    assert photo.content_type == "image/png" and (photo.width, photo.height) == (40, 30)


def test_a_real_pdf_is_kept_and_downloaded_as_an_attachment(app, editor, visitor):
    event_id, _title = create(editor, publish="y")
    content = pdf_bytes()
    assert PdfReader(io.BytesIO(content)).pages
    response = send_document(editor, event_id, content, "My File.exe.pdf", title="Terms of référence: draft")
    assert response.status_code == 302
    (document,) = stored_event(app, event_id).documents
    assert document.language == "fr" and document.content_type == "application/pdf"
    page = page_of(visitor, f"/en/events/{event_id}/")
    url = f"/en/events/{event_id}/files/{document.id}"
    assert f'href="{url}"' in page and "Terms of référence: draft" in page and "(PDF, 1 KB, French)" in page
    served = visitor.get(url)
    assert served.status_code == 200 and served.mimetype == "application/pdf" and served.data == content
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == "attachment; filename=Terms-of-reference-draft.pdf"
    # Deleting the event removes its files from disk.
    path = upload_folder(app) / document.stored_name
    assert path.exists()
    confirm = page_of(editor, f"/en/admin/events/{event_id}/delete")
    editor.post(f"/en/admin/events/{event_id}/delete", data={"csrf_token": csrf_token(confirm)})
    assert not path.exists() and visitor.get(url).status_code == 404
    assert [entry.action for entry in audit(app, "event_file", document.id)] == ["create", "delete"]


def test_the_files_of_an_unpublished_event_are_for_its_editors_only(app, editor, admin, make_account):
    event_id, _title = create(editor)
    send_photo(editor, event_id, png())
    send_document(editor, event_id, pdf_bytes())
    photo, document = sorted(stored_event(app, event_id).files, key=lambda item: item.kind != "photo")
    visitor = app.test_client()
    for item in (photo, document):
        url = f"/en/events/{event_id}/files/{item.id}"
        assert visitor.get(url).status_code == 404
        assert editor.get(url).status_code == 200 and admin.get(url).status_code == 200
    outsider = make_account(Role.SECTOR_EDITOR)
    other = app.test_client()
    log_in(other, outsider.email, PASSWORD)
    assert other.get(f"/en/events/{event_id}/files/{photo.id}").status_code == 404
    # A file asked for under another event is not found either.
    post_action(editor, f"/en/admin/events/{event_id}/", f"/en/admin/events/{event_id}/publish")
    assert visitor.get(f"/en/events/{event_id}/files/{photo.id}").status_code == 200
    assert visitor.get(f"/en/events/{event_id + 1}/files/{photo.id}").status_code == 404


# What visitors see -----------------------------------------------------------------------


def test_a_published_event_shows_at_once_everywhere_and_goes_when_unpublished(app, editor, visitor):
    event_id, title = create(editor, year="2031", start_date="2031-03-01", end_date="2031-03-02",
                             publish="y")
    programme = f"/en/programmes/{LABOUR}/?year=2031"
    archive = "/en/archive/?year=2031"
    assert title in page_of(visitor, programme)
    assert title in page_of(visitor, archive)
    assert f"/en/events/{event_id}/" in page_of(visitor, "/sitemap.xml")
    post_action(editor, f"/en/admin/events/{event_id}/", f"/en/admin/events/{event_id}/unpublish")
    assert visitor.get(programme).status_code == 404  # its only event of that year is gone
    assert title not in visitor.get(f"/en/programmes/{LABOUR}/").get_data(as_text=True)
    assert title not in visitor.get(archive).get_data(as_text=True)
    assert f"/en/events/{event_id}/" not in page_of(visitor, "/sitemap.xml")


def test_a_visitor_sees_an_edit_on_the_next_request_with_the_page_cache_on(make_app, tmp_path, make_account):
    cached = make_app(PAGE_CACHE=True, PAGE_CACHE_VERSION_FILE=str(tmp_path / "content-version"))
    account = make_account(Role.ADMINISTRATOR)
    staff = cached.test_client()
    log_in(staff, account.email, PASSWORD)
    event_id, title = create(staff, publish="y")
    visitor = cached.test_client()
    visitor.set_cookie("lang", "en")
    page = f"/en/events/{event_id}/"
    first = visitor.get(page)
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    assert visitor.get(page).data == first.data  # kept
    _html, values = edit_form(staff, event_id)
    values["title-en"] = title + " edited"
    assert staff.post(page.replace("/en/", "/en/admin/"), data=values).status_code == 302
    assert title + " edited" in visitor.get(page).get_data(as_text=True)
    post_action(staff, f"/en/admin/events/{event_id}/", f"/en/admin/events/{event_id}/unpublish")
    assert visitor.get(page).status_code == 404
