"""A manager's actions on a card, each recorded with its reason: block, unblock, void, adjust,
replace; and cash-out, which a store's law may open to cashiers for small balances."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.server.models import CardActivity
from tests.fixtures.server_world import STORE_MAX, World


def act(world: World, card_id: str, action: str, body: dict[str, Any], **kw: Any) -> httpx.Response:
    return world.post(f"/giftcards/{card_id}/{action}", body, **kw)


def newest(world: World, card_id: str) -> dict[str, Any]:
    activity: dict[str, Any] = world.get(f"/giftcards/{card_id}").json()["activities"][0]
    return activity


def set_store(world: World, **values: Any) -> None:
    response = world.client.patch(
        "/api/v1/backoffice/store", json=values, headers=world.headers("manager")
    )
    assert response.status_code == 200, response.text


# --- block, unblock, void ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["block", "unblock", "void"])
def test_manage_needs_a_reason(world: World, action: str) -> None:
    """No reason, no action: the card is as it was."""
    card = world.issue_card(20_00)

    response = act(world, card["id"], action, {"reason": "  "}, who="manager")

    assert response.status_code == 422
    assert world.get(f"/giftcards/{card['id']}").json()["status"] == "active"


def test_manage_block_and_void_record_their_reasons(world: World) -> None:
    """Each activity says who did it and why."""
    card = world.issue_card(20_00)

    act(world, card["id"], "block", {"reason": "Reported stolen"}, who="manager")
    blocked = newest(world, card["id"])
    act(world, card["id"], "void", {"reason": "Customer confirmed theft"}, who="manager")
    voided = newest(world, card["id"])

    assert (blocked["kind"], blocked["reason"]) == ("block", "Reported stolen")
    assert (voided["kind"], voided["reason"]) == ("void", "Customer confirmed theft")
    assert voided["amount"]["amount"] == 20_00
    assert voided["employee"]["name"] == "Morgan Manager"
    assert world.balance(card["id"]) == 0


# --- adjust -----------------------------------------------------------------------------------


def test_adjust_up_and_down_with_reasons(world: World) -> None:
    card = world.issue_card(20_00)

    up = act(world, card["id"], "adjust", {"amount": {"amount": 5_00}, "reason": "Goodwill"},
             who="manager")  # fmt: skip
    down = act(world, card["id"], "adjust", {"amount": {"amount": -7_50}, "reason": "Typo fix"},
               who="manager")  # fmt: skip

    assert up.status_code == 200, up.text
    assert up.json()["activity"]["kind"] == "adjust"
    assert down.json()["card"]["balance"]["amount"] == 17_50
    assert newest(world, card["id"])["reason"] == "Typo fix"


@pytest.mark.parametrize(
    ("amount", "code"),
    [(0, "invalid_amount"), (-20_01, "insufficient_balance"), (STORE_MAX, "invalid_amount")],
)
def test_adjust_out_of_bounds_is_refused(world: World, amount: int, code: str) -> None:
    """Zero moves nothing; no balance goes below zero or above the store's maximum."""
    card = world.issue_card(20_00)

    response = act(world, card["id"], "adjust", {"amount": {"amount": amount}, "reason": "x"},
                   who="manager")  # fmt: skip

    assert response.json()["error"]["code"] == code
    assert world.balance(card["id"]) == 20_00


def test_adjust_replays_once(world: World) -> None:
    """A retried adjustment (same key) moves the balance once."""
    card = world.issue_card(20_00)
    body = {"amount": {"amount": 3_00}, "reason": "Goodwill"}

    first = act(world, card["id"], "adjust", body, who="manager", key="adj-1")
    again = act(world, card["id"], "adjust", body, who="manager", key="adj-1")

    assert again.content == first.content
    assert world.balance(card["id"]) == 23_00


# --- cash-out ---------------------------------------------------------------------------------


def cash_out(world: World, card_id: str, who: str = "manager", **kw: Any) -> httpx.Response:
    body = {"number": world.numbers[card_id], "reason": "Customer asked"}
    return act(world, card_id, "cash-out", body, who=who, **kw)


def test_cash_out_empties_the_card(world: World) -> None:
    """The whole balance leaves as cash; the card ends at zero, once even if retried."""
    card = world.issue_card(12_34)

    first = cash_out(world, card["id"], key="cash-1")
    again = cash_out(world, card["id"], key="cash-1")

    assert first.status_code == 200, first.text
    assert again.content == first.content
    assert first.json()["activity"]["kind"] == "cash_out"
    assert first.json()["activity"]["amount"]["amount"] == 12_34
    assert world.balance(card["id"]) == 0


def test_cash_out_of_an_empty_card_is_refused(world: World) -> None:
    card = world.issue_card(5_00)
    world.redeem(card["id"], 5_00)

    response = cash_out(world, card["id"])

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_empty"


