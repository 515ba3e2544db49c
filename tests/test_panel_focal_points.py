"""The staff panel's National Focal Points: create, edit, one per country, stale saves, delete;
the public page follows every change on its next request."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import delete, select

from oicvet.accounts.models import Role
from oicvet.extensions import db
from oicvet.models import FocalPoint
from tests.conftest import csrf_token, submit
from tests.panel_helpers import create_account, logged_in

TAKEN = "This country already has a National Focal Point"


@pytest.fixture
def admin_client(app):
    client, _ = logged_in(app, create_account(app, Role.ADMINISTRATOR))
    return client


def _free(app, country: str) -> None:
    """No focal point for ``country`` (the database is shared by the whole suite)."""
    with app.app_context():
        db.session.execute(delete(FocalPoint).where(FocalPoint.country == country))
        db.session.commit()


def _point(app, country: str) -> FocalPoint | None:
    with app.app_context():
        point = db.session.scalar(select(FocalPoint).where(FocalPoint.country == country))
        if point is not None:
            db.session.expunge(point)
        return point






def _fields(country: str, english: str, **extra) -> dict:
    return {"country": country, "institution-en": english, "institution-ar": "", "institution-fr": "",
            "website": "", **extra}


def _new(client, country: str, english: str, **extra):
    return submit(client, "/en/admin/focal-points/new", _fields(country, english, **extra))


def test_create_then_edit_a_focal_point_and_the_public_page_follows(audit, app, admin_client):
    _free(app, "KM")
    name = f"Comoros Ministry of Labour {uuid.uuid4().hex[:6]}"
    response = _new(admin_client, "KM", name, **{"institution-fr": f"Ministère {name}", "website": "km.example.org"})
    assert response.status_code == 302
    point = _point(app, "KM")
    assert point.institution == {"en": name, "fr": f"Ministère {name}"}
    assert point.website == "https://km.example.org"
    public = app.test_client()
    assert name in public.get("/en/focal-points/").get_data(as_text=True)
    assert f"Ministère {name}" in public.get("/fr/focal-points/").get_data(as_text=True)
    # Arabic has no text: the English one shows, marked as English.
    assert f'<span lang="en" dir="ltr">{name}</span>' in public.get("/ar/focal-points/").get_data(as_text=True)

    page = f"/en/admin/focal-points/{point.id}/"
    assert name in admin_client.get("/en/admin/focal-points/").get_data(as_text=True)
    renamed = f"Comoros National Agency {uuid.uuid4().hex[:6]}"
    response = submit(admin_client, page, _fields("KM", renamed, version=str(point.version)))
    assert response.status_code == 302
    html = public.get("/en/focal-points/").get_data(as_text=True)
    assert renamed in html and name not in html
    entries = audit.entries("focal_point", point.id)
    assert [entry.action for entry in entries] == ["create", "update"]
    assert entries[1].before["institution"]["en"] == name
    assert entries[1].after["institution"] == {"en": renamed}


def test_english_is_required_and_the_website_must_be_a_web_address(app, admin_client):
    _free(app, "GW")
    response = _new(admin_client, "GW", "", **{"institution-fr": "Ministère", "website": "javascript:alert(1)"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write the English text" in html and "Please enter a web address" in html
    assert 'value="Ministère"' in html  # kept
    assert _point(app, "GW") is None
    response = _new(admin_client, "", "Something")
    assert "Please choose the country." in response.get_data(as_text=True)
    response = _new(admin_client, "FR", "Not a member state")
    assert response.status_code == 200 and _point(app, "FR") is None


def test_a_country_has_one_focal_point(app, admin_client):
    _free(app, "SR")
    _free(app, "GY")
    assert _new(admin_client, "SR", "Suriname Ministry").status_code == 302
    response = _new(admin_client, "SR", "Another Suriname Office")
    assert response.status_code == 200 and TAKEN in response.get_data(as_text=True)
    assert "Another Suriname Office" in response.get_data(as_text=True)  # kept
    with app.app_context():
        assert len(db.session.scalars(select(FocalPoint).where(FocalPoint.country == "SR")).all()) == 1
    # Moving another point onto the country is refused too.
    assert _new(admin_client, "GY", "Guyana Ministry").status_code == 302
    guyana = _point(app, "GY")
    response = submit(admin_client, f"/en/admin/focal-points/{guyana.id}/",
                      _fields("SR", "Guyana Ministry", version=str(guyana.version)))
    assert response.status_code == 200 and TAKEN in response.get_data(as_text=True)
    assert _point(app, "GY") is not None


def test_a_race_for_a_country_is_a_field_error(app, admin_client, monkeypatch):
    from oicvet.panel import focal_points

    _free(app, "MV")
    with app.app_context():
        db.session.add(FocalPoint(country="MV", institution={"en": "Saved first"}))
        db.session.commit()
    # The check saw no point yet: the unique index refuses the second one.
    monkeypatch.setattr(focal_points, "_country_taken", lambda country: False)
    response = _new(admin_client, "MV", "Saved second")
    assert response.status_code == 200 and TAKEN in response.get_data(as_text=True)
    assert _point(app, "MV").institution == {"en": "Saved first"}


def test_a_stale_save_is_refused_and_the_input_kept(app, admin_client):
    _free(app, "TG")
    assert _new(admin_client, "TG", "Togo Ministry").status_code == 302
    point = _point(app, "TG")
    page = f"/en/admin/focal-points/{point.id}/"
    mine, _ = logged_in(app, create_account(app, Role.ADMINISTRATOR))
    html = mine.get(page).get_data(as_text=True)
    opened = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    token = csrf_token(html)
    # Someone else saves first.
    assert submit(admin_client, page, _fields("TG", "Togo Agency", version=str(point.version))).status_code == 302
    response = mine.post(page, data={"csrf_token": token, **_fields("TG", "Togo Office", version=opened)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone saved this National Focal Point while you were editing it" in html
    assert 'value="Togo Office"' in html and "Togo Agency" in html
    assert _point(app, "TG").institution == {"en": "Togo Agency"}
    # Saving again, having seen the other version, replaces it.
    newer = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    response = mine.post(page, data={"csrf_token": token, **_fields("TG", "Togo Office", version=newer)})
    assert response.status_code == 302 and _point(app, "TG").institution == {"en": "Togo Office"}


def test_delete_asks_first_then_deletes(audit, app, admin_client):
    _free(app, "UZ")
    assert _new(admin_client, "UZ", "Uzbekistan Ministry").status_code == 302
    point = _point(app, "UZ")
    edit = f"/en/admin/focal-points/{point.id}/"
    action = f"/en/admin/focal-points/{point.id}/delete"
    response = submit(admin_client, edit, {}, action=action)
    assert response.status_code == 200 and "Delete the National Focal Point of Uzbekistan?" in \
        response.get_data(as_text=True)
    assert _point(app, "UZ") is not None
    response = submit(admin_client, edit, {"confirmed": "yes"}, action=action)
    assert response.status_code == 302 and _point(app, "UZ") is None
    assert "Uzbekistan Ministry" not in app.test_client().get("/en/focal-points/").get_data(as_text=True)
    entries = audit.entries("focal_point", point.id)
    assert [entry.action for entry in entries] == ["create", "delete"]
    assert entries[1].before["institution"] == {"en": "Uzbekistan Ministry"}
    assert admin_client.get(edit).status_code == 404


def _countries(client, lang: str) -> list[str]:
    html = client.get(f"/{lang}/admin/focal-points/").get_data(as_text=True)
    return re.findall(r'<th scope="row"><a href="/[a-z]+/admin/focal-points/\d+/">([^<]+)</a></th>', html)


def test_the_list_is_sorted_by_country_name_in_the_pages_language(app, admin_client):
    for code in ("DZ", "EG", "JO"):
        _free(app, code)
        assert _new(admin_client, code, f"Office {code}").status_code == 302

    def order(lang: str, names: list[str]) -> list[str]:
        return [name for name in _countries(admin_client, lang) if name in names]

    assert order("en", ["Algeria", "Egypt", "Jordan"]) == ["Algeria", "Egypt", "Jordan"]
    # The accent of Égypte does not send it past Jordanie.
    assert order("fr", ["Algérie", "Égypte", "Jordanie"]) == ["Algérie", "Égypte", "Jordanie"]
    # الأردن (Jordan), الجزائر (Algeria), مصر (Egypt)
    assert order("ar", ["الأردن", "الجزائر", "مصر"]) == ["الأردن", "الجزائر", "مصر"]
