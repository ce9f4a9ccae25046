"""Refunds of completed sales onto gift cards: a gift-card payment back to its card, or any
sale as store credit on a card at the counter or a new one; never more than the sale took."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.fixtures.server_world import World, another_register


def set_store(world: World, **values: Any) -> None:
    response = world.client.patch(
        "/api/v1/backoffice/store", json=values, headers=world.headers("manager")
    )
    assert response.status_code == 200, response.text


def paid_sale(world: World, card_id: str, amount: int) -> tuple[str, str]:
    """A completed sale a card paid ``amount`` of: (the redemption's activity id, ticket id)."""
    ticket_id = str(uuid.uuid4())
    redeemed = world.redeem(card_id, amount, ticket_id=ticket_id)
    assert redeemed.status_code == 200, redeemed.text
    assert world.push_ticket(ticket_id, total=amount).status_code == 200
    return redeemed.json()["activity"]["id"], ticket_id


def refund_tender(
    world: World, activity_id: str, amount: int, who: str = "cashier", **extra: Any
) -> httpx.Response:
    body = {"activity_id": activity_id, "amount": {"amount": amount}, **extra}
    return world.post("/refunds/tender", body, who=who)


def store_credit(
    world: World, ticket_id: str, amount: int, who: str = "cashier", **extra: Any
) -> httpx.Response:
    body = {"ticket_id": ticket_id, "amount": {"amount": amount}, "reason": "Returned", **extra}
    return world.post("/refunds/store-credit", body, who=who)


# --- a gift-card payment back to its card ----------------------------------------------------


def test_refund_tender_gives_the_payment_back_in_parts(world: World) -> None:
    """Two partial refunds of one payment add up to at most what it paid."""
    card = world.issue_card(50_00)
    activity_id, ticket_id = paid_sale(world, card["id"], 20_00)

    first = refund_tender(world, activity_id, 5_00)
    second = refund_tender(world, activity_id, 15_00)
    third = refund_tender(world, activity_id, 1)

    assert first.status_code == 200, first.text
    assert first.json()["activity"]["kind"] == "refund"
    assert first.json()["activity"]["ticket_id"] == ticket_id
    assert second.json()["card"]["balance"]["amount"] == 50_00
    assert third.status_code == 409
    assert third.json()["error"]["code"] == "refund_too_large"
    assert world.balance(card["id"]) == 50_00


def test_refund_tender_of_an_open_ticket_is_refused(world: World) -> None:
    """A ticket not completed is changed (its payment reversed), not refunded."""
    card = world.issue_card(50_00)
    redeemed = world.redeem(card["id"], 10_00, ticket_id=str(uuid.uuid4()))

    response = refund_tender(world, redeemed.json()["activity"]["id"], 10_00)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "sale_not_found"
    assert world.balance(card["id"]) == 40_00


def test_refund_tender_replays_once(world: World) -> None:
    card = world.issue_card(50_00)
    activity_id, _ = paid_sale(world, card["id"], 20_00)
    body = {"activity_id": activity_id, "amount": {"amount": 20_00}}

    first = world.post("/refunds/tender", body, key="refund-1")
    again = world.post("/refunds/tender", body, key="refund-1")

    assert again.content == first.content
    assert world.balance(card["id"]) == 50_00


def test_refund_needs_a_manager_where_the_store_says_so(world: World) -> None:
    """With refunds behind a manager's PIN, a cashier's refund names the approving manager;
    a cashier's own id is no approval."""
    set_store(world, approvals=["refund"])
    card = world.issue_card(50_00)
    activity_id, _ = paid_sale(world, card["id"], 20_00)
    ids = {
        e["name"]: e["id"]
        for e in world.get("/backoffice/employees", who="manager").json()["items"]
    }

    alone = refund_tender(world, activity_id, 5_00)
    by_cashier = refund_tender(world, activity_id, 5_00, approved_by=ids["Casey Cashier"])
    approved = refund_tender(world, activity_id, 5_00, approved_by=ids["Morgan Manager"])
    by_manager = refund_tender(world, activity_id, 5_00, who="manager")

    assert [r.status_code for r in (alone, by_cashier)] == [403, 403]
    assert [r.status_code for r in (approved, by_manager)] == [200, 200]
    assert world.balance(card["id"]) == 40_00


# --- store credit -----------------------------------------------------------------------------


def test_store_credit_on_a_new_card(world: World) -> None:
    """A sale refunded onto a new card: active at once, holding the refund, number shown."""
    ticket_id = str(uuid.uuid4())
    world.push_ticket(ticket_id, total=30_00)

    response = store_credit(world, ticket_id, 30_00)

    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["card"]["status"] == "active"
    assert answer["card"]["balance"]["amount"] == 30_00
    assert world.lookup(answer["number"]).json()["id"] == answer["card"]["id"]


def test_store_credit_on_a_card_in_use(world: World) -> None:
    card = world.issue_card(10_00)
    ticket_id = str(uuid.uuid4())
    world.push_ticket(ticket_id, total=30_00)
    onto = {"card_id": card["id"], "number": world.numbers[card["id"]]}

    response = store_credit(world, ticket_id, 12_00, card=onto)

    assert response.status_code == 201, response.text
    assert response.json()["number"] is None
    assert world.balance(card["id"]) == 22_00


def test_store_credit_never_exceeds_the_sale(world: World) -> None:
    """Refunds of one sale, in any form, add up to at most its total."""
    card = world.issue_card(50_00)
    activity_id, ticket_id = paid_sale(world, card["id"], 20_00)
    assert refund_tender(world, activity_id, 15_00).status_code == 200

    too_much = store_credit(world, ticket_id, 5_01)
    rest = store_credit(world, ticket_id, 5_00)

    assert too_much.status_code == 409
    assert "$5.00" in too_much.json()["error"]["message"]
    assert rest.status_code == 201


def test_refunds_of_a_sale_may_give_back_its_tip_too(world: World) -> None:
    """A $20.00 sale with a $3.00 tip took $23.00: refunds give back up to that, no more."""
    card = world.issue_card(50_00)
    ticket_id = str(uuid.uuid4())
    redeemed = world.redeem(card["id"], 20_00, tip=3_00, ticket_id=ticket_id)
    assert redeemed.status_code == 200, redeemed.text
    assert world.push_ticket(ticket_id, total=20_00, tip=3_00).status_code == 200

    too_much = store_credit(world, ticket_id, 23_01)
    all_of_it = store_credit(world, ticket_id, 23_00)

    assert too_much.status_code == 409
    assert "$23.00" in too_much.json()["error"]["message"]
    assert all_of_it.status_code == 201, all_of_it.text


def test_store_credit_for_another_registers_sale(world: World) -> None:
    """A sale rung up on another register of the store is found by its register and ticket."""
    other = another_register(world)
    ticket_id = str(uuid.uuid4())
    other.push_ticket(ticket_id, total=8_00)
    register_id = world.get("/backoffice/registers", who="manager").json()["items"]

    mine = store_credit(world, ticket_id, 8_00)
    theirs = store_credit(
        world,
        ticket_id,
        8_00,
        register_id=next(r["id"] for r in register_id if r["name"] == "Register 2"),
    )

    assert mine.status_code == 404
    assert theirs.status_code == 201, theirs.text


def test_store_credit_for_an_unknown_sale_is_refused(world: World) -> None:
    response = store_credit(world, str(uuid.uuid4()), 1_00)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "sale_not_found"


def test_store_credit_replays_the_same_new_card(world: World) -> None:
    """A retried store credit (same key) gives the same card and number, credited once."""
    ticket_id = str(uuid.uuid4())
    world.push_ticket(ticket_id, total=30_00)
    body = {"ticket_id": ticket_id, "amount": {"amount": 30_00}, "reason": "Returned"}

    first = world.post("/refunds/store-credit", body, key="credit-1")
    again = world.post("/refunds/store-credit", body, key="credit-1")

    assert again.status_code == 201 and again.content == first.content
    assert world.balance(first.json()["card"]["id"]) == 30_00


def test_refund_tender_after_store_credit_stays_within_the_sale(world: World) -> None:
    """A card-paid sale refunded whole as store credit has nothing left for its card."""
    card = world.issue_card(50_00)
    activity_id, ticket_id = paid_sale(world, card["id"], 20_00)
    assert store_credit(world, ticket_id, 20_00).status_code == 201

    response = refund_tender(world, activity_id, 1)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "refund_too_large"
    assert world.balance(card["id"]) == 30_00
