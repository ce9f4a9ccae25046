"""Managers' approvals on the spot: on the ticket they changed, or in an outbox of their own

Revision ID: 0010
Revises: 0009

``ticket_approvals``: a void or a line removed after a tender, approved by a manager's PIN,
pushed with its ticket. ``approval_outbox``: a reprint or the drawer opened without a sale,
approved the same way, pushed beside the tickets.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ACTIONS = (
    "action IN ('void_ticket', 'remove_line_after_tender', 'reprint', 'open_drawer', 'refund')"
)


def upgrade() -> None:
    op.create_table(
        "ticket_approvals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("manager_id", sa.Uuid(), nullable=False),
        sa.Column("manager_name", sa.String(length=80), nullable=False),
        sa.Column("cashier_id", sa.Uuid(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.CheckConstraint(ACTIONS, name=op.f("ck_ticket_approvals_action")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_approvals_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_approvals")),
    )
    with op.batch_alter_table("ticket_approvals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_approvals_ticket_id"), ["ticket_id"], unique=False
        )
    op.create_table(
        "approval_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("manager_id", sa.Uuid(), nullable=False),
        sa.Column("manager_name", sa.String(length=80), nullable=False),
        sa.Column("cashier_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(ACTIONS, name=op.f("ck_approval_outbox_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_outbox")),
    )
    with op.batch_alter_table("approval_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_outbox_sent_at"), ["sent_at"], unique=False)


def downgrade() -> None:
    op.drop_table("approval_outbox")
    op.drop_table("ticket_approvals")
