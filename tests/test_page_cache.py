"""The site's own cache of anonymous pages: fast, shared by nobody logged in, and never stale after an edit."""

from __future__ import annotations

import uuid

import pytest

from oicvet.caching import content_changed
from oicvet.extensions import db
from oicvet.models import FocalPoint
from tests.conftest import PASSWORD, log_in, queries

PAGE = "/en/focal-points/"


def _visitor(app):
    client = app.test_client()
    client.set_cookie("lang", "en")  # a returning visitor: no cookie to set
    return client


@pytest.fixture
def cached_app(make_app, tmp_path):
    return make_app(PAGE_CACHE=True, PAGE_CACHE_VERSION_FILE=str(tmp_path / "content-version"))


def _set_focal_point(app, name: str) -> None:
    result = app.test_cli_runner().invoke(args=["focal-points", "set", "SN", name])
    assert result.exit_code == 0, result.output


@pytest.fixture
def focal_point(cached_app):
    yield
    cached_app.test_cli_runner().invoke(args=["focal-points", "remove", "SN"])


def test_a_second_visit_is_answered_without_running_the_page(cached_app):
    visitor = _visitor(cached_app)
    first = visitor.get(PAGE)
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    with queries(cached_app) as seen:
        again = visitor.get(PAGE)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert seen == []  # no view ran
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    revalidated = visitor.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.data == b""


def test_an_edit_shows_on_the_next_request(cached_app, focal_point):
    visitor = _visitor(cached_app)
    visitor.get(PAGE)
    name = f"Office {uuid.uuid4().hex[:6]} (test data)"
    _set_focal_point(cached_app, name)  # through the command line, as staff do today
    assert name in visitor.get(PAGE).get_data(as_text=True)


def test_an_edit_in_one_worker_shows_in_every_other(make_app, tmp_path, focal_point):
    shared = str(tmp_path / "content-version")
    one, other = (make_app(PAGE_CACHE=True, PAGE_CACHE_VERSION_FILE=shared) for _ in range(2))
    reader = _visitor(other)
    reader.get(PAGE)
    with one.app_context():
        name = f"Office {uuid.uuid4().hex[:6]} (test data)"
        db.session.add(FocalPoint(country="SN", institution={"en": name}))
        db.session.commit()
    assert name in reader.get(PAGE).get_data(as_text=True)


def test_machines_that_share_redis_share_the_news(make_app):
    import redis

    url = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(url).flushdb()
    one, other = (make_app(PAGE_CACHE=True, REDIS_URL=url) for _ in range(2))
    reader = _visitor(other)
    reader.get(PAGE)
    name = f"Office {uuid.uuid4().hex[:6]} (test data)"
    try:
        _set_focal_point(one, name)
        assert name in reader.get(PAGE).get_data(as_text=True)
        assert redis.Redis.from_url(url).get("oicvet:content-version")
    finally:
        one.test_cli_runner().invoke(args=["focal-points", "remove", "SN"])
        redis.Redis.from_url(url).flushdb()


def test_a_write_that_bypasses_the_orm_is_announced_by_hand(cached_app):
    visitor = _visitor(cached_app)
    before = visitor.get(PAGE).get_data(as_text=True)
    name = f"Office {uuid.uuid4().hex[:6]} (test data)"
    with cached_app.app_context():
        db.session.execute(FocalPoint.__table__.insert().values(country="SN", institution={"en": name}))
        db.session.connection().commit()  # below the ORM: nothing noticed
    try:
        assert visitor.get(PAGE).get_data(as_text=True) == before
        content_changed(cached_app)
        assert name in visitor.get(PAGE).get_data(as_text=True)
    finally:
        cached_app.test_cli_runner().invoke(args=["focal-points", "remove", "SN"])


def test_a_logged_in_visitor_is_never_served_or_stored(cached_app, make_account):
    anonymous = _visitor(cached_app)
    anonymous.get("/en/")
    account = make_account(name="Cache Test Person")
    member = cached_app.test_client()
    member.set_cookie("lang", "en")
    log_in(member, account.email, PASSWORD)
    with queries(cached_app) as seen:
        page = member.get("/en/")
    assert seen and "My account" in page.get_data(as_text=True)
    assert "private" in page.headers["Cache-Control"]
    assert "My account" not in anonymous.get("/en/").get_data(as_text=True)


def test_an_answer_that_sets_a_cookie_is_never_stored(cached_app):
    for _ in range(2):
        first_visit = cached_app.test_client()  # no language cookie yet
        with queries(cached_app) as seen:
            response = first_visit.get("/en/")
        assert seen and "lang=en" in response.headers["Set-Cookie"]


def test_unknown_hosts_and_posts_always_reach_the_site(cached_app):
    visitor = _visitor(cached_app)
    visitor.get(PAGE)
    assert visitor.get(PAGE, headers={"Host": "evil.example"}).status_code == 400
    assert visitor.post(PAGE).status_code == 405


def test_with_the_cache_off_every_request_runs_the_page(make_app, tmp_path):
    app = make_app(PAGE_CACHE=False, PAGE_CACHE_VERSION_FILE=str(tmp_path / "v"))
    visitor = _visitor(app)
    visitor.get(PAGE)
    with queries(app) as seen:
        visitor.get(PAGE)
    assert seen
