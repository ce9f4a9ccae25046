"""The Back Office's card list: what tells a used card from an active one, kept on the card,
and the indexes its pages walk

``gift_cards.open_deductions`` counts the deductions not undone by a reversal (ledger.append
keeps it from now on; existing cards get theirs from their ledger here). With it a status is
a WHERE on the card row. The list pages newest first by ``(created_at, id)`` within a store;
the statuses few cards have (voided, blocked, pending) get partial indexes of their own, so
a filter that matches few or none of a million cards does not walk them all.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Written out, not read from the code: a migration must not change when the code does.
_RARE = {
    "voided": "voided",
    "blocked": "blocked AND NOT voided",
    "pending": "sent_at IS NULL AND NOT blocked AND NOT voided",
}
_COLUMNS = ["store_id", "created_at", "id"]

_BACKFILL = """
UPDATE gift_cards SET open_deductions = (
    SELECT COALESCE(SUM(CASE
        WHEN a.kind IN ('redeem', 'deduct_by_code') THEN 1
        WHEN a.kind = 'reverse' THEN -1
        ELSE 0 END), 0)
    FROM card_activities AS a WHERE a.card_id = gift_cards.id
)
WHERE EXISTS (
    SELECT 1 FROM card_activities AS a
    WHERE a.card_id = gift_cards.id AND a.kind IN ('redeem', 'deduct_by_code')
)
"""


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (no table rebuild on SQLite).
    op.add_column(
        "gift_cards",
        sa.Column("open_deductions", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute(_BACKFILL)
    op.create_index("ix_gift_cards_store_created", "gift_cards", _COLUMNS, unique=False)
    for name, where in _RARE.items():
        op.create_index(
            f"ix_gift_cards_store_created_{name}",
            "gift_cards",
            _COLUMNS,
            unique=False,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def downgrade() -> None:
    for name in reversed(_RARE):
        op.drop_index(f"ix_gift_cards_store_created_{name}", table_name="gift_cards")
    op.drop_index("ix_gift_cards_store_created", table_name="gift_cards")
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.drop_column("open_deductions")
