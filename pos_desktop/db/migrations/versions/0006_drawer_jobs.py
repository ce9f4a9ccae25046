"""The cash drawer opens by a print job of its own; a receipt keeps its words for a COPY.

Revision ID: 0006
Revises: 0005

A drawer job is tried once, at the sale, first in line; when the printer cannot take it, it is
given up (``given_up_at``) and never opens the drawer later. Receipts no longer carry the kick:
``open_drawer`` goes, so a receipt still waiting when this runs prints without opening the
drawer. ``receipt`` holds a receipt's words (JSON) so a reprint is rendered again as a COPY.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos_desktop.sqltypes import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KINDS = "kind IN ('receipt', 'slip', 'test', 'drawer')"
OLD_KINDS = "kind IN ('receipt', 'slip', 'test')"


def upgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_print_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(KINDS))
        batch_op.drop_column("open_drawer")
        batch_op.add_column(sa.Column("receipt", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("given_up_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM print_jobs WHERE kind = 'drawer'")
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_column("given_up_at")
        batch_op.drop_column("receipt")
        batch_op.add_column(
            sa.Column("open_drawer", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.drop_constraint(op.f("ck_print_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(OLD_KINDS))
