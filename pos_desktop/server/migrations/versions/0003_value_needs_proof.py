"""Money moves only with proof: card numbers sealed, tickets scoped by register, reasons

Revision ID: 0003
Revises: 0002

Card numbers leave the database readable: each becomes a keyed hash (to find the card) and a
sealed copy, both under the server key, which is not in the database; so does any stored
answer or outbox message that held one (a sent message keeps no body at all). Tickets are
keyed by register and ticket id, so a register of another store cannot take a ticket id.
Activities get the reason a manager gave; attempts can be counted per employee; a store can
ask for longer PINs.

Rows that hold a card number can be rewritten only with the server key: ``migrate`` hands it
in (``config.attributes["keys"]``); without it such rows stop the upgrade.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _keys(why: str) -> Any:
    keys = context.config.attributes.get("keys")
    if keys is None:
        raise RuntimeError(
            f"this database holds {why}; upgrading it needs the server key "
            "(run the server, or the CLI with its POS_DATA_DIR)"
        )
    return keys


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pin_digits", sa.Integer(), nullable=False, server_default="4")
        )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.alter_column("pin_digits", server_default=None)

    _seal_card_numbers()

    with op.batch_alter_table("card_activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))

    _seal_stored_answers()
    _seal_egift_mail()

    with op.batch_alter_table("failed_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employee_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_failed_attempts_employee_id_employees"),
            "employees",
            ["employee_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_failed_attempts_employee", ["employee_id", "kind", "created_at"], unique=False
        )

    _scope_tickets()


def _seal_card_numbers() -> None:
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("number_sealed", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    cards = sa.table(
        "gift_cards",
        sa.column("id", sa.Uuid()),
        sa.column("number", sa.String()),
        sa.column("number_hash", sa.String()),
        sa.column("number_sealed", sa.LargeBinary()),
    )
    rows = bind.execute(sa.select(cards.c.id, cards.c.number)).all()
    if rows:
        numbers = _keys("gift card numbers").numbers
        for card_id, number in rows:
            bind.execute(
                cards.update()
                .where(cards.c.id == card_id)
                .values(number_hash=numbers.lookup_hash(number), number_sealed=numbers.seal(number))
            )
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.alter_column("number_hash", nullable=False)
        batch_op.alter_column("number_sealed", nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_gift_cards_number_hash"), ["number_hash"])
        batch_op.drop_constraint(batch_op.f("uq_gift_cards_number"), type_="unique")
        batch_op.drop_column("number")


def _seal_stored_answers() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sealed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.alter_column("sealed", server_default=None)
    bind = op.get_bind()
    records = sa.table(
        "idempotency_records",
        sa.column("register_id", sa.Uuid()),
        sa.column("key", sa.String()),
        sa.column("response_body", sa.LargeBinary()),
        sa.column("sealed", sa.Boolean()),
    )
    # Only the answer to issuing a card carries a "number".
    for register_id, key, body in bind.execute(
        sa.select(records.c.register_id, records.c.key, records.c.response_body)
    ).all():
        try:
            answer = json.loads(body)
        except ValueError:
            continue
        if not (isinstance(answer, dict) and "number" in answer):
            continue
        bind.execute(
            records.update()
            .where(records.c.register_id == register_id, records.c.key == key)
            .values(response_body=_keys("stored answers with card numbers").answers.seal(body))
            .values(sealed=True)
        )


def _seal_egift_mail() -> None:
    bind = op.get_bind()
    outbox = sa.table(
        "mail_outbox",
        sa.column("id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("message", sa.LargeBinary()),
        sa.column("sealed", sa.Boolean()),
        sa.column("sent_at", sa.DateTime(timezone=True)),
    )
    # Every sealed message that went out keeps no body; an e-gift mail not yet sent is sealed.
    bind.execute(
        outbox.update()
        .where(outbox.c.sent_at.is_not(None), outbox.c.sealed.is_(True))
        .values(message=b"")
    )
    bind.execute(
        outbox.update()
        .where(outbox.c.sent_at.is_not(None), outbox.c.kind == "egift")
        .values(message=b"", sealed=True)
    )
    waiting = bind.execute(
        sa.select(outbox.c.id, outbox.c.message).where(
            outbox.c.kind == "egift", outbox.c.sealed.is_(False)
        )
    ).all()
    for mail_id, message in waiting:
        bind.execute(
            outbox.update()
            .where(outbox.c.id == mail_id)
            .values(message=_keys("e-gift mail").mail.seal(message), sealed=True)
        )


def _scope_tickets() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("store_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE tickets SET store_id = "
        "(SELECT registers.store_id FROM registers WHERE registers.id = tickets.register_id)"
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.alter_column("store_id", nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_tickets_store_id_stores"), "stores", ["store_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_tickets_store_id"), ["store_id"], unique=False)
        batch_op.drop_index(batch_op.f("ix_tickets_register_id"))
        batch_op.drop_constraint(batch_op.f("pk_tickets"), type_="primary")
        batch_op.create_primary_key(batch_op.f("pk_tickets"), ["register_id", "id"])


def downgrade() -> None:
    raise NotImplementedError("card numbers cannot be put back in the clear")
