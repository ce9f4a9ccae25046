"""The Back Office: an audit log of managers' changes, the store's receipt texts, and when
each register was last seen and with which app version

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("phone", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("receipt_header", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("receipt_footer", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        for name in ("address", "phone", "receipt_header", "receipt_footer"):
            batch_op.alter_column(name, server_default=None)

    with op.batch_alter_table("registers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("app_version", sa.String(length=40), nullable=True))

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("register_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_audit_log_store_id_stores")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_audit_log_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_audit_log_register_id_registers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_store_at", ["store_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_log")
    with op.batch_alter_table("registers", schema=None) as batch_op:
        batch_op.drop_column("app_version")
        batch_op.drop_column("last_seen_at")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        for name in ("receipt_footer", "receipt_header", "phone", "address"):
            batch_op.drop_column(name)
