"""Programme texts that staff replace: the plugin's text stays the default.

An editor writes a programme's summary or text in a language; the programme and
sector pages in that language show it on the next request (in every process),
the other languages keep the plugin's text, and restoring brings the plugin's
text back everywhere at once.
"""

from __future__ import annotations

import html as htmllib
import re
import uuid

import pytest
from flask_babel import force_locale

from oicvet.accounts.models import Account, Role
from oicvet.audit import AuditEntry
from oicvet.extensions import db
from oicvet.plugins.registry import get_registry
from oicvet.programmes.texts import ProgrammeText
from tests.conftest import PASSWORD, csrf_token, log_in

SECTOR = "labour"
OTHER_SECTOR = "ict"


def _edit(slug: str, lang: str = "en") -> str:
    return f"/{lang}/admin/programmes/{slug}/"


def _plugin_text(app, slug: str, field: str, lang: str) -> str:
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        return str(getattr(get_registry().programme(slug).programme, field))


def _slugs(app, sector: str) -> list[str]:
    with app.app_context():
        return [programme.slug for programme in get_registry().sector(sector).programmes]


def _forget_texts(app, slug: str) -> None:
    """Start from the plugin's text: the database is shared by the whole session."""
    with app.app_context():
        row = db.session.get(ProgrammeText, slug)
        if row is not None:
            db.session.delete(row)
            db.session.commit()


def _stored(app, slug: str) -> ProgrammeText | None:
    with app.app_context():
        row = db.session.get(ProgrammeText, slug)
        if row is not None:
            db.session.expunge(row)
        return row


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return htmllib.unescape(response.get_data(as_text=True))


def _form(html: str) -> dict[str, str]:
    """The edit form as the browser would send it back unchanged."""
    form = re.search(r'<form method="post" action="[^"]*/admin/programmes/[^"]*/" class="programme-text__form".*?</form>',
                     html, re.S).group(0)
    data = {"csrf_token": csrf_token(form)}
    data["version"] = re.search(r'name="version" value="(\d+)"', form).group(1)
    for name, value in re.findall(r'<input type="text" id="[^"]*" name="([^"]+)"[^>]*value="([^"]*)"', form):
        data[name] = htmllib.unescape(value)
    for name, value in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = htmllib.unescape(value)
    return data


def _save(client, slug: str, **texts: str):
    page = client.get(_edit(slug))
    assert page.status_code == 200
    data = _form(page.get_data(as_text=True))
    data.update(texts)
    return client.post(_edit(slug), data=data)


@pytest.fixture
def editor(app, make_account):
    """A sector editor of ``SECTOR``, logged in."""
    def make(sector: str = SECTOR, name: str | None = None):
        account = make_account(Role.SECTOR_EDITOR, name=name or f"Editor {uuid.uuid4().hex[:6]}")
        with app.app_context():
            row = db.session.get(Account, account.id)
            row.set_edited_sectors([sector])
            db.session.commit()
        client = app.test_client()
        log_in(client, account.email, PASSWORD)
        return client, account

    return make


def test_an_editor_replaces_the_arabic_summary_and_the_pages_show_it(app, make_app, editor):
    slug = _slugs(app, SECTOR)[0]
    _forget_texts(app, slug)
    client, account = editor()
    # Another process that has already made (and kept) the programme's introduction.
    other_process = make_app().test_client()
    english_summary = _plugin_text(app, slug, "summary", "en")
    arabic_plugin_summary = _plugin_text(app, slug, "summary", "ar")
    assert arabic_plugin_summary in _page(other_process, f"/ar/programmes/{slug}/")
    visitor = app.test_client()
    assert arabic_plugin_summary in _page(visitor, f"/ar/programmes/{slug}/")

    edit_page = _page(client, _edit(slug))
    # The plugin's own text, in each language, for reference beside the form.
    assert english_summary in edit_page and arabic_plugin_summary in edit_page
    new_summary = f"ملخص جديد للبرنامج {uuid.uuid4().hex[:6]}"
    response = _save(client, slug, **{"summary-ar": new_summary})
    assert response.status_code == 302

    for reader in (visitor, other_process):
        arabic = _page(reader, f"/ar/programmes/{slug}/")
        assert new_summary in arabic and arabic_plugin_summary not in arabic
        english = _page(reader, f"/en/programmes/{slug}/")
        assert english_summary in english and new_summary not in english
    sector_page = _page(visitor, f"/ar/sectors/{SECTOR}/")
    assert new_summary in sector_page
    assert new_summary not in _page(visitor, f"/en/sectors/{SECTOR}/")
    # The programme's title stays the plugin's.
    assert _plugin_text(app, slug, "title", "ar") in sector_page

    stored = _stored(app, slug)
    assert stored.summary == {"ar": new_summary} and stored.sector == SECTOR and not stored.body
    # The list of programme texts says the summary is replaced in Arabic.
    listing = _page(client, "/en/admin/programmes/")
    row = re.search(rf'<th scope="row">{re.escape(_plugin_text(app, slug, "title", "en"))}</th>(.*?)</tr>',
                    listing, re.S).group(1)
    assert "العربية" in row
    # The form shows the staff text again.
    assert new_summary in _page(client, _edit(slug))
    _forget_texts(app, slug)


