"""Gift cards and reloads sold on a ticket's lines: no value until the ticket completes, then
exactly the value sold, once; nothing when the line goes or the ticket is voided."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import MailOutbox
from tests.fixtures.server_world import STORE_MAX, World, another_register


def new_id() -> str:
    return str(uuid.uuid4())


def sell(
    world: World,
    amount: int,
    *,
    ticket_id: str | None = None,
    line_id: str | None = None,
    delivery: str = "physical",
    key: str = "auto",
    **extra: Any,
) -> httpx.Response:
    body = {
        "ticket_id": ticket_id or new_id(),
        "line_id": line_id or new_id(),
        "amount": {"amount": amount},
        "delivery": delivery,
        **extra,
    }
    return world.post("/card-loads/sale", body, key=key)


def reload(
    world: World, card_id: str, amount: int, *, ticket_id: str, line_id: str | None = None
) -> httpx.Response:
    body = {
        "ticket_id": ticket_id,
        "line_id": line_id or new_id(),
        "card_id": card_id,
        "number": world.numbers[card_id],
        "amount": {"amount": amount},
    }
    return world.post("/card-loads/reload", body)


def card(world: World, card_id: str) -> dict[str, Any]:
    response = world.get(f"/giftcards/{card_id}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def sold_card(world: World, amount: int, **extra: Any) -> tuple[str, str, str]:
    """A card sold on a new ticket's line, not yet paid: (card id, ticket id, line id)."""
    ticket_id, line_id = new_id(), new_id()
    response = sell(world, amount, ticket_id=ticket_id, line_id=line_id, **extra)
    assert response.status_code == 201, response.text
    answer = response.json()
    world.numbers[answer["card"]["id"]] = answer["number"]
    return answer["card"]["id"], ticket_id, line_id


def paid_card(world: World, amount: int) -> str:
    card_id, ticket_id, line_id = sold_card(world, amount)
    assert world.push_ticket(ticket_id, total=amount, line_ids=(line_id,)).status_code == 200
    return card_id


def set_store(world: World, **values: Any) -> None:
    """A manager changes the store's settings in the Back Office."""
    response = world.client.patch(
        "/api/v1/backoffice/store", json=values, headers=world.headers("manager")
    )
    assert response.status_code == 200, response.text


# --- selling a card ---------------------------------------------------------------------------


def test_sale_card_holds_nothing_until_its_ticket_completes(world: World) -> None:
    """A card on an open ticket is pending with no balance: nothing to spend before payment."""
    card_id, _, _ = sold_card(world, 25_00)

    shown = card(world, card_id)
    redeemed = world.redeem(card_id, 1_00)

    assert shown["status"] == "pending"
    assert shown["balance"]["amount"] == 0
    assert shown["initial_amount"]["amount"] == 25_00
    assert shown["activities"] == []
    assert redeemed.status_code == 409


def test_sale_completed_ticket_loads_the_card_once(world: World) -> None:
    """The push of the completed ticket loads the card (an issue activity on that ticket, by
    the cashier who sold it); pushing the ticket again loads nothing more."""
    card_id, ticket_id, line_id = sold_card(world, 25_00)

    first = world.push_ticket(ticket_id, total=25_00, line_ids=(line_id,))
    again = world.push_ticket(ticket_id, total=25_00, line_ids=(line_id,))

    shown = card(world, card_id)
    assert first.json()["accepted"] == [ticket_id]
    assert again.json()["duplicates"] == [ticket_id]
    assert shown["status"] == "active"
    assert shown["balance"]["amount"] == 25_00
    kinds = [(a["kind"], a["amount"]["amount"], a["ticket_id"]) for a in shown["activities"]]
    assert kinds == [("activate", 0, None), ("issue", 25_00, ticket_id)]
    assert shown["activities"][1]["employee"]["name"] == "Casey Cashier"


def test_sale_answer_shows_the_number_once_and_replays_it(world: World) -> None:
    """The sale's answer has the full number for the receipt; a retry with the same key gets
    the same card, not a second one."""
    ticket_id, line_id = new_id(), new_id()

    first = sell(world, 10_00, ticket_id=ticket_id, line_id=line_id, key="sale-1")
    replay = sell(world, 10_00, ticket_id=ticket_id, line_id=line_id, key="sale-1")

    assert first.status_code == 201
    assert replay.status_code == 201 and replay.content == first.content
    answer = first.json()
    assert answer["state"] == "pending" and answer["kind"] == "issue"
    assert answer["number"][-4:] == answer["card"]["last4"]


