"""A gift-card payment verified by an e-mailed code keeps its challenge and code until answered.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("challenge_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("code", sa.String(length=6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("code")
        batch_op.drop_column("challenge_id")
