"""``/healthz``: the process answers. ``/readyz``: the database and, when configured, Redis answer.

Both are for machines (systemd, nginx, a load balancer): plain answers, no
language, no session, no page cache, never kept by any cache. ``/readyz`` costs
one ``SELECT 1`` and one Redis ``PING``, each bounded by a short timeout, and
names what failed without saying why (the why goes to the log).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from oicvet.extensions import db

bp = Blueprint("health", __name__)

#: Seconds a readiness check waits for Redis before calling it down.
REDIS_TIMEOUT = 1.0


def _no_store(response: Any, status: int) -> Any:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Any:
    return _no_store(jsonify(status="ok"), 200)


def database_ready() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        current_app.logger.warning("Readiness: the database does not answer", exc_info=True)
        db.session.rollback()
        return False
    finally:
        db.session.remove()  # hand the connection back at once: a probe every few seconds holds none


def redis_ready(url: str) -> bool:
    import redis

    client = current_app.extensions.get("oicvet.health_redis")
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        current_app.extensions["oicvet.health_redis"] = client
    try:
        return bool(client.ping())
    except Exception:
        current_app.logger.warning("Readiness: Redis does not answer", exc_info=True)
        return False


@bp.get("/readyz")
def readyz() -> Any:
    checks = {"database": database_ready()}
    if url := current_app.config.get("REDIS_URL"):
        checks["redis"] = redis_ready(url)
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable",
            "checks": {name: "ok" if up else "unavailable" for name, up in checks.items()}}
    return _no_store(jsonify(body), 200 if ready else 503)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
