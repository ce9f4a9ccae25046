"""A chain of stores: chain-wide cards and owners

- ``stores.cards_chain_wide``: the store's cards are found and redeemed in every store of the
  chain; off (as every store was so far) they are only its own.
- ``employees.role`` may be ``owner``: above the managers of every store.

``redeem_in_one_trip`` still pays only the redeeming store's own cards: it leaves another
store's card to the server's Python path, which holds every rule.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _roles(*roles: str) -> str:
    return "role IN ({})".format(", ".join(f"'{role}'" for role in roles))


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cards_chain_wide", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.alter_column("cards_chain_wide", server_default=None)
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_employees_role"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_employees_role"), _roles("cashier", "manager", "owner")
        )


def downgrade() -> None:
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_employees_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_employees_role"), _roles("cashier", "manager"))
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("cards_chain_wide")