def test_sale_same_line_twice_is_refused(world: World) -> None:
    """One line sells one card: a second sale on it (another key) is refused."""
    ticket_id, line_id = new_id(), new_id()
    sell(world, 10_00, ticket_id=ticket_id, line_id=line_id)

    again = sell(world, 10_00, ticket_id=ticket_id, line_id=line_id)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "line_taken"


@pytest.mark.parametrize("amount", [99, STORE_MAX + 1])
def test_sale_amount_outside_the_store_range_is_refused(world: World, amount: int) -> None:
    """Below the store's minimum ($1.00 by default) or above its maximum: refused, saying so."""
    response = sell(world, amount)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_amount"
    assert "$" in response.json()["error"]["message"]


def test_sale_e_gift_is_sent_when_its_ticket_completes(world: World) -> None:
    """An e-gift is mailed to its recipient only once the ticket is paid."""
    card_id, ticket_id, line_id = sold_card(
        world,
        40_00,
        delivery="email",
        recipient_email="Robin@Example.com",
        recipient_name="Robin",
        message="Happy birthday",
    )
    with make_session_factory(world.engine)() as db:
        before = db.execute(select(MailOutbox.id).where(MailOutbox.kind == "egift")).all()

    world.push_ticket(ticket_id, total=40_00, line_ids=(line_id,))

    with make_session_factory(world.engine)() as db:
        after = db.execute(select(MailOutbox.to_address).where(MailOutbox.kind == "egift")).all()
    assert before == []
    assert [row.to_address for row in after] == ["robin@example.com"]
    assert card(world, card_id)["balance"]["amount"] == 40_00


# --- cancelling -------------------------------------------------------------------------------


def test_cancel_line_voids_the_unpaid_card(world: World) -> None:
    """Removing the line cancels its card: void, never loaded, even if the ticket completes."""
    card_id, ticket_id, line_id = sold_card(world, 15_00)

    cancelled = world.post("/card-loads/cancel", {"ticket_id": ticket_id, "line_id": line_id})
    world.push_ticket(ticket_id, total=15_00, line_ids=(line_id,))

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"
    assert card(world, card_id)["status"] == "voided"
    assert card(world, card_id)["balance"]["amount"] == 0


def test_cancel_voided_ticket_cancels_its_cards(world: World) -> None:
    """A voided ticket pushed loads nothing its lines sold."""
    card_id, ticket_id, line_id = sold_card(world, 15_00)

    world.push_ticket(ticket_id, total=15_00, line_ids=(line_id,), status="voided")

    assert card(world, card_id)["status"] == "voided"
    assert card(world, card_id)["balance"]["amount"] == 0


def test_cancel_line_missing_from_the_pushed_ticket(world: World) -> None:
    """A sold line the completed ticket no longer has (its cancel was lost) is not loaded."""
    kept, ticket_id, kept_line = sold_card(world, 10_00)
    gone_response = sell(world, 20_00, ticket_id=ticket_id)
    gone = gone_response.json()["card"]["id"]

    world.push_ticket(ticket_id, total=10_00, line_ids=(kept_line,))

    assert card(world, kept)["balance"]["amount"] == 10_00
    assert card(world, gone)["balance"]["amount"] == 0
    assert card(world, gone)["status"] == "voided"


def test_cancel_after_completion_is_refused(world: World) -> None:
    """Once the ticket is completed the value is the customer's: refund it, do not cancel."""
    card_id, ticket_id, line_id = sold_card(world, 10_00)
    world.push_ticket(ticket_id, total=10_00, line_ids=(line_id,))

    response = world.post("/card-loads/cancel", {"ticket_id": ticket_id, "line_id": line_id})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ticket_completed"
    assert card(world, card_id)["balance"]["amount"] == 10_00


def test_cancel_is_only_for_the_register_that_sold(world: World) -> None:
    """Another register naming the line finds nothing to cancel."""
    card_id, ticket_id, line_id = sold_card(world, 10_00)
    other = another_register(world)

    response = other.post("/card-loads/cancel", {"ticket_id": ticket_id, "line_id": line_id})
    world.push_ticket(ticket_id, total=10_00, line_ids=(line_id,))

    assert response.status_code == 404
    assert card(world, card_id)["balance"]["amount"] == 10_00


# --- blank cards from the store's stock ------------------------------------------------------


