"""The Roster of Experts: experts, their rosters, fields of expertise, languages and countries of
work experience; experts are searchable

Revision ID: 0008
Revises: 0007

"""
from alembic import op
import sqlalchemy as sa

from oicvet.search.indexes import create_search_index, drop_search_index


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('nationality', sa.String(length=2), nullable=False),
    sa.Column('residence_country', sa.String(length=2), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('years_experience', sa.Integer(), nullable=False),
    sa.Column('degree', sa.String(length=20), nullable=False),
    sa.Column('profile', sa.Text(), nullable=False),
    sa.Column('cv_name', sa.String(length=64), nullable=False),
    sa.Column('cv_size', sa.Integer(), nullable=False),
    sa.Column('cv_uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pending_changes', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('changes_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changes_refused_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_expert_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert')),
    sa.UniqueConstraint('account_id', name=op.f('uq_expert_account_id'))
    )
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.create_index('ix_expert_status_name', ['status', 'name', 'id'], unique=False)
        batch_op.create_index('ix_expert_status_residence', ['status', 'residence_country', 'name', 'id'], unique=False)

    op.create_table('expert_country',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_expert_country_expert_id_expert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('expert_id', 'country', name=op.f('pk_expert_country'))
    )
    with op.batch_alter_table('expert_country', schema=None) as batch_op:
        batch_op.create_index('ix_expert_country_country', ['country', 'expert_id'], unique=False)

    op.create_table('expert_field',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_expert_field_expert_id_expert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('expert_id', 'field', name=op.f('pk_expert_field'))
    )
    with op.batch_alter_table('expert_field', schema=None) as batch_op:
        batch_op.create_index('ix_expert_field_field', ['field', 'expert_id'], unique=False)

    op.create_table('expert_language',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=3), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_expert_language_expert_id_expert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('expert_id', 'language', name=op.f('pk_expert_language'))
    )
    with op.batch_alter_table('expert_language', schema=None) as batch_op:
        batch_op.create_index('ix_expert_language_language', ['language', 'expert_id'], unique=False)

    op.create_table('expert_roster',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('roster', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_expert_roster_expert_id_expert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('expert_id', 'roster', name=op.f('pk_expert_roster'))
    )
    with op.batch_alter_table('expert_roster', schema=None) as batch_op:
        batch_op.create_index('ix_expert_roster_roster', ['roster', 'expert_id'], unique=False)

    create_search_index(op, 'expert')


def downgrade():
    drop_search_index(op, 'expert')
    with op.batch_alter_table('expert_roster', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_roster_roster')

    op.drop_table('expert_roster')
    with op.batch_alter_table('expert_language', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_language_language')

    op.drop_table('expert_language')
    with op.batch_alter_table('expert_field', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_field_field')

    op.drop_table('expert_field')
    with op.batch_alter_table('expert_country', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_country_country')

    op.drop_table('expert_country')
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_status_residence')
        batch_op.drop_index('ix_expert_status_name')

    op.drop_table('expert')
