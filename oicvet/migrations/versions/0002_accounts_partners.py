"""accounts with roles, and the Partners Database

Revision ID: 0002
Revises: 0001

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('email', name=op.f('uq_account_email'))
    )
    op.create_table('account_role',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_role_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'role', name=op.f('pk_account_role'))
    )
    op.create_table('account_sector',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_sector_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'sector', name=op.f('pk_account_sector'))
    )
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=30), nullable=False),
    sa.Column('organisation_type', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('cooperation_areas', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_position', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_partner_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('account_id', name=op.f('uq_partner_account_id'))
    )
    op.create_index('ix_partner_status_updated', 'partner', ['status', 'updated_at'], unique=False)
    op.create_index('ix_partner_status_country', 'partner', ['status', 'country'], unique=False)
    op.create_index('ix_partner_status_type', 'partner', ['status', 'organisation_type'], unique=False)
    op.create_table('partner_sector',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_sector_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partner_id', 'sector', name=op.f('pk_partner_sector'))
    )
    op.create_index('ix_partner_sector_sector', 'partner_sector', ['sector', 'partner_id'], unique=False)

    # Keyword search over partner.search_text (already folded by the application).
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_partner_search ON partner USING gin (to_tsvector('simple', search_text))")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE partner_fts USING fts5("
            "search_text, content='partner', content_rowid='id')"
        )
        op.execute(
            "CREATE TRIGGER partner_fts_insert AFTER INSERT ON partner BEGIN "
            "INSERT INTO partner_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER partner_fts_delete AFTER DELETE ON partner BEGIN "
            "INSERT INTO partner_fts(partner_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER partner_fts_update AFTER UPDATE OF search_text ON partner BEGIN "
            "INSERT INTO partner_fts(partner_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO partner_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        for trigger in ('partner_fts_insert', 'partner_fts_delete', 'partner_fts_update'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS partner_fts")
    op.drop_index('ix_partner_sector_sector', table_name='partner_sector')
    op.drop_table('partner_sector')
    op.drop_index('ix_partner_status_type', table_name='partner')
    op.drop_index('ix_partner_status_country', table_name='partner')
    op.drop_index('ix_partner_status_updated', table_name='partner')
    op.drop_table('partner')
    op.drop_table('account_sector')
    op.drop_table('account_role')
    op.drop_table('account')