def test_an_editor_sees_only_the_programmes_of_their_sectors(app, editor):
    client, _account = editor()
    listing = _page(client, "/en/admin/programmes/")
    for slug in _slugs(app, SECTOR):
        assert _edit(slug) in listing
    for slug in _slugs(app, OTHER_SECTOR):
        assert _edit(slug) not in listing


def test_rich_text_is_sanitised(app, editor):
    slug = _slugs(app, SECTOR)[1]
    _forget_texts(app, slug)
    client, _account = editor()
    body = ("First **strong** paragraph with <script>alert('x')</script> in it.\n\n"
            "- one\n- two\n\n[a trap](javascript:alert(1)) and [a site](https://www.example.org)")
    assert _save(client, slug, **{"body-en": body}).status_code == 302
    stored = _stored(app, slug)
    assert stored.body == {"en": body}
    html = stored.body_html["en"]
    assert "<script" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert 'href="javascript' not in html and "<strong>strong</strong>" in html and "<li>one</li>" in html

    page = client.get(f"/en/programmes/{slug}/").get_data(as_text=True)
    assert "<strong>strong</strong>" in page and '<a href="https://www.example.org"' in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    # Other languages keep the plugin's text.
    french = _page(client, f"/fr/programmes/{slug}/")
    assert "<strong>strong</strong>" not in french
    _forget_texts(app, slug)


def test_restore_brings_the_plugins_text_back_everywhere(app, editor):
    slug = _slugs(app, SECTOR)[0]
    _forget_texts(app, slug)
    client, account = editor()
    summaries = {"summary-en": f"Our summary {uuid.uuid4().hex[:6]}", "summary-ar": "ملخصنا",
                 "summary-fr": "Notre résumé", "body-en": "Our own text."}
    assert _save(client, slug, **summaries).status_code == 302
    visitor = client.application.test_client()
    assert summaries["summary-en"] in _page(visitor, f"/en/programmes/{slug}/")
    assert "ملخصنا" in _page(visitor, f"/ar/sectors/{SECTOR}/")

    edit_page = client.get(_edit(slug)).get_data(as_text=True)
    assert "Restore the plugin&#39;s text" in edit_page or "Restore the plugin's text" in edit_page
    response = client.post(f"/en/admin/programmes/{slug}/restore", data={"csrf_token": csrf_token(edit_page)})
    assert response.status_code == 302
    assert _stored(app, slug) is None
    for lang in ("en", "ar", "fr"):
        page = _page(visitor, f"/{lang}/programmes/{slug}/")
        assert _plugin_text(app, slug, "summary", lang) in page
        assert _plugin_text(app, slug, "summary", lang) in _page(visitor, f"/{lang}/sectors/{SECTOR}/")
    assert summaries["summary-en"] not in _page(visitor, f"/en/programmes/{slug}/")
    assert "ملخصنا" not in _page(visitor, f"/ar/programmes/{slug}/")
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).where(
            AuditEntry.kind == "programme_text", AuditEntry.record_id == slug, AuditEntry.account_id == account.id,
        ).order_by(AuditEntry.id.desc())).first()
        assert entry.action == "restore" and entry.before["summary"]["en"] == summaries["summary-en"]
        assert entry.after is None


