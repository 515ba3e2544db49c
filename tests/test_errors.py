"""Error pages are translated, in the site's layout, and never a traceback."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from oicvet.extensions import db

ARABIC_TITLES = {
    400: "طلب غير صالح",
    403: "ممنوع",
    404: "الصفحة غير موجودة",
    405: "الطريقة غير مسموح بها",
    413: "الطلب كبير جدًا",
    429: "طلبات كثيرة جدًا",
    500: "حدث خطأ ما",
    503: "الخدمة غير متاحة",
}


@pytest.fixture
def error_app(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2048, CONTACT_RATE_LIMIT="2 per minute")

    @app.get("/<lang:lang>/test-abort/<int:code>/")
    def raise_code(code):
        abort(code)

    @app.get("/<lang:lang>/test-crash/")
    def crash():
        raise RuntimeError("a bug")

    return app


def _assert_error_page(response, code, lang="ar"):
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    assert 'class="site-menu"' in html  # the site's layout
    assert "Traceback" not in html
    return html


@pytest.mark.parametrize("code", [400, 403, 404, 500, 503])
def test_aborts_give_translated_pages(error_app, code):
    html = _assert_error_page(error_app.test_client().get(f"/ar/test-abort/{code}/"), code)
    assert ARABIC_TITLES[code] in html


def test_404_under_an_unknown_path_uses_the_path_language(error_app):
    html = _assert_error_page(error_app.test_client().get("/fr/no-such-page/"), 404, "fr")
    assert "Page introuvable" in html


def test_405(error_app):
    response = error_app.test_client().post("/ar/about/")
    html = _assert_error_page(response, 405)
    assert ARABIC_TITLES[405] in html
    assert "GET" in response.headers["Allow"]


def test_413(error_app):
    client = error_app.test_client()
    response = client.post("/ar/contact/", data={"message": "x" * 5000})
    assert ARABIC_TITLES[413] in _assert_error_page(response, 413)


def test_429(error_app):
    client = error_app.test_client()
    for _ in range(2):
        assert client.post("/ar/contact/", data={}).status_code == 200
    response = client.post("/ar/contact/", data={})
    assert ARABIC_TITLES[429] in _assert_error_page(response, 429)


def test_500_is_logged_and_shown_politely(error_app, caplog):
    html = _assert_error_page(error_app.test_client().get("/ar/test-crash/"), 500)
    assert ARABIC_TITLES[500] in html
    assert "a bug" not in html
    assert any("a bug" in str(record.exc_info) for record in caplog.records)


def test_database_down_gives_503_then_recovers(error_app):
    client = error_app.test_client()
    with error_app.app_context():
        engine = db.engine

    def refuse(*args, **kwargs):
        raise OperationalError("connect", {}, Exception("database is down"))

    assert client.get("/en/archive/").status_code == 200
    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        html = _assert_error_page(client.get("/ar/archive/"), 503)
        assert ARABIC_TITLES[503] in html
    finally:
        event.remove(engine, "do_connect", refuse)
    assert client.get("/en/archive/").status_code == 200


def test_production_refuses_a_weak_secret_key(monkeypatch):
    from config import ProductionConfig
    from oicvet import create_app

    monkeypatch.setattr(ProductionConfig, "PUBLIC_URL", "https://www.example.org")
    for key in ("", "dev-only-not-secret", "short"):
        monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 48)
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_security_headers(client):
    response = client.get("/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