def test_cash_out_by_cashier_under_the_legal_threshold(world: World) -> None:
    """Where the law requires it (California: under $10), a cashier may cash out a small
    balance; a larger one still needs a manager."""
    set_store(world, cash_out_below=10_00)
    small, large = world.issue_card(9_99), world.issue_card(10_00)

    allowed = cash_out(world, small["id"], who="cashier")
    refused = cash_out(world, large["id"], who="cashier")

    assert allowed.status_code == 200, allowed.text
    assert refused.status_code == 403
    assert world.balance(large["id"]) == 10_00


def test_cash_out_needs_the_card(world: World) -> None:
    """A wrong number is an unknown card: nothing paid out."""
    card = world.issue_card(20_00)
    body = {"number": generate_card_number()}

    response = act(world, card["id"], "cash-out", body, who="manager")

    assert response.status_code == 404
    assert world.balance(card["id"]) == 20_00


# --- replace ----------------------------------------------------------------------------------


def test_replace_moves_the_balance_to_a_new_card(world: World) -> None:
    """The old card is voided and the new one holds its balance, active at once, in one step."""
    card = world.issue_card(30_00)
    world.redeem(card["id"], 4_00)

    response = act(world, card["id"], "replace", {"reason": "Lost"}, who="manager")

    assert response.status_code == 201, response.text
    old, new = response.json()["old"], response.json()["new"]
    assert old["status"] == "voided" and old["balance"]["amount"] == 0
    assert new["status"] == "active" and new["balance"]["amount"] == 26_00
    assert new["recipient_email"] == card["recipient_email"]
    assert world.lookup(new["number"]).json()["id"] == new["id"]
    issue = newest(world, new["id"])
    assert issue["kind"] == "activate"
    reasons = [a["reason"] for a in world.get(f"/giftcards/{new['id']}").json()["activities"]]
    assert f"Replaces •••• {card['last4']}: Lost" in reasons


def test_replace_onto_a_blank_card(world: World) -> None:
    card = world.issue_card(30_00)
    blank = generate_card_number()

    response = act(world, card["id"], "replace", {"reason": "Damaged", "number": blank},
                   who="manager")  # fmt: skip

    assert response.json()["new"]["number"] == blank
    assert world.lookup(blank).json()["balance"]["amount"] == 30_00


def test_replace_a_voided_card_is_refused(world: World) -> None:
    card = world.issue_card(30_00)
    act(world, card["id"], "void", {"reason": "test"}, who="manager")

    response = act(world, card["id"], "replace", {"reason": "Lost"}, who="manager")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_voided"


@pytest.mark.parametrize("action", ["block", "void"])
def test_manage_replays_once(world: World, action: str) -> None:
    """A retried block or void (same key) writes one activity and answers the same."""
    card = world.issue_card(20_00)

    first = act(world, card["id"], action, {"reason": "Lost"}, who="manager", key="once-1")
    again = act(world, card["id"], action, {"reason": "Lost"}, who="manager", key="once-1")

    kinds = [a["kind"] for a in world.get(f"/giftcards/{card['id']}").json()["activities"]]
    assert again.content == first.content
    assert kinds.count(action) == 1


def test_replace_replays_the_same_new_card(world: World) -> None:
    """A retried replacement gets the same new card and number; the balance moved once."""
    card = world.issue_card(30_00)

    first = act(world, card["id"], "replace", {"reason": "Lost"}, who="manager", key="rep-1")
    again = act(world, card["id"], "replace", {"reason": "Lost"}, who="manager", key="rep-1")

    assert again.status_code == 201 and again.content == first.content
    assert world.balance(first.json()["new"]["id"]) == 30_00


def test_manage_activities_carry_the_requests_key(world: World, engine: Any) -> None:
    """Each manager's activity keeps the Idempotency-Key of the request that made it."""
    card = world.issue_card(20_00)

    act(world, card["id"], "block", {"reason": "Lost"}, who="manager", key="block-key")
    act(world, card["id"], "unblock", {"reason": "Found"}, who="manager", key="unblock-key")
    adjust = {"amount": {"amount": 1_00}, "reason": "Goodwill"}
    act(world, card["id"], "adjust", adjust, who="manager", key="adjust-key")

    with engine.connect() as conn:
        keys = conn.execute(
            select(CardActivity.kind, CardActivity.idempotency_key)
            .where(CardActivity.card_id == uuid.UUID(card["id"]))
            .order_by(CardActivity.seq)
        ).all()
    assert keys[-3:] == [
        ("block", "block-key"),
        ("unblock", "unblock-key"),
        ("adjust", "adjust-key"),
    ]
