"""A ticket keeps the preset percent its tip was set from, so Pay shows that preset selected.

Revision ID: 0007
Revises: 0006

``tip_percent`` is NULL for a custom tip, for no tip set, and once the ticket's lines change
(the tip in cents then no longer is that percent of the ticket).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tip_percent", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "tip_percent_in_range",
            sa.text("tip_percent IS NULL OR (tip_percent >= 0 AND tip_percent <= 100)"),
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tickets_tip_percent_in_range"), type_="check")
        batch_op.drop_column("tip_percent")
