"""Gift cards sold and reloaded on ticket lines

Revision ID: 0011
Revises: 0010

``card_lines``: a gift card (or a reload) asked of the server for a ticket line, its key
stored before the call; the cancel owed when the line leaves the ticket.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_lines",
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("sale_key", sa.String(length=64), nullable=False),
        sa.Column("request", sa.Text(), nullable=True),
        sa.Column("card_id", sa.Uuid(), nullable=True),
        sa.Column("last4", sa.String(length=4), nullable=True),
        sa.Column("delivery", sa.String(length=10), nullable=True),
        sa.Column("recipient_name", sa.String(length=120), nullable=True),
        sa.Column("recipient_email", sa.String(length=254), nullable=True),
        sa.Column("deliver_at", UtcDateTime(), nullable=True),
        sa.Column("cancel_key", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("settled_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('sale', 'reload')", name=op.f("ck_card_lines_kind")),
        sa.CheckConstraint(
            "state IN ('requesting', 'sold', 'cancelling', 'cancelled')",
            name=op.f("ck_card_lines_state"),
        ),
        sa.CheckConstraint(
            "delivery IS NULL OR delivery IN ('physical', 'email')",
            name=op.f("ck_card_lines_delivery"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_card_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_card_lines_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_card_lines")),
        sa.UniqueConstraint("cancel_key", name=op.f("uq_card_lines_cancel_key")),
        sa.UniqueConstraint("sale_key", name=op.f("uq_card_lines_sale_key")),
    )
    with op.batch_alter_table("card_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_lines_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_lines_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_lines_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_card_lines_state"))
    op.drop_table("card_lines")
