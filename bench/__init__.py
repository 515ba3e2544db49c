"""The benchmark harness: ``bash scripts/bench`` (``--smoke`` for a few seconds per part).

It builds a throw-away site, measures it through gunicorn and through the
shipped nginx configuration, times Partner Search, start-up and memory, and
prints every figure beside its target. A missed target is a FAIL in the table,
never an error: the harness exits non-zero only when it cannot measure (a page
that does not answer 200, a missing tool, a server that does not start).
"""
