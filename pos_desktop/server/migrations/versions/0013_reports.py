"""What the reports read, kept where an index finds it: a month's ticket lines and payments
by store and time, a span of the ledger by time, each store's liability by UTC day, and when
value last moved on each card

- ``ticket_lines.completed_at`` and ``ticket_payments.completed_at``: their ticket's, filled
  from it here, indexed with the store.
- ``card_activities`` indexed by ``created_at``, and by ``kind`` and ``created_at``.
- ``liability_days``: per store and UTC day, the sum of the deltas, how many more cards
  held value and how many activities moved value; summed from the ledger by the first
  report that needs a day once it is over (``server.reports.settle_days``), not here.
- ``gift_cards.last_activity_at``: the latest activity that moved value, kept by
  ledger.append from now on, filled from the ledger here.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TICKET_TIME = """
UPDATE {table} SET completed_at = (
    SELECT t.completed_at FROM tickets AS t
    WHERE t.register_id = {table}.register_id AND t.id = {table}.ticket_id
)
"""

_LAST_ACTIVITY = """
UPDATE gift_cards SET last_activity_at = (
    SELECT MAX(a.created_at) FROM card_activities AS a
    WHERE a.card_id = gift_cards.id AND a.delta <> 0
)
"""

def upgrade() -> None:
    for table in ("ticket_lines", "ticket_payments"):
        op.add_column(table, sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
        op.execute(_TICKET_TIME.format(table=table))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "completed_at", existing_type=sa.DateTime(timezone=True), nullable=False
            )
            batch_op.create_index(
                batch_op.f(f"ix_{table}_store_completed"), ["store_id", "completed_at"]
            )
    # Not in batch mode: a rebuild would copy the ledger under its append-only trigger.
    op.create_index("ix_card_activities_created_at", "card_activities", ["created_at"])
    op.create_index(
        "ix_card_activities_kind_created", "card_activities", ["kind", "created_at"]
    )
    op.add_column(
        "gift_cards", sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(_LAST_ACTIVITY)
    op.create_table(
        "liability_days",
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outstanding", sa.BigInteger(), nullable=False),
        sa.Column("cards", sa.BigInteger(), nullable=False),
        sa.Column("activities", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_liability_days_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("store_id", "day", name=op.f("pk_liability_days")),
    )


def downgrade() -> None:
    op.drop_table("liability_days")
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.drop_column("last_activity_at")
    op.drop_index("ix_card_activities_kind_created", table_name="card_activities")
    op.drop_index("ix_card_activities_created_at", table_name="card_activities")
    for table in ("ticket_payments", "ticket_lines"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_store_completed"))
            batch_op.drop_column("completed_at")
