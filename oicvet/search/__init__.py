"""Keyword search, a core service any feature's model can use.

- ``folding``: the text of Arabic and French folded, so that spelling variants find each other.
- ``searchable``: the ``Searchable`` mixin, whose ``search_text`` follows the model's
  ``search_fields`` on every save, and ``matching(Model, terms)`` to filter a query.
- ``indexes``: what a migration calls to index a searchable table
  (``create_search_index(op, table)``), and what autogenerate must leave alone.
"""
