"""TROP: training institutions, their fields of training, and their training opportunities
with their languages of instruction; both searchable

Revision ID: 0007
Revises: 0006

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from oicvet.search.indexes import create_search_index, drop_search_index


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _json():
    # A field without text is SQL NULL, not the JSON value null.
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('trop_institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=30), nullable=False),
    sa.Column('institution_type', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('public_email', sa.String(length=254), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_position', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
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
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_trop_institution_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trop_institution')),
    sa.UniqueConstraint('account_id', name=op.f('uq_trop_institution_account_id'))
    )
    with op.batch_alter_table('trop_institution', schema=None) as batch_op:
        batch_op.create_index('ix_trop_institution_status_country', ['status', 'country', 'name', 'id'], unique=False)
        batch_op.create_index('ix_trop_institution_status_name', ['status', 'name', 'id'], unique=False)

    op.create_table('trop_institution_field',
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['trop_institution.id'], name=op.f('fk_trop_institution_field_institution_id_trop_institution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('institution_id', 'sector', name=op.f('pk_trop_institution_field'))
    )
    with op.batch_alter_table('trop_institution_field', schema=None) as batch_op:
        batch_op.create_index('ix_trop_institution_field_sector', ['sector', 'institution_id'], unique=False)

    op.create_table('trop_opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('title', _json(), nullable=True),
    sa.Column('description', _json(), nullable=True),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('modality', sa.String(length=20), nullable=False),
    sa.Column('on_request', sa.Boolean(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('sort_date', sa.Date(), nullable=False),
    sa.Column('last_date', sa.Date(), nullable=False),
    sa.Column('duration_value', sa.Integer(), nullable=True),
    sa.Column('duration_unit', sa.String(length=10), nullable=True),
    sa.Column('venue_country', sa.String(length=2), nullable=True),
    sa.Column('venue_city', sa.String(length=100), nullable=False),
    sa.Column('target_group', sa.Text(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=True),
    sa.Column('is_free', sa.Boolean(), nullable=False),
    sa.Column('fee_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('fee_currency', sa.String(length=3), nullable=True),
    sa.Column('application_deadline', sa.Date(), nullable=True),
    sa.Column('apply_url', sa.String(length=300), nullable=False),
    sa.Column('apply_email', sa.String(length=254), nullable=False),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['trop_institution.id'], name=op.f('fk_trop_opportunity_institution_id_trop_institution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trop_opportunity'))
    )
    with op.batch_alter_table('trop_opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_trop_opportunity_country', ['venue_country', 'published', 'last_date', 'sort_date', 'id'], unique=False)
        batch_op.create_index('ix_trop_opportunity_current', ['published', 'last_date', 'sort_date', 'id'], unique=False)
        batch_op.create_index('ix_trop_opportunity_institution', ['institution_id', 'published', 'last_date', 'sort_date', 'id'], unique=False)
        batch_op.create_index('ix_trop_opportunity_sector', ['sector', 'published', 'last_date', 'sort_date', 'id'], unique=False)

    op.create_table('trop_opportunity_language',
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['trop_opportunity.id'], name=op.f('fk_trop_opportunity_language_opportunity_id_trop_opportunity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opportunity_id', 'language', name=op.f('pk_trop_opportunity_language'))
    )
    with op.batch_alter_table('trop_opportunity_language', schema=None) as batch_op:
        batch_op.create_index('ix_trop_opportunity_language', ['language', 'opportunity_id'], unique=False)

    create_search_index(op, 'trop_institution')
    create_search_index(op, 'trop_opportunity')


def downgrade():
    drop_search_index(op, 'trop_opportunity')
    drop_search_index(op, 'trop_institution')
    with op.batch_alter_table('trop_opportunity_language', schema=None) as batch_op:
        batch_op.drop_index('ix_trop_opportunity_language')

    op.drop_table('trop_opportunity_language')
    with op.batch_alter_table('trop_opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_trop_opportunity_sector')
        batch_op.drop_index('ix_trop_opportunity_institution')
        batch_op.drop_index('ix_trop_opportunity_current')
        batch_op.drop_index('ix_trop_opportunity_country')

    op.drop_table('trop_opportunity')
    with op.batch_alter_table('trop_institution_field', schema=None) as batch_op:
        batch_op.drop_index('ix_trop_institution_field_sector')

    op.drop_table('trop_institution_field')
    with op.batch_alter_table('trop_institution', schema=None) as batch_op:
        batch_op.drop_index('ix_trop_institution_status_name')
        batch_op.drop_index('ix_trop_institution_status_country')

    op.drop_table('trop_institution')
