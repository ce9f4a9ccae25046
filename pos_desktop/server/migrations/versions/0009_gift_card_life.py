"""A gift card's whole life: cards and reloads sold on tickets (card_loads), refunds and
cash-outs in the ledger, the store's gift-card rules, and a ledger the database itself keeps
append-only

``card_activities`` refuses UPDATE and DELETE with a trigger on both databases: a ledger row,
once written, is history. (TRUNCATE, which only an operator runs, is left to permissions.)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Written out, not read from the code: a migration must not change when the code does.
_OLD_KINDS = (
    "issue", "activate", "redeem", "deduct_by_code", "reverse", "adjust", "block", "unblock",
    "void",
)  # fmt: skip
_NEW_KINDS = (
    "issue", "load", "activate", "redeem", "deduct_by_code", "reverse", "refund", "adjust",
    "cash_out", "block", "unblock", "void",
)  # fmt: skip

_PG_TRIGGER = (
    """
    CREATE FUNCTION card_activities_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'card_activities is append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE TRIGGER card_activities_append_only BEFORE UPDATE OR DELETE ON card_activities
    FOR EACH ROW EXECUTE FUNCTION card_activities_append_only()
    """,
)
_SQLITE_TRIGGERS = tuple(
    f"""
    CREATE TRIGGER card_activities_no_{operation.lower()} BEFORE {operation} ON card_activities
    BEGIN SELECT RAISE(ABORT, 'card_activities is append-only: {operation} refused'); END
    """
    for operation in ("UPDATE", "DELETE")
)


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS card_activities_append_only ON card_activities")
        op.execute("DROP FUNCTION IF EXISTS card_activities_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS card_activities_no_update")
        op.execute("DROP TRIGGER IF EXISTS card_activities_no_delete")


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("min_card_amount", sa.BigInteger(), nullable=False, server_default="100")
        )
        batch_op.add_column(
            sa.Column(
                "giftcard_pays_giftcard", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("cash_out_below", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.alter_column("min_card_amount", server_default=None)
        batch_op.alter_column("giftcard_pays_giftcard", server_default=None)

    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery", sa.String(length=8), nullable=True))

    # Batch mode rebuilds the table on SQLite, which would copy rows under the trigger's
    # nose; the trigger comes after.
    with op.batch_alter_table("card_activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refunds_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_card_activities_refunds_id_card_activities"),
            "card_activities",
            ["refunds_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_card_activities_refunds_id"), ["refunds_id"], unique=False
        )
        batch_op.drop_constraint(op.f("ck_card_activities_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_card_activities_kind"), _kinds(_NEW_KINDS))

    op.create_table(
        "card_loads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_card_loads_amount_positive")),
        sa.CheckConstraint("kind IN ('issue', 'load')", name=op.f("ck_card_loads_kind")),
        sa.CheckConstraint(
            "state IN ('pending', 'loaded', 'cancelled')", name=op.f("ck_card_loads_state")
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["gift_cards.id"], name=op.f("fk_card_loads_card_id_gift_cards")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_card_loads_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_card_loads_register_id_registers")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_card_loads_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_loads")),
        sa.UniqueConstraint(
            "register_id", "ticket_id", "line_id", name=op.f("uq_card_loads_register_id")
        ),
    )
    with op.batch_alter_table("card_loads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_loads_card_id"), ["card_id"], unique=False)

    statements = _PG_TRIGGER if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("card_loads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_loads_card_id"))
    op.drop_table("card_loads")
    with op.batch_alter_table("card_activities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_card_activities_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_card_activities_kind"), _kinds(_OLD_KINDS))
        batch_op.drop_index(batch_op.f("ix_card_activities_refunds_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_card_activities_refunds_id_card_activities"), type_="foreignkey"
        )
        batch_op.drop_column("refunds_id")
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.drop_column("delivery")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("cash_out_below")
        batch_op.drop_column("giftcard_pays_giftcard")
        batch_op.drop_column("min_card_amount")
