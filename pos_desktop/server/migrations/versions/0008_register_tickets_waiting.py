"""Each register's count of finished tickets it has not pushed yet, as it last reported it
(X-POS-Outbox), for the Back Office's register list

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tickets_waiting", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registers", schema=None) as batch_op:
        batch_op.drop_column("tickets_waiting")
