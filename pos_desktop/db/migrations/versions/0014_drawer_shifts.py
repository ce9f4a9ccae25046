"""Cash drawer shifts and their Z reports

Revision ID: 0014
Revises: 0013

``shifts``: a drawer's float, its open and close, its Z number (unique, kept for good: a
closed shift cannot be deleted nor renumbered) and the closed shift as it is pushed.
``cash_movements`` takes pay ins, pay outs and drawer opens with no sale beside gift-card
cash-outs, with a reason, the approving manager and the shift whose Z counted it. Tickets and
refunds onto cards name that shift too; those finished before this revision are marked as
before any shift, so the first Z counts only what follows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# The shift id of what was finished before the register had shifts (``db.shifts``).
BEFORE_SHIFTS = "00000000000000000000000000000000"
KINDS = "kind IN ('pay_in', 'pay_out', 'no_sale', 'gift_card_cash_out')"
MOVES = "(kind = 'no_sale' AND amount = 0) OR (kind <> 'no_sale' AND amount <> 0)"

TRIGGERS = (
    """
    CREATE TRIGGER shifts_closed_kept BEFORE DELETE ON shifts
    WHEN OLD.state = 'closed'
    BEGIN SELECT RAISE(ABORT, 'a closed shift is kept for good'); END
    """,
    """
    CREATE TRIGGER shifts_z_number_kept BEFORE UPDATE OF z_number ON shifts
    WHEN OLD.z_number IS NOT NULL AND NEW.z_number IS NOT OLD.z_number
    BEGIN SELECT RAISE(ABORT, 'a Z number is never changed'); END
    """,
    """
    CREATE TRIGGER shifts_stay_closed BEFORE UPDATE OF state ON shifts
    WHEN OLD.state = 'closed' AND NEW.state <> 'closed'
    BEGIN SELECT RAISE(ABORT, 'a closed shift is never opened again'); END
    """,
)


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=6), nullable=False),
        sa.Column("z_number", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opening_float", sa.BigInteger(), nullable=False),
        sa.Column("float_counts", sa.Text(), nullable=True),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=True),
        sa.Column("opened_by_name", sa.String(length=80), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("record", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f("ck_shifts_state")),
        sa.CheckConstraint("opening_float >= 0", name=op.f("ck_shifts_float_not_negative")),
        sa.CheckConstraint(
            "state = 'open' OR (z_number IS NOT NULL AND closed_at IS NOT NULL"
            " AND record IS NOT NULL)",
            name=op.f("ck_shifts_closed_is_whole"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("z_number", name=op.f("uq_shifts_z_number")),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shifts_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(
            "uq_shifts_one_open", ["state"], unique=True, sqlite_where=sa.text("state = 'open'")
        )
    for trigger in TRIGGERS:
        op.execute(trigger)

    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("shift_id", sa.Uuid(), nullable=True))
        batch_op.drop_constraint(op.f("ck_cash_movements_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_cash_movements_amount_not_zero"), type_="check")
        batch_op.create_check_constraint(op.f("ck_cash_movements_kind"), KINDS)
        batch_op.create_check_constraint(op.f("ck_cash_movements_amount_moves"), MOVES)
        batch_op.create_index(batch_op.f("ix_cash_movements_shift_id"), ["shift_id"], unique=False)
    for table in ("tickets", "card_payouts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("shift_id", sa.Uuid(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_shift_id"), ["shift_id"], unique=False)
    op.execute(
        f"UPDATE tickets SET shift_id = '{BEFORE_SHIFTS}' WHERE status IN ('completed', 'voided')"
    )
    op.execute(f"UPDATE card_payouts SET shift_id = '{BEFORE_SHIFTS}' WHERE state = 'done'")
    op.execute(f"UPDATE cash_movements SET shift_id = '{BEFORE_SHIFTS}'")


def downgrade() -> None:
    for table in ("card_payouts", "tickets"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_shift_id"))
            batch_op.drop_column("shift_id")
    op.execute("DELETE FROM cash_movements WHERE kind <> 'gift_card_cash_out'")
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cash_movements_shift_id"))
        batch_op.drop_constraint(op.f("ck_cash_movements_amount_moves"), type_="check")
        batch_op.drop_constraint(op.f("ck_cash_movements_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_cash_movements_kind"), "kind IN ('gift_card_cash_out')"
        )
        batch_op.create_check_constraint(
            op.f("ck_cash_movements_amount_not_zero"), "amount <> 0"
        )
        batch_op.drop_column("shift_id")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("reason")
    for name in ("shifts_stay_closed", "shifts_z_number_kept", "shifts_closed_kept"):
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("shifts")
