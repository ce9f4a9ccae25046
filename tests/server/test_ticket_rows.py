"""A pushed ticket's sums, lines and payments kept as rows for reports: written once with the
ticket, the product's category and the gift-card lines marked; and filled by migration 0011
for tickets pushed before it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, select

from pos_desktop.server.database import alembic_config
from pos_desktop.server.models import SyncedTicket, TicketLineRow, TicketPaymentRow
from tests.fixtures.databases import database_of_its_own
from tests.fixtures.server_world import World


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own (the migration test takes it down and up again)."""
    with database_of_its_own(request.param, tmp_path, "pos_rows") as made:
        yield made


def money(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


def a_day_of_sales(world: World) -> tuple[str, str, str]:
    """A ticket selling an espresso ($3.00 + $0.25 tax) and a $20.00 gift card, paid $10.00
    by gift card and the rest in cash with a $1.00 tip: (ticket, product, category) ids."""
    category = world.post("/backoffice/categories", {"name": "Coffee"}, who="manager").json()
    product = world.post(
        "/backoffice/products",
        {"name": "Espresso", "category_id": category["id"], "price": 3_00},
        who="manager",
    ).json()
    payer = world.issue_card(50_00)
    ticket_id, card_line = str(uuid.uuid4()), str(uuid.uuid4())
    sold = {
        "ticket_id": ticket_id,
        "line_id": card_line,
        "amount": {"amount": 20_00},
        "delivery": "physical",
    }
    assert world.post("/card-loads/sale", sold).status_code == 201
    # A gift card may not pay for a ticket that sells one: the payer pays the espresso's own
    # ticket here, as a register would on another ticket; the rows only record what came.
    paid = world.redeem(payer["id"], 10_00)
    now = world.clock.now().isoformat()
    ticket = {
        "id": ticket_id,
        "opened_at": now,
        "completed_at": now,
        "lines": [
            {
                "id": str(uuid.uuid4()),
                "product_id": product["id"],
                "name": "Espresso",
                "quantity": 1,
                "unit_price": money(3_00),
                "tax": money(25),
                "total": money(3_25),
            },
            {
                "id": card_line,
                "name": "Gift card",
                "quantity": 1,
                "unit_price": money(20_00),
                "tax": money(0),
                "total": money(20_00),
            },
        ],
        "payments": [
            {
                "id": str(uuid.uuid4()),
                "tender": "gift_card",
                "amount": money(10_00),
                "activity_id": paid.json()["activity"]["id"],
            },
            {"id": str(uuid.uuid4()), "tender": "cash", "amount": money(13_25), "tip": money(1_00)},
        ],
        "subtotal": money(23_00),
        "tax": money(25),
        "tip": money(1_00),
        "total": money(23_25),
    }
    pushed = world.post("/sync/push", {"tickets": [ticket]}, who=None, key=None)
    assert pushed.status_code == 200, pushed.text
    return ticket_id, product["id"], category["id"]


def rows(engine: Engine) -> tuple[list[Any], list[Any], list[Any]]:
    with engine.connect() as db:
        tickets = db.execute(
            select(SyncedTicket.subtotal, SyncedTicket.tax, SyncedTicket.tip, SyncedTicket.total)
        ).all()
        lines = db.execute(
            select(
                TicketLineRow.position,
                TicketLineRow.name,
                TicketLineRow.category_id,
                TicketLineRow.total,
                TicketLineRow.sells_gift_card,
            ).order_by(TicketLineRow.position)
        ).all()
        payments = db.execute(
            select(TicketPaymentRow.tender, TicketPaymentRow.amount, TicketPaymentRow.tip).order_by(
                TicketPaymentRow.tender
            )
        ).all()
    return (
        [tuple(t) for t in tickets],
        [tuple(line) for line in lines],
        [tuple(p) for p in payments],
    )


def test_ticket_rows_written_with_the_pushed_ticket(world: World, engine: Engine) -> None:
    """Sums as columns, each line (its category, the gift card marked) and payment a row."""
    _, _, category_id = a_day_of_sales(world)

    tickets, lines, payments = rows(engine)

    assert tickets == [(23_00, 25, 1_00, 23_25)]
    assert lines == [
        (0, "Espresso", uuid.UUID(category_id), 3_25, False),
        (1, "Gift card", None, 20_00, True),
    ]
    assert payments == [("cash", 13_25, 1_00), ("gift_card", 10_00, 0)]


def test_ticket_rows_written_once_whatever_the_pushes(world: World, engine: Engine) -> None:
    ticket_id, _, _ = a_day_of_sales(world)
    with engine.connect() as db:
        body = db.execute(select(SyncedTicket.body)).scalar_one()

    again = world.post("/sync/push", {"tickets": [json.loads(body)]}, who=None, key=None)

    assert again.json()["duplicates"] == [ticket_id]
    _, lines, payments = rows(engine)
    assert (len(lines), len(payments)) == (2, 2)


def test_migration_0011_fills_the_rows_of_tickets_pushed_before(
    world: World, engine: Engine
) -> None:
    """Taken back to 0010 (no rows) and up again: the rows come back from the stored JSON."""
    a_day_of_sales(world)
    before = rows(engine)
    config = alembic_config(engine)

    command.downgrade(config, "0010")
    command.upgrade(config, "head")

    assert rows(engine) == before