def test_blank_card_number_is_the_card_sold(world: World) -> None:
    """A blank card scanned at the counter becomes the card: found by its number once paid."""
    number = generate_card_number()
    card_id, ticket_id, line_id = sold_card(world, 30_00, number=number)
    world.push_ticket(ticket_id, total=30_00, line_ids=(line_id,))

    found = world.lookup(number)

    assert found.status_code == 200
    assert found.json()["id"] == card_id
    assert found.json()["balance"]["amount"] == 30_00


def test_blank_card_in_use_is_refused(world: World) -> None:
    """A number already on a card in use cannot be sold again."""
    number = generate_card_number()
    _, ticket_id, line_id = sold_card(world, 30_00, number=number)
    world.push_ticket(ticket_id, total=30_00, line_ids=(line_id,))

    again = sell(world, 10_00, number=number)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "card_number_taken"


def test_blank_card_of_a_cancelled_line_sells_again(world: World) -> None:
    """A blank whose line was removed goes back to stock: the next sale of it works."""
    number = generate_card_number()
    card_id, ticket_id, line_id = sold_card(world, 30_00, number=number)
    world.post("/card-loads/cancel", {"ticket_id": ticket_id, "line_id": line_id})

    second_id, second_ticket, second_line = sold_card(world, 12_00, number=number)
    world.push_ticket(second_ticket, total=12_00, line_ids=(second_line,))

    shown = card(world, second_id)
    assert second_id == card_id
    assert shown["status"] == "active"
    assert shown["balance"]["amount"] == 12_00
    assert shown["initial_amount"]["amount"] == 12_00


def test_blank_card_number_that_is_not_a_card_number_is_refused(world: World) -> None:
    response = sell(world, 10_00, number="1234")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_card_number"


# --- reloads ------------------------------------------------------------------------------------


def test_reload_adds_value_when_its_ticket_completes(world: World) -> None:
    """A reload is pending on the open ticket, then a load activity on the card."""
    card_id = paid_card(world, 20_00)
    ticket_id, line_id = new_id(), new_id()

    pending = reload(world, card_id, 15_00, ticket_id=ticket_id, line_id=line_id)
    before = card(world, card_id)["balance"]["amount"]
    world.push_ticket(ticket_id, total=15_00, line_ids=(line_id,))

    shown = card(world, card_id)
    assert pending.status_code == 201, pending.text
    assert pending.json()["kind"] == "load" and pending.json()["number"] is None
    assert before == 20_00
    assert shown["balance"]["amount"] == 35_00
    assert shown["activities"][0]["kind"] == "load"


def test_reload_of_a_card_not_in_use_is_refused(world: World) -> None:
    """A pending (unpaid) card cannot be reloaded, nor a blocked one."""
    unpaid, _, _ = sold_card(world, 20_00)
    blocked = paid_card(world, 20_00)
    world.post(f"/giftcards/{blocked}/block", {"reason": "reported lost"}, who="manager")

    refused = [reload(world, card_id, 5_00, ticket_id=new_id()) for card_id in (unpaid, blocked)]

    assert [r.status_code for r in refused] == [409, 409]
    assert {r.json()["error"]["code"] for r in refused} == {"card_not_redeemable"}


def test_reload_beyond_the_maximum_counts_what_is_waiting(world: World) -> None:
    """The card, plus reloads waiting on open tickets, stays within the store's maximum."""
    card_id = paid_card(world, STORE_MAX - 100_00)
    assert reload(world, card_id, 60_00, ticket_id=new_id()).status_code == 201

    refused = reload(world, card_id, 60_00, ticket_id=new_id())

    assert refused.status_code == 422
    assert "$40.00 more" in refused.json()["error"]["message"]


def test_reload_with_a_wrong_number_is_an_unknown_card(world: World) -> None:
    card_id = paid_card(world, 20_00)
    body = {
        "ticket_id": new_id(),
        "line_id": new_id(),
        "card_id": card_id,
        "number": generate_card_number(),
        "amount": {"amount": 5_00},
    }

    response = world.post("/card-loads/reload", body)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "card_not_found"


# --- a gift card cannot pay for a gift card ---------------------------------------------------


def test_gift_card_cannot_pay_a_ticket_that_sells_one(world: World) -> None:
    """Redeeming on a ticket that sells a card is refused (the store's default)."""
    payer = paid_card(world, 50_00)
    _, ticket_id, _ = sold_card(world, 20_00)

    response = world.redeem(payer, 20_00, ticket_id=ticket_id)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "gift_card_for_gift_card"
    assert world.balance(payer) == 50_00


