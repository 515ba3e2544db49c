"""A TROP member acts on its own institution's opportunities only: another's is a 404, and stays as it was."""

from __future__ import annotations

import pytest

from oicvet.extensions import db
from oicvet.trop.models import TrainingOpportunity
from tests.panel_helpers import logged_in
from tests.test_trop_manage import find_by_title, opportunity_fields, stored
from tests.trop_helpers import add_opportunity, create_institution, unique

#: Every way into an opportunity of the Management Panel: (method, path after /en/trop/manage/opportunities/<id>).
ACTIONS = [
    ("GET", "/"),
    ("POST", "/"),
    ("POST", "/publish"),
    ("POST", "/unpublish"),
    ("POST", "/duplicate"),
    ("POST", "/delete"),
]


@pytest.fixture
def two_members(app):
    """Member A, logged in (client, token, institution), and member B's institution."""
    account_a, institution_a = create_institution(app)
    _account_b, institution_b = create_institution(app)
    client, token = logged_in(app, account_a)
    return client, token, institution_a, institution_b


def opportunities_of(app, institution_id: int) -> list[tuple[int, int, bool]]:
    with app.app_context():
        rows = db.session.execute(db.select(TrainingOpportunity.id, TrainingOpportunity.version,
                                            TrainingOpportunity.published)
                                  .where(TrainingOpportunity.institution_id == institution_id)
                                  .order_by(TrainingOpportunity.id)).all()
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("published", [True, False], ids=["published", "draft"])
@pytest.mark.parametrize(("method", "action"), ACTIONS, ids=[f"{m} {a}" for m, a in ACTIONS])
def test_another_institutions_opportunity_is_not_found(app, two_members, method, action, published):
    client, token, institution_a, institution_b = two_members
    theirs = add_opportunity(app, institution_b, published=published)
    before_b, before_a = opportunities_of(app, institution_b.id), opportunities_of(app, institution_a.id)
    url = f"/en/trop/manage/opportunities/{theirs.id}{action}"
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": token, "confirmed": "yes", "version": str(theirs.version),
                                          **opportunity_fields()})
    assert response.status_code == 404
    assert opportunities_of(app, institution_b.id) == before_b
    assert opportunities_of(app, institution_a.id) == before_a
    assert stored(app, theirs.id).title == theirs.title


def test_the_panel_lists_only_the_institutions_own(app, two_members):
    client, _token, institution_a, institution_b = two_members
    mine = add_opportunity(app, institution_a)
    theirs = add_opportunity(app, institution_b)
    html = client.get("/en/trop/manage/").get_data(as_text=True)
    assert mine.title["en"] in html and theirs.title["en"] not in html


def test_a_tampered_field_cannot_move_an_opportunity_to_another_institution(app, two_members):
    client, token, institution_a, institution_b = two_members
    tampered = {"institution_id": str(institution_b.id), "institution": str(institution_b.id)}
    mine = add_opportunity(app, institution_a)
    response = client.post(f"/en/trop/manage/opportunities/{mine.id}/", data={
        "csrf_token": token, "version": str(mine.version), **opportunity_fields(**{"title-en": unique("Moved")}),
        **tampered})
    assert response.status_code == 302
    assert stored(app, mine.id).institution_id == institution_a.id

    fields = opportunity_fields()
    client.post("/en/trop/manage/opportunities/new", data={"csrf_token": token, **fields, **tampered})
    (made,) = find_by_title(app, fields["title-en"])
    assert made.institution_id == institution_a.id
    assert [row[0] for row in opportunities_of(app, institution_b.id)] == []
