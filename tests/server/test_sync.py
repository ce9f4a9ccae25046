"""Tickets up, catalog down."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import seed_demo_data
from pos_desktop.server.models import Category, Product, ProductBarcode, Store, SyncedTicket
from pos_desktop.server.provisioning import next_sync_version
from tests.fixtures.server_world import World, another_register


def _ticket(ticket_id: str | None = None) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    usd = {"amount": 4_50, "currency": "USD"}
    zero = {"amount": 0, "currency": "USD"}
    return {
        "id": ticket_id or str(uuid.uuid4()),
        "opened_at": now,
        "completed_at": now,
        "lines": [
            {"name": "Cappuccino", "quantity": 1, "unit_price": usd, "tax": zero, "total": usd}
        ],
        "payments": [{"id": str(uuid.uuid4()), "tender": "cash", "amount": usd}],
        "subtotal": usd,
        "tax": zero,
        "tip": zero,
        "total": usd,
    }


def test_sync_push_keeps_each_ticket_once(world: World) -> None:
    """Pushing the same ticket again reports it as a duplicate."""
    ticket = _ticket()

    first = world.post("/sync/push", {"tickets": [ticket]}, who=None, key=None).json()
    again = world.post("/sync/push", {"tickets": [ticket, _ticket()]}, who=None, key=None).json()

    assert first == {"accepted": [ticket["id"]], "duplicates": []}
    assert again["duplicates"] == [ticket["id"]]
    assert len(again["accepted"]) == 1


def test_sync_pull_gives_catalog_then_only_changes(world: World) -> None:
    """The first pull gives everything; pulling from its cursor gives nothing new."""
    first = world.get("/sync/pull", who=None).json()
    second = world.get("/sync/pull", who=None, cursor=first["cursor"]).json()

    assert {e["name"] for e in first["employees"]} == {"Casey Cashier", "Morgan Manager"}
    assert all(e["pin_hash"].startswith("$argon2") for e in first["employees"])
    assert first["settings"]["store_name"] == "Test Store"
    assert first["settings"]["currency"] == "USD"
    assert second["employees"] == [] and second["products"] == [] and second["settings"] is None


def test_sync_pull_sees_a_new_employee_after_cursor(world: World) -> None:
    """A change after the cursor reaches the register on its next pull."""
    cursor = world.get("/sync/pull", who=None).json()["cursor"]
    world.post("/employees", {"name": "Riley", "role": "cashier", "pin": "2468"}, who="manager")

    changes = world.get("/sync/pull", who=None, cursor=cursor).json()

    assert [e["name"] for e in changes["employees"]] == ["Riley"]


def test_sync_pull_products_belong_to_the_register_store(world: World) -> None:
    """A register sees its own store's products, not another store's."""
    with make_session_factory(world.engine)() as db:
        seed_demo_data(db, world.keys, world.clock.now())
        own = db.execute(select(Store).where(Store.name == "Test Store")).scalar_one()
        coffee = Category(
            id=uuid.uuid4(),
            store_id=own.id,
            name="Coffee",
            position=0,
            colour="#1565C0",
            sync_version=next_sync_version(db),
        )
        product = Product(
            id=uuid.uuid4(),
            store_id=own.id,
            name="House blend",
            category_id=coffee.id,
            price=12_00,
            tax_rate_bp=0,
            active=True,
            sync_version=next_sync_version(db),
        )
        db.add_all([coffee, product])
        db.flush()
        db.add(ProductBarcode(store_id=own.id, code="4006381333931", product_id=product.id))
        db.commit()

    products = world.get("/sync/pull", who=None).json()["products"]

    assert [(p["name"], p["price"]["amount"]) for p in products] == [("House blend", 12_00)]


@pytest.mark.parametrize("cursor", ["abc", "²", "١٢"])
def test_sync_pull_bad_cursor_is_422(world: World, cursor: str) -> None:
    """A cursor this server did not make is refused, even one of non-ASCII digits."""
    response = world.get("/sync/pull", who=None, cursor=cursor)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_sync_push_keeps_the_instant_of_an_offset_time(world: World) -> None:
    """A ticket finished at 10:00+02:00 is stored as 08:00 UTC on every database, never as
    10:00 with the offset dropped."""
    ticket = _ticket()
    ticket["completed_at"] = "2026-11-22T10:00:00+02:00"
    pushed = world.post("/sync/push", {"tickets": [ticket]}, who=None, key=None)
    assert pushed.status_code == 200, pushed.text
    with make_session_factory(world.engine)() as db:
        stored = db.execute(
            select(SyncedTicket.completed_at).where(SyncedTicket.id == uuid.UUID(ticket["id"]))
        ).scalar_one()
    assert stored == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_sync_pushed_ticket_number_names_the_ticket_in_the_card_history(world: World) -> None:
    """A card's history names a ticket by the number its receipt printed once its register
    pushed it; the same id pushed by another register lends it no number."""
    card = world.issue_card(20_00)
    ticket, other_ticket = str(uuid.uuid4()), str(uuid.uuid4())
    assert world.redeem(card["id"], 5_00, ticket_id=ticket).status_code == 200
    assert world.redeem(card["id"], 2_00, ticket_id=other_ticket).status_code == 200
    assert world.push_completed_ticket(ticket, number=42).json()["accepted"] == [ticket]
    assert another_register(world).push_completed_ticket(other_ticket, number=7).status_code == 200

    activities = world.get(f"/giftcards/{card['id']}").json()["activities"]

    numbers = {a["ticket_id"]: a["ticket_number"] for a in activities if a["ticket_id"]}
    assert numbers == {ticket: 42, other_ticket: None}
