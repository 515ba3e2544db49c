"""Contact Us: stored, confirmed in the reader's language, and forgiving of mistakes."""

from __future__ import annotations

from oicvet.models import ContactMessage
from tests.conftest import csrf_token


def _post(client, lang, **fields):
    token = csrf_token(client.get(f"/{lang}/contact/").get_data(as_text=True))
    return client.post(f"/{lang}/contact/", data={"csrf_token": token, **fields})


def test_a_message_is_stored_and_confirmed_in_french(client, db):
    response = _post(client, "fr", name="Awa Ndiaye (test)", email="awa@example.org",
                     subject="Formation", message="Nous souhaitons participer à un atelier.")
    assert response.status_code == 302 and response.headers["Location"].endswith("/fr/contact/")
    page = client.get("/fr/contact/").get_data(as_text=True)
    assert "Merci" in page
    stored = db.session.scalar(db.select(ContactMessage).where(ContactMessage.email == "awa@example.org"))
    assert stored.subject == "Formation" and stored.language == "fr"


def test_bad_input_keeps_what_was_typed_with_a_translated_error(client, db):
    before = db.session.scalar(db.select(db.func.count(ContactMessage.id)))
    response = _post(client, "ar", name="سارة", email="not-an-address", subject="<b>سؤال</b>",
                     message="نص الرسالة هنا.")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="سارة"' in html and 'value="not-an-address"' in html
    assert "نص الرسالة هنا." in html
    assert "&lt;b&gt;سؤال&lt;/b&gt;" in html  # escaped, never markup
    assert 'aria-invalid="true"' in html and 'aria-describedby="email-error"' in html
    assert "يرجى إدخال عنوان بريد إلكتروني صالح" in html
    assert db.session.scalar(db.select(db.func.count(ContactMessage.id))) == before


def test_empty_form_names_every_missing_field(client):
    html = _post(client, "en", name="", email="", subject="", message="").get_data(as_text=True)
    for text in ("Please enter your name.", "Please enter your e-mail address.",
                 "Please enter a subject.", "Please write your message."):
        assert text in html


def test_a_missing_or_expired_token_gives_the_form_back_and_stores_nothing(client, db):
    before = db.session.scalar(db.select(db.func.count(ContactMessage.id)))
    response = client.post("/fr/contact/", data={
        "csrf_token": "expired", "name": "Karim", "email": "karim@example.org",
        "subject": "Question", "message": "Un message assez long."})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ce formulaire avait expiré" in html
    assert 'value="Karim"' in html and "Un message assez long." in html
    assert db.session.scalar(db.select(db.func.count(ContactMessage.id))) == before


def test_contact_is_rate_limited(make_app):
    client = make_app(CONTACT_RATE_LIMIT="1 per minute").test_client()
    assert _post(client, "en", name="A").status_code == 200
    assert _post(client, "en", name="A").status_code == 429
    assert client.get("/en/contact/").status_code == 200  # reading is never limited


def test_control_characters_are_dropped_before_the_message_is_stored(client, db):
    # PostgreSQL cannot store a NUL character: such a message used to be a 500 there.
    response = _post(client, "fr", name="Awa\x00 Ndiaye", email="nul@example.org", subject="Formation\x07",
                     message="Nous souhaitons\x00 participer\x1b à un atelier.\r\nMerci.\tAwa")
    assert response.status_code == 302
    stored = db.session.scalar(db.select(ContactMessage).where(ContactMessage.email == "nul@example.org"))
    assert stored.name == "Awa Ndiaye" and stored.subject == "Formation"
    # Line breaks and tabs are text; the other control characters are not.
    assert stored.message == "Nous souhaitons participer à un atelier.\r\nMerci.\tAwa"


def test_a_field_of_control_characters_only_counts_as_empty(client):
    html = _post(client, "en", name="\x00\x01", email="x@example.org", subject="Subject",
                 message="A message long enough.").get_data(as_text=True)
    assert "Please enter your name." in html and "\x00" not in html
