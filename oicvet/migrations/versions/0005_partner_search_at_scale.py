"""Partner Search at scale: a stored vector of words on PostgreSQL, and indexes in the list's order

Revision ID: 0005
Revises: 0004

On PostgreSQL the GIN index was over the expression to_tsvector('simple',
search_text): a query that walks the most recently updated partners first
(the list's order) had to compute every row's words again to test them, some
30 µs a row. The words are now a stored generated column with the GIN index
on it (see oicvet.search.indexes). On both databases the partner indexes end
with the list's order (updated_at, id), so that a filtered list stops after
its first page instead of sorting every match.
"""
from alembic import op

from oicvet.search.indexes import SearchIndexNames, create_search_index, drop_search_index


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

#: name: (columns before, columns after)
INDEXES = {
    'ix_partner_status_updated': (['status', 'updated_at'], ['status', 'updated_at', 'id']),
    'ix_partner_status_country': (['status', 'country'], ['status', 'country', 'updated_at', 'id']),
    'ix_partner_status_type': (['status', 'organisation_type'], ['status', 'organisation_type', 'updated_at', 'id']),
}


def _indexes(which):
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name='partner')
        op.create_index(name, 'partner', columns[which], unique=False)


def upgrade():
    _indexes(1)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"DROP INDEX IF EXISTS {SearchIndexNames('partner').gin_index}")
        create_search_index(op, 'partner')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        drop_search_index(op, 'partner')
        op.execute("CREATE INDEX ix_partner_search ON partner USING gin (to_tsvector('simple', search_text))")
    _indexes(0)
