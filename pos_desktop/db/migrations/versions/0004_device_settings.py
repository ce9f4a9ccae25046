"""Device settings: the scanner and printer a manager set on the Settings tab (one row).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("scanner_port", sa.String(length=300), nullable=False),
        sa.Column("scanner_baud", sa.Integer(), nullable=False),
        sa.Column("scanner_terminator", sa.String(length=4), nullable=False),
        sa.Column("scanner_prefix", sa.String(length=40), nullable=False),
        sa.Column("scanner_suffix", sa.String(length=40), nullable=False),
        sa.Column("printer", sa.String(length=300), nullable=False),
        sa.Column("printer_profile", sa.String(length=40), nullable=False),
        sa.Column("paper_mm", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_device_settings_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_settings")),
    )


def downgrade() -> None:
    op.drop_table("device_settings")
