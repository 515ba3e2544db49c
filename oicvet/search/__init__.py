"""Keyword search, a core service any feature's model can use.

- ``folding``: the text of Arabic and French folded, so that spelling variants find each other.
- ``searchable``: the ``Searchable`` mixin, whose ``search_text`` follows the model's
  ``search_fields`` on every save, ``matching(Model, terms)`` to filter a query (or
  ``matching(Model, bindparam(...))`` with ``match_value(terms)``, for a statement built
  once), and ``index_hits(Model, value)``, the matching ids from the index alone.
- ``indexes``: what a migration calls to index a searchable table
  (``create_search_index(op, table)``: FTS5 on SQLite, a stored ``search_vector`` column
  with a GIN index on PostgreSQL), and what autogenerate must leave alone.
"""
