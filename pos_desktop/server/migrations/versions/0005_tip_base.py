"""A store chooses what tip percentages are taken on: the subtotal before tax, or the total

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tip_base", sa.String(length=16), nullable=False, server_default="subtotal")
        )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.alter_column("tip_base", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("tip_base")
