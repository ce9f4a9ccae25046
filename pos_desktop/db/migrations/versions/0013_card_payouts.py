"""Refunds onto gift cards and cash-outs, asked of the server with a key kept first

Revision ID: 0013
Revises: 0012

``card_payouts``: a completed sale refunded onto a gift card (its payment's card, or store
credit) or a card's balance paid out in cash; the key and request are stored before the call,
so a lost answer is asked again and never given twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_payouts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("request", sa.Text(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("balance_after", sa.BigInteger(), nullable=True),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("employee_name", sa.String(length=80), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("settled_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('refund_tender', 'store_credit', 'cash_out')",
            name=op.f("ck_card_payouts_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('asking', 'done', 'refused')", name=op.f("ck_card_payouts_state")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_card_payouts_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_payouts")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_card_payouts_idempotency_key")),
    )
    with op.batch_alter_table("card_payouts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_payouts_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_payouts_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_payouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_payouts_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_card_payouts_state"))
    op.drop_table("card_payouts")
