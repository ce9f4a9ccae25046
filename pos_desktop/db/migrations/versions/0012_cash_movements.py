"""Cash paid out of the drawer outside a sale

Revision ID: 0012
Revises: 0011

``cash_movements``: a gift card's cash-out (kind ``gift_card_cash_out``), the amount that
left the drawer (negative), the card's last 4, the employee and the time, for the shift's
drawer count to read.
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
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("employee_name", sa.String(length=80), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('gift_card_cash_out')", name=op.f("ck_cash_movements_kind")),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_cash_movements_amount_not_zero")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movements")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_cash_movements_activity_id")),
    )
    op.create_index(op.f("ix_cash_movements_at"), "cash_movements", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_cash_movements_at"), table_name="cash_movements")
    op.drop_table("cash_movements")
