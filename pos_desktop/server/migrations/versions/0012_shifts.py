"""Registers' closed cash-drawer shifts and their Z reports, kept once each

``shifts``: a shift id is unique over all registers; ``(register_id, z_number)`` is unique,
so a register's Z number names one shift. Its sums are columns; ``shift_tenders`` holds what
each tender took and ``shift_movements`` the cash in and out of its drawer outside sales.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_SUMS = (
    "opening_float",
    "goods",
    "tax",
    "tips",
    "taken",
    "cash_sales",
    "refunded",
    "expected",
    "counted",
    "difference",
)


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("z_number", sa.Integer(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=True),
        sa.Column("opened_by_name", sa.String(length=80), nullable=False),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("closed_by_name", sa.String(length=80), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _SUMS[:6]),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("voids", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _SUMS[6:]),
        sa.Column("no_sales", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_shifts_register_id_registers")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_shifts_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("register_id", "z_number", name=op.f("uq_shifts_register_id")),
    )
    op.create_index("ix_shifts_store_id_closed_at", "shifts", ["store_id", "closed_at"])
    op.create_table(
        "shift_tenders",
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tender", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("cash", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_shift_tenders_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("shift_id", "position", name=op.f("pk_shift_tenders")),
    )
    op.create_table(
        "shift_movements",
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("employee_name", sa.String(length=80), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('pay_in', 'pay_out', 'no_sale', 'gift_card_cash_out')",
            name=op.f("ck_shift_movements_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_shift_movements_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_shift_movements_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("shift_id", "id", name=op.f("pk_shift_movements")),
    )
    op.create_index("ix_shift_movements_store_id_at", "shift_movements", ["store_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_shift_movements_store_id_at", table_name="shift_movements")
    op.drop_table("shift_movements")
    op.drop_table("shift_tenders")
    op.drop_index("ix_shifts_store_id_closed_at", table_name="shifts")
    op.drop_table("shifts")
