"""Pushed tickets in a form reports can query: their sums as columns, their lines and
payments as rows (``ticket_lines``, ``ticket_payments``), filled for every ticket already
stored from the JSON it was pushed as

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _money(value: Any) -> int:
    return int(value["amount"]) if isinstance(value, dict) else 0


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in ("subtotal", "tax", "tip"):
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
            )
        batch_op.create_index(batch_op.f("ix_tickets_completed_at"), ["completed_at"])
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in ("subtotal", "tax", "tip"):
            batch_op.alter_column(name, server_default=None)

    lines = op.create_table(
        "ticket_lines",
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=True),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("sells_gift_card", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["register_id", "ticket_id"],
            ["tickets.register_id", "tickets.id"],
            name=op.f("fk_ticket_lines_register_id_tickets"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_ticket_lines_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("register_id", "ticket_id", "position", name=op.f("pk_ticket_lines")),
    )
    with op.batch_alter_table("ticket_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_lines_product_id"), ["product_id"])
    payments = op.create_table(
        "ticket_payments",
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("tender", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tip", sa.BigInteger(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["register_id", "ticket_id"],
            ["tickets.register_id", "tickets.id"],
            name=op.f("fk_ticket_payments_register_id_tickets"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_ticket_payments_store_id_stores")
        ),
        sa.PrimaryKeyConstraint(
            "register_id", "ticket_id", "payment_id", name=op.f("pk_ticket_payments")
        ),
    )
    _fill(lines, payments)


def _fill(lines: sa.Table, payments: sa.Table) -> None:
    """Every stored ticket's sums, lines and payments, read from the JSON it was pushed as."""
    bind = op.get_bind()
    tickets = sa.table(
        "tickets",
        sa.column("register_id", sa.Uuid()),
        sa.column("id", sa.Uuid()),
        sa.column("store_id", sa.Uuid()),
        sa.column("body", sa.Text()),
        sa.column("subtotal", sa.BigInteger()),
        sa.column("tax", sa.BigInteger()),
        sa.column("tip", sa.BigInteger()),
    )
    products = sa.table("products", sa.column("id", sa.Uuid()), sa.column("category_id", sa.Uuid()))
    loads = sa.table(
        "card_loads",
        sa.column("register_id", sa.Uuid()),
        sa.column("ticket_id", sa.Uuid()),
        sa.column("line_id", sa.Uuid()),
    )
    categories = dict(bind.execute(sa.select(products.c.id, products.c.category_id)).all())
    sold = {tuple(row) for row in bind.execute(sa.select(loads.c.register_id, loads.c.ticket_id, loads.c.line_id))}
    rows = bind.execute(
        sa.select(tickets.c.register_id, tickets.c.id, tickets.c.store_id, tickets.c.body)
    ).all()
    for register_id, ticket_id, store_id, body in rows:
        ticket = json.loads(body)
        bind.execute(
            tickets.update()
            .where(tickets.c.register_id == register_id, tickets.c.id == ticket_id)
            .values(
                subtotal=_money(ticket.get("subtotal")),
                tax=_money(ticket.get("tax")),
                tip=_money(ticket.get("tip")),
            )
        )
        for position, line in enumerate(ticket.get("lines", [])):
            line_id = _uuid(line.get("id"))
            product_id = _uuid(line.get("product_id"))
            bind.execute(
                lines.insert().values(
                    register_id=register_id,
                    ticket_id=ticket_id,
                    position=position,
                    store_id=store_id,
                    line_id=line_id,
                    product_id=product_id,
                    category_id=categories.get(product_id),
                    name=line["name"],
                    quantity=int(line["quantity"]),
                    unit_price=_money(line.get("unit_price")),
                    tax=_money(line.get("tax")),
                    total=_money(line.get("total")),
                    sells_gift_card=(register_id, ticket_id, line_id) in sold,
                )
            )
        for payment in ticket.get("payments", []):
            bind.execute(
                payments.insert().values(
                    register_id=register_id,
                    ticket_id=ticket_id,
                    payment_id=_uuid(payment["id"]),
                    store_id=store_id,
                    tender=payment["tender"],
                    amount=_money(payment.get("amount")),
                    tip=_money(payment.get("tip")),
                    activity_id=_uuid(payment.get("activity_id")),
                )
            )


def _uuid(text: Any) -> uuid.UUID | None:
    return uuid.UUID(text) if isinstance(text, str) else None


def downgrade() -> None:
    op.drop_table("ticket_payments")
    with op.batch_alter_table("ticket_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_lines_product_id"))
    op.drop_table("ticket_lines")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_completed_at"))
        for name in ("tip", "tax", "subtotal"):
            batch_op.drop_column(name)
