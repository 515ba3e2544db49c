"""Staff's view of every training opportunity, and taking one off the catalogue with a reason."""

from __future__ import annotations

import pytest

from oicvet.accounts.models import Role
from tests.conftest import csrf_token, queries
from tests.panel_helpers import OTHER_SECTOR, SECTOR, create_account, logged_in
from tests.test_trop_manage import stored
from tests.trop_helpers import add_opportunity, create_institution, unique, withdraw

REASON = "The fee shown is not the one on your own website; please correct it."


@pytest.fixture(scope="module")
def staff(app):
    """{who: (client, token)} for an administrator and editors of this sector and of another."""
    people = {
        "administrator": create_account(app, Role.ADMINISTRATOR),
        "editor": create_account(app, Role.SECTOR_EDITOR, sectors=(SECTOR,)),
        "other editor": create_account(app, Role.SECTOR_EDITOR, sectors=(OTHER_SECTOR,)),
    }
    return {who: logged_in(app, account) for who, account in people.items()}


@pytest.fixture
def institution(app):
    """An approved institution (its account in French) and its member's client: (institution, account, client)."""
    account, found = create_institution(app, name=unique("Oversight Training Centre"), language="fr")
    client, _token = logged_in(app, account)
    return found, account, client


def unpublish(client, token, opportunity_id: int, reason: str = REASON):
    return client.post(f"/en/admin/opportunities/{opportunity_id}/", data={"csrf_token": token, "reason": reason})


def test_staff_list_every_opportunity_with_filters(app, staff, institution):
    found, _account, _client = institution
    published = add_opportunity(app, found)
    draft = add_opportunity(app, found, published=False)
    held = add_opportunity(app, found, published=False, held_reason="Held by a test.")
    other_sector = add_opportunity(app, found, sector=OTHER_SECTOR)
    keyword = found.name.rsplit(" ", 1)[1]
    for who in ("administrator", "editor", "other editor"):
        client, _token = staff[who]
        html = client.get(f"/en/admin/opportunities/?q={keyword}").get_data(as_text=True)
        for item in (published, draft, held, other_sector):
            assert item.title["en"] in html, who
    client, _token = staff["administrator"]

    def listed(query: str) -> set[int]:
        html = client.get(f"/en/admin/opportunities/?q={keyword}&{query}").get_data(as_text=True)
        return {item.id for item in (published, draft, held, other_sector)
                if f'/en/admin/opportunities/{item.id}/"' in html}

    assert listed("status=published") == {published.id, other_sector.id}
    assert listed("status=draft") == {draft.id}
    assert listed("status=held") == {held.id}
    assert listed(f"sector={OTHER_SECTOR}") == {other_sector.id}
    html = client.get("/en/admin/opportunities/?q=nosuchinstitutionanywhere").get_data(as_text=True)
    assert published.title["en"] not in html and "No training opportunity matches these filters." in html
    html = client.get("/en/admin/opportunities/?status=nonsense").get_data(as_text=True)
    assert "This choice is not available; all are shown." in html
    assert client.get("/en/admin/opportunities/?page=abc").status_code == 404


def test_people_who_are_not_staff_may_not_look(app, institution, client):
    _found, _account, member_client = institution
    assert member_client.get("/en/admin/opportunities/").status_code == 403
    response = client.get("/en/admin/opportunities/")
    assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]


def test_staff_see_a_draft(app, staff, institution):
    found, _account, _client = institution
    draft = add_opportunity(app, found, published=False)
    client, _token = staff["other editor"]
    html = client.get(f"/en/admin/opportunities/{draft.id}/").get_data(as_text=True)
    assert draft.title["en"] in html and found.name in html and "Draft" in html
    assert 'name="reason"' not in html  # nothing to take off the catalogue
    assert client.get("/en/admin/opportunities/2147483647/").status_code == 404


