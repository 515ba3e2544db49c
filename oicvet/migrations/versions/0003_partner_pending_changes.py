"""edits of an approved partner wait for review

Revision ID: 0003
Revises: 0002

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Adding columns never rebuilds the table, so the search triggers on it stay.
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_changes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('changes_submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('changes_refused_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    # Rebuilding the table would drop its search triggers and, with foreign keys
    # on, the sectors of every partner: SQLite (3.35 and later) drops columns in place.
    with op.batch_alter_table('partner', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('changes_refused_reason')
        batch_op.drop_column('changes_submitted_at')
        batch_op.drop_column('pending_changes')