def test_gift_card_sale_on_a_ticket_a_card_pays_is_refused(world: World) -> None:
    """And the other way round: no card sold on a ticket a gift card already pays."""
    payer = paid_card(world, 50_00)
    ticket_id = new_id()
    assert world.redeem(payer, 10_00, ticket_id=ticket_id).status_code == 200

    response = sell(world, 20_00, ticket_id=ticket_id)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "gift_card_for_gift_card"


def test_gift_card_pays_gift_card_where_the_store_allows_it(world: World) -> None:
    payer = paid_card(world, 50_00)
    set_store(world, giftcard_pays_giftcard=True)
    _, ticket_id, _ = sold_card(world, 20_00)

    response = world.redeem(payer, 20_00, ticket_id=ticket_id)

    assert response.status_code == 200, response.text


# --- the store's gift-card settings -----------------------------------------------------------


def test_store_minimum_is_what_the_counter_sells(world: World) -> None:
    """A manager raises the minimum: a smaller card is refused, naming the new minimum."""
    set_store(world, min_card_amount=10_00)

    response = sell(world, 5_00)

    assert response.status_code == 422
    assert "$10.00" in response.json()["error"]["message"]


def test_store_minimum_above_the_maximum_is_refused(world: World) -> None:
    response = world.client.patch(
        "/api/v1/backoffice/store",
        json={"min_card_amount": STORE_MAX + 1},
        headers=world.headers("manager"),
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "min_card_amount"


def test_store_cash_out_threshold_set_and_cleared(world: World) -> None:
    """The cash-out threshold reaches the registers' settings; 0 clears it."""
    set_store(world, cash_out_below=10_00)
    pulled = world.get("/sync/pull", who=None).json()["settings"]
    set_store(world, cash_out_below=0)
    cleared = world.get("/backoffice/store", who="manager").json()

    assert pulled["cash_out_below"]["amount"] == 10_00
    assert pulled["giftcard_pays_giftcard"] is False
    assert cleared["cash_out_below"] is None


def test_sale_e_gift_for_later_stays_pending_until_its_time(world: World) -> None:
    """An e-gift sold for tomorrow is loaded when the ticket completes but stays pending,
    its mail waiting for the time the buyer chose."""
    deliver_at = (world.clock.now() + timedelta(days=1)).isoformat()
    card_id, ticket_id, line_id = sold_card(
        world, 40_00, delivery="email", recipient_email="robin@example.com",
        deliver_at=deliver_at,
    )  # fmt: skip

    world.push_ticket(ticket_id, total=40_00, line_ids=(line_id,))

    shown = card(world, card_id)
    with make_session_factory(world.engine)() as db:
        waiting = db.execute(select(MailOutbox.next_attempt_at)).scalars().all()
    assert shown["status"] == "pending"
    assert shown["balance"]["amount"] == 40_00
    assert [when.isoformat() for when in waiting] == [deliver_at]


def test_cancel_line_that_charged_less_than_the_card(world: World) -> None:
    """A pushed line charging less than the card was sold for loads nothing: no value the
    ticket did not pay for."""
    card_id, ticket_id, line_id = sold_card(world, 50_00)

    world.push_ticket(ticket_id, total=1_00, line_ids=(line_id,))

    assert card(world, card_id)["balance"]["amount"] == 0
    assert card(world, card_id)["status"] == "voided"


def test_reload_and_cancel_replay_once(world: World) -> None:
    """A retried reload (same key) waits once on the card; a retried cancel answers the same."""
    card_id = paid_card(world, 20_00)
    body = {
        "ticket_id": new_id(),
        "line_id": new_id(),
        "card_id": card_id,
        "number": world.numbers[card_id],
        "amount": {"amount": 5_00},
    }
    first = world.post("/card-loads/reload", body, key="reload-1")
    again = world.post("/card-loads/reload", body, key="reload-1")
    ref = {"ticket_id": body["ticket_id"], "line_id": body["line_id"]}

    cancelled = world.post("/card-loads/cancel", ref, key="cancel-1")
    cancelled_again = world.post("/card-loads/cancel", ref, key="cancel-1")

    assert again.status_code == 201 and again.content == first.content
    assert cancelled_again.content == cancelled.content
    assert cancelled.json()["state"] == "cancelled"
    world.push_ticket(body["ticket_id"], total=5_00, line_ids=(body["line_id"],))
    assert world.balance(card_id) == 20_00
