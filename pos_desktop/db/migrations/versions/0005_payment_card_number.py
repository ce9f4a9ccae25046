"""A gift-card payment keeps the card's number until the server answers its redemption.

Revision ID: 0005
Revises: 0004

The server takes value off a card only with its full number in the request, so a redemption
whose answer was lost is asked again with the number; it is erased once the answer is in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_number", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("card_number")
