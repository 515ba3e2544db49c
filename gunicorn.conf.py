"""gunicorn's settings for the site: ``gunicorn -c gunicorn.conf.py wsgi:app``.

One such process per port (the systemd unit ``oicvet@8001`` gives ``--bind``),
behind nginx, which alone faces visitors. Settings given on the command line
win over these.
"""

from __future__ import annotations

import os

# Loopback only: nginx is the one client. GUNICORN_BIND (or --bind) moves it.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]


def _workers() -> int:
    given = os.environ.get("GUNICORN_WORKERS", "").strip()
    if given:
        return max(1, int(given))
    # gunicorn's usual rule (2 per core + 1), capped: past 8 a machine gains more from
    # another process behind nginx than from a larger one, and each worker holds its
    # own page cache and database connections.
    return min(2 * (os.cpu_count() or 1) + 1, 8)


workers = _workers()
# Sync workers: each request holds a worker, and nginx buffers slow clients, so a
# worker never waits on a visitor's network.
worker_class = "sync"

# A request that takes longer than this is a stuck worker: gunicorn kills and
# replaces it (nginx answers 502 for that request alone).
timeout = 30
# On a restart or stop, a worker has this long to finish the request it serves.
graceful_timeout = 20

# Each worker is replaced after about this many requests, at a random point of the
# jitter so that the workers do not restart together: whatever a worker's memory
# grows by (its page cache is bounded, fragmentation is not) is given back.
max_requests = 5000
max_requests_jitter = 500

# No access log from gunicorn: the site logs each request itself, with its request
# id, and leaves tokens out of the paths it writes; gunicorn's line would hold the
# full URL, token and query string included. Errors go to stderr (systemd's journal).
accesslog = None
errorlog = "-"
loglevel = "info"

# Only nginx, on this machine, may say that a request came over HTTPS.
forwarded_allow_ips = "127.0.0.1"

# gunicorn's control socket is one path per user ($HOME/.gunicorn): two app
# processes of one user would fight over it, and the service has no home to write.
control_socket_disable = True
