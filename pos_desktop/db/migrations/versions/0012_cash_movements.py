"""Cash movements outside a sale's tenders

Revision ID: 0012
Revises: 0011

``cash_movements``: cash paid out of (or into) the drawer beside the tickets, e.g. a gift card
cashed out, for the cash shift to count.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("card_last4", sa.Text(), nullable=True),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movements")),
    )


def downgrade() -> None:
    op.drop_table("cash_movements")
