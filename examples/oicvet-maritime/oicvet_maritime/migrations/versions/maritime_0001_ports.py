"""The example plugin's table of ports: the first revision of the plugin's own branch

Revision ID: maritime_0001
Revises:
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

revision = "maritime_0001"
# A branch of its own, beside the core's: `flask setup` upgrades every loaded plugin's head.
down_revision = None
branch_labels = ("maritime",)
# No foreign key to a core table; one would need `depends_on` set to the core's revision that makes it.
depends_on = None


def upgrade() -> None:
    op.create_table(
        "maritime_port",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("maritime_port")