def test_an_administrator_unpublishes_with_a_reason(app, staff, institution, audit, outbox):
    found, account, member_client = institution
    item = add_opportunity(app, found)
    assert client_status(member_client, f"/en/trop/opportunities/{item.id}/") == 200
    client, token = staff["administrator"]

    response = unpublish(client, token, item.id, reason="   ")
    assert response.status_code == 200
    assert "Please give the reason: the institution will be told." in response.get_data(as_text=True)
    assert stored(app, item.id).published and not audit.entries("training_opportunity", item.id)

    response = unpublish(client, token, item.id)
    assert response.status_code == 302
    saved = stored(app, item.id)
    assert not saved.published and saved.held_reason == REASON and saved.held_at is not None
    (entry,) = audit.entries("training_opportunity", item.id)
    assert entry.action == "unpublish" and entry.sector == SECTOR and entry.record_label == item.title["en"]
    assert entry.before["published"] is True and entry.after["published"] is False
    assert entry.after["held_reason"] == REASON
    assert "its institution has been told why" in client.get(response.headers["Location"]).get_data(as_text=True)

    # The institution is told, in its language, with the reason and a link to its panel.
    message = outbox.last(account.email)
    body = outbox.body(message)
    assert message["Content-Language"] == "fr"
    assert REASON in body and item.title["en"] in body and found.name in body
    assert outbox.link(account.email) == "/fr/trop/manage/"
    # The member sees the reason; a visitor no longer finds the opportunity.
    html = member_client.get("/fr/trop/manage/").get_data(as_text=True)
    assert REASON in html
    assert app.test_client().get(f"/en/trop/opportunities/{item.id}/").status_code == 404


def client_status(client, url: str) -> int:
    return client.get(url).status_code


def test_a_sector_editor_unpublishes_in_their_sector(app, staff, institution, audit, outbox):
    found, account, _client = institution
    item = add_opportunity(app, found)
    client, token = staff["editor"]
    assert 'name="reason"' in client.get(f"/en/admin/opportunities/{item.id}/").get_data(as_text=True)
    assert unpublish(client, token, item.id).status_code == 302
    assert not stored(app, item.id).published
    assert len(audit.entries("training_opportunity", item.id)) == 1
    assert REASON in outbox.body(outbox.last(account.email))


def test_an_editor_of_another_sector_sees_but_cannot_unpublish(app, staff, institution, audit, outbox):
    found, account, _client = institution
    item = add_opportunity(app, found)
    client, token = staff["other editor"]
    html = client.get(f"/en/admin/opportunities/{item.id}/").get_data(as_text=True)
    assert item.title["en"] in html and 'name="reason"' not in html
    assert "Only administrators and the editors of its field of training" in html
    assert unpublish(client, token, item.id).status_code == 403
    saved = stored(app, item.id)
    assert saved.published and saved.held_reason == "" and saved.version == item.version
    assert not audit.entries("training_opportunity", item.id)
    assert not outbox.messages(account.email)


def test_unpublishing_a_draft_changes_nothing(app, staff, institution, audit):
    found, _account, _client = institution
    draft = add_opportunity(app, found, published=False)
    client, token = staff["administrator"]
    response = unpublish(client, token, draft.id)
    assert response.status_code == 302
    assert stored(app, draft.id).held_reason == "" and not audit.entries("training_opportunity", draft.id)


def test_the_member_corrects_and_publishes_again(app, staff, institution):
    found, _account, member_client = institution
    item = add_opportunity(app, found)
    client, token = staff["administrator"]
    unpublish(client, token, item.id)
    page = member_client.get(f"/en/trop/manage/opportunities/{item.id}/").get_data(as_text=True)
    assert "The OIC-VET team took this opportunity off the catalogue" in page
    member_token = csrf_token(page)
    response = member_client.post(f"/en/trop/manage/opportunities/{item.id}/publish", data={"csrf_token": member_token})
    assert response.status_code == 302
    saved = stored(app, item.id)
    assert saved.published and saved.held_reason == ""
    assert app.test_client().get(f"/en/trop/opportunities/{item.id}/").status_code == 200


def test_an_institution_no_longer_approved_is_marked(app, staff):
    _account, found = create_institution(app)
    item = add_opportunity(app, found)
    withdraw(app, found)
    client, _token = staff["administrator"]
    html = client.get(f"/en/admin/opportunities/{item.id}/").get_data(as_text=True)
    assert "Institution not approved: not shown" in html


def test_the_list_costs_the_same_queries_however_many_rows(app, staff, institution):
    found, _account, _client = institution
    keyword = found.name.rsplit(" ", 1)[1]
    client, _token = staff["administrator"]
    counts = []
    for _ in range(2):
        for _new in range(3):
            add_opportunity(app, found)
        with queries(app) as seen:
            assert client.get(f"/en/admin/opportunities/?q={keyword}").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]
