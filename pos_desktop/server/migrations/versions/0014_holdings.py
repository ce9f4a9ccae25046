"""Cards' holdings by when they began, so the gift-card report reads aging and dormant cards
at any instant from day sums rather than from every card's ledger

- ``card_activities.previous_move_at``: for a value move, when the card's value last moved
  before it; kept by ledger.append from now on, filled from the ledger here, with the
  ledger's append-only trigger stepped aside for this one statement.
- ``ix_card_activities_holdings``: the value moves by the balance they left, largest first
  (the dormant cards' list).
- ``holding_days`` replaces ``liability_days``: per store, UTC day and the day each holding
  began, the holdings and balances begun less those ended. Both are sums the reports make
  from the ledger when first needed (``server.reports.settle_days``), so nothing is carried
  over: the old day sums are dropped and summed again the new way.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_PREVIOUS_MOVE = """
UPDATE card_activities SET previous_move_at = moves.previous
FROM (
    SELECT id, lag(created_at) OVER (PARTITION BY card_id ORDER BY seq) AS previous
    FROM card_activities WHERE delta <> 0
) AS moves
WHERE card_activities.id = moves.id AND moves.previous IS NOT NULL
"""
_SQLITE_TRIGGERS = ("card_activities_no_update", "card_activities_no_delete")


def _fill_previous_moves() -> None:
    """The one UPDATE the ledger ever takes: a column it did not have, filled from itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE card_activities DISABLE TRIGGER card_activities_append_only")
        op.execute(_PREVIOUS_MOVE)
        op.execute("ALTER TABLE card_activities ENABLE TRIGGER card_activities_append_only")
        return
    conn = op.get_bind()
    kept = [
        conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": name},
        ).scalar_one()
        for name in _SQLITE_TRIGGERS
    ]
    for name in _SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute(_PREVIOUS_MOVE)
    for sql in kept:
        op.execute(sql)


def upgrade() -> None:
    # Not in batch mode: a rebuild would copy the ledger under its append-only trigger.
    op.add_column(
        "card_activities",
        sa.Column("previous_move_at", sa.DateTime(timezone=True), nullable=True),
    )
    _fill_previous_moves()
    op.create_index(
        "ix_card_activities_holdings",
        "card_activities",
        ["balance_after", "created_at"],
        postgresql_where=sa.text("delta <> 0"),
        sqlite_where=sa.text("delta <> 0"),
    )
    op.drop_table("liability_days")
    op.create_table(
        "holding_days",
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("begun_day", sa.Date(), nullable=False),
        sa.Column("holdings", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_holding_days_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("store_id", "day", "begun_day", name=op.f("pk_holding_days")),
    )


def downgrade() -> None:
    op.drop_table("holding_days")
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
    op.drop_index("ix_card_activities_holdings", table_name="card_activities")
    # Not in batch mode: SQLite drops a column in place since 3.35, with no rebuild.
    op.drop_column("card_activities", "previous_move_at")