def test_a_save_or_restore_without_its_token_changes_nothing(app, editor):
    slug = _slugs(app, SECTOR)[0]
    _forget_texts(app, slug)
    client, _account = editor()
    assert _save(client, slug, **{"summary-fr": "Résumé gardé"}).status_code == 302
    assert client.post(f"/en/admin/programmes/{slug}/restore", data={}).status_code == 302
    assert _stored(app, slug).summary == {"fr": "Résumé gardé"}
    data = _form(client.get(_edit(slug)).get_data(as_text=True))
    del data["csrf_token"]
    data["summary-fr"] = "Sans jeton"
    answer = client.post(_edit(slug), data=data)
    assert answer.status_code == 200 and "This form had expired" in htmllib.unescape(answer.get_data(as_text=True))
    assert _stored(app, slug).summary == {"fr": "Résumé gardé"}
    _forget_texts(app, slug)


def test_emptying_every_language_restores_the_plugins_text(app, editor):
    slug = _slugs(app, SECTOR)[1]
    _forget_texts(app, slug)
    client, _account = editor()
    assert _save(client, slug, **{"summary-en": "Temporary summary"}).status_code == 302
    assert _stored(app, slug) is not None
    assert _save(client, slug, **{"summary-en": ""}).status_code == 302
    assert _stored(app, slug) is None
    assert _plugin_text(app, slug, "summary", "en") in _page(client, f"/en/programmes/{slug}/")


def test_an_editor_of_another_sector_is_refused(app, editor):
    slug = _slugs(app, SECTOR)[0]
    _forget_texts(app, slug)
    client, _account = editor(OTHER_SECTOR)
    assert client.get(_edit(slug)).status_code == 403
    own = _slugs(app, OTHER_SECTOR)[0]
    token = _form(client.get(_edit(own)).get_data(as_text=True))["csrf_token"]
    answer = client.post(_edit(slug), data={"csrf_token": token, "version": "0", "summary-en": "Not mine"})
    assert answer.status_code == 403
    assert client.post(f"/en/admin/programmes/{slug}/restore", data={"csrf_token": token}).status_code == 403
    assert _stored(app, slug) is None
    assert client.get(_edit("no-such-programme")).status_code == 404


def test_a_stale_save_is_a_conflict_with_both_versions(app, make_account, editor):
    slug = _slugs(app, SECTOR)[0]
    _forget_texts(app, slug)
    first, _account = editor()
    admin = make_account(Role.ADMINISTRATOR)
    second = app.test_client()
    log_in(second, admin.email, PASSWORD)

    stale_form = _form(first.get(_edit(slug)).get_data(as_text=True))
    assert _save(second, slug, **{"summary-en": "The administrator's summary"}).status_code == 302

    stale_form["summary-en"] = "The editor's summary"
    response = first.post(_edit(slug), data=stale_form)
    assert response.status_code == 409
    page = htmllib.unescape(response.get_data(as_text=True))
    assert "Someone saved this programme's texts while you were editing them" in page
    versions = re.search(r'<table class="versions">(.*?)</table>', page, re.S).group(1)
    assert "The editor's summary" in versions and "The administrator's summary" in versions
    # The input is kept, and the stored text is the administrator's.
    assert 'value="The editor&#39;s summary"' in response.get_data(as_text=True)
    assert _stored(app, slug).summary == {"en": "The administrator's summary"}

    # Sent again from the conflict page, it replaces the other version knowingly.
    again = _form(response.get_data(as_text=True))
    assert first.post(_edit(slug), data=again).status_code == 302
    assert _stored(app, slug).summary == {"en": "The editor's summary"}
    _forget_texts(app, slug)


def test_a_partner_cannot_open_programme_texts(app, make_partner):
    partner = make_partner()
    client = app.test_client()
    with app.app_context():
        email = db.session.get(Account, partner.account_id).email
    log_in(client, email, PASSWORD)
    assert client.get("/en/admin/programmes/").status_code == 403
    assert client.get(_edit(_slugs(app, SECTOR)[0])).status_code == 403
