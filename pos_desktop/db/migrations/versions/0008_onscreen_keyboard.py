"""Device settings: when the on-screen keyboard comes up (auto, always, never).

Revision ID: 0008
Revises: 0007

A register that stored its devices before keeps the default, "always": it is a touch register.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "onscreen_keyboard", sa.String(length=6), nullable=False, server_default="always"
            )
        )
        batch_op.create_check_constraint(
            "onscreen_keyboard_mode",
            sa.text("onscreen_keyboard IN ('auto', 'always', 'never')"),
        )
    # The model has no server default: every save writes the column.
    with op.batch_alter_table("device_settings", schema=None) as batch_op:
        batch_op.alter_column("onscreen_keyboard", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("device_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_device_settings_onscreen_keyboard_mode"), type_="check")
        batch_op.drop_column("onscreen_keyboard")
