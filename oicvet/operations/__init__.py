"""Running the site in production: health checks, request logs, backups.

None of this is a page of the site; it is what an administrator and the machines
in front of the site (nginx, a load balancer, systemd) rely on.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from oicvet.operations import backup, health, logs

    health.init_app(app)
    backup.init_app(app)
    # Last: its middleware wraps every other one, so that a page the page cache answers is logged too.
    logs.init_app(app)
