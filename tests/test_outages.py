"""Outages: PostgreSQL or Redis stops while the site runs, then comes back.

Each test starts a server of its own (never the machine's shared one), stops it
mid-run and starts it again; the site answers throughout, and needs no restart.
They need no suite database of their own kind, so CI runs them once (database_free).
"""

from __future__ import annotations

import pytest
import redis

from oicvet.accounts.models import Account
from oicvet.caching import RedisVersion
from oicvet.extensions import db
from tests.conftest import fresh_database, submit
from tests.private_servers import private_postgres, private_redis

pytestmark = pytest.mark.database_free


def test_postgresql_stopped_mid_run_gives_the_translated_503_then_recovers(make_app):
    with private_postgres() as server:
        app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database(server.url))
        client = app.test_client()
        assert client.get("/fr/archive/").status_code == 200
        assert client.get("/readyz").status_code == 200

        server.stop()
        for lang, title in (("fr", "Service indisponible"), ("ar", "الخدمة غير متاحة")):
            answer = client.get(f"/{lang}/archive/")
            page = answer.get_data(as_text=True)
            assert answer.status_code == 503
            assert title in page and f'lang="{lang}"' in page
            assert answer.headers["Retry-After"] == "30"
            assert "Traceback" not in page and "psycopg" not in page and str(server.port) not in page
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["checks"]["database"] == "unavailable"
        assert client.get("/healthz").status_code == 200  # the process itself is fine

        server.start()  # the same app: its pool drops the dead connections and opens new ones
        assert client.get("/fr/archive/").status_code == 200
        assert client.get("/readyz").status_code == 200


def test_redis_stopped_falls_back_to_each_process_then_comes_back(make_app, make_account, tmp_path):
    with private_redis() as server:
        app = make_app(REDIS_URL=server.url, RATELIMIT_STORAGE_URI=server.url, PAGE_CACHE=True,
                       LOGIN_RATE_LIMIT="3 per minute", LOGIN_FAILURES_PER_SOURCE="1000 per minute")
        account = make_account()
        client = app.test_client()
        home = {"headers": {"Cookie": "lang=en"}}
        assert client.get("/en/", **home).status_code == 200
        assert client.get("/readyz").get_json()["checks"] == {"database": "ok", "redis": "ok"}
        rename(app, account, "Renamed before the outage")
        before = redis.Redis.from_url(server.url).get(RedisVersion.KEY)
        assert before is not None

        server.stop()
        # Pages: made by the site, uncached, rather than failing.
        answer = client.get("/en/", **home)
        assert answer.status_code == 200 and "OIC-VET" in answer.get_data(as_text=True)
        # Limits: still counted, in this process's memory.
        statuses = [submit(app.test_client(), "/en/account/login",
                           {"email": account.email, "password": "not the password"}).status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        # Readiness says what is missing, so that monitoring sees it.
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json()["checks"] == {"database": "ok", "redis": "unavailable"}

        server.start()  # empty, as a restarted Redis that keeps nothing on disk is
        assert client.get("/readyz").status_code == 200
        assert client.get("/en/", **home).status_code == 200
        # The next edit reaches Redis again, so every process's page cache hears of it.
        rename(app, account, "Renamed after the outage")
        after = redis.Redis.from_url(server.url).get(RedisVersion.KEY)
        # Never a version seen before the restart: a page kept under it would pass for current.
        assert after is not None and after != before


def rename(app, account, name: str) -> None:
    with app.app_context():
        db.session.get(Account, account.id).name = name
        db.session.commit()
