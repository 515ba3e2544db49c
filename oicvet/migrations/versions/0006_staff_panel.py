"""the staff panel: published events with their files and versions, programme texts,
disabled accounts, read messages, the audit log

Revision ID: 0006
Revises: 0005

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


#: The event indexes before this migration, and after it.
EVENT_INDEXES = {
    'ix_event_programme_year': (['programme', 'year'], ['programme', 'year', 'published']),
    'ix_event_year_start': (['year', 'start_date'], ['year', 'start_date', 'programme', 'published']),
    'ix_event_country': (['country'], ['country', 'programme', 'published']),
}


def _json():
    # A field without text is SQL NULL, not the JSON value null.
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('body_html', _json(), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    # What decides whether visitors see an event ends each index, so that lists and counts
    # filter on the index alone.
    for name, (_before, after) in EVENT_INDEXES.items():
        op.drop_index(name, table_name='event')
        op.create_index(name, 'event', after)
    with op.batch_alter_table('focal_point', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('contact_message', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('read_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('account', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        'event_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=True),
        sa.Column('height', sa.Integer(), nullable=True),
        sa.Column('caption', _json(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stored_name'),
    )
    op.create_index('ix_event_file_event_id', 'event_file', ['event_id'])

    op.create_table(
        'programme_text',
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('sector', sa.String(length=40), nullable=False),
        sa.Column('summary', _json(), nullable=True),
        sa.Column('body', _json(), nullable=True),
        sa.Column('body_html', _json(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('slug'),
    )
    op.create_index('ix_programme_text_sector', 'programme_text', ['sector'])

    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('account_name', sa.String(length=120), nullable=False),
        sa.Column('account_email', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('record_id', sa.String(length=80), nullable=False),
        sa.Column('record_label', sa.String(length=300), nullable=False),
        sa.Column('sector', sa.String(length=40), nullable=True),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('before', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('after', sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_entry_at', 'audit_entry', ['at'])
    op.create_index('ix_audit_entry_kind_at', 'audit_entry', ['kind', 'at'])
    op.create_index('ix_audit_entry_account_at', 'audit_entry', ['account_id', 'at'])
    op.create_index('ix_audit_entry_sector_at', 'audit_entry', ['sector', 'at'])


def downgrade():
    op.drop_table('audit_entry')
    op.drop_table('programme_text')
    op.drop_table('event_file')
    with op.batch_alter_table('account', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('disabled_at')
    with op.batch_alter_table('contact_message', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('read_at')
    with op.batch_alter_table('focal_point', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('version')
    for name, (before, _after) in EVENT_INDEXES.items():
        op.drop_index(name, table_name='event')
        op.create_index(name, 'event', before)
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('published')
        batch_op.drop_column('body_html')
