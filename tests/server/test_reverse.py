"""Reversing a redemption gives the card its money back, once, while the ticket is open."""

from __future__ import annotations

import uuid

from tests.fixtures.server_world import World


def _redeem_on_ticket(world: World, card_id: str, amount: int, tip: int = 0) -> tuple[str, str]:
    """A redemption paying a new ticket: its activity id and the ticket id."""
    ticket = str(uuid.uuid4())
    response = world.redeem(card_id, amount, tip=tip, ticket_id=ticket)
    assert response.status_code == 200, response.text
    activity: str = response.json()["activity"]["id"]
    return activity, ticket


def test_reverse_restores_amount_and_tip(world: World) -> None:
    """The reversal puts back both the amount and the tip part."""
    card = world.issue_card(20_00)
    activity, ticket = _redeem_on_ticket(world, card["id"], 15_00, tip=3_00)

    response = world.reverse(activity, ticket)

    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "reverse"
    assert response.json()["balance_after"]["amount"] == 20_00
    assert response.json()["ticket_id"] == ticket
    assert world.balance(card["id"]) == 20_00


def test_reverse_twice_is_refused(world: World) -> None:
    """A redemption can be given back only once, even with a new key."""
    card = world.issue_card(20_00)
    activity, ticket = _redeem_on_ticket(world, card["id"], 5_00)
    assert world.reverse(activity, ticket).status_code == 200

    response = world.reverse(activity, ticket)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_reversed"
    assert world.balance(card["id"]) == 20_00


def test_reverse_of_completed_ticket_is_refused(world: World) -> None:
    """Once the register pushed the ticket as completed, its redemption stands."""
    card = world.issue_card(20_00)
    activity, ticket = _redeem_on_ticket(world, card["id"], 5_00)
    assert world.push_completed_ticket(ticket).status_code == 200

    response = world.reverse(activity, ticket)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ticket_completed"
    assert world.balance(card["id"]) == 15_00


def test_reverse_of_issue_is_refused(world: World) -> None:
    """Only redemptions are reversible through this endpoint: not the issue of a card."""
    card = world.issue_card(20_00)
    issue = world.get(f"/giftcards/{card['id']}").json()["activities"][-1]["id"]

    response = world.reverse(issue, str(uuid.uuid4()))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_reversible"
    assert world.balance(card["id"]) == 20_00


def test_reverse_of_a_reversal_is_refused(world: World) -> None:
    """A reversal carries its redemption's ticket, yet it is not a redemption to give back."""
    card = world.issue_card(20_00)
    activity, ticket = _redeem_on_ticket(world, card["id"], 5_00)
    reversal = world.reverse(activity, ticket).json()["id"]

    response = world.reverse(reversal, ticket)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_reversible"
    assert world.balance(card["id"]) == 20_00


def test_reverse_unknown_activity_is_404(world: World) -> None:
    """An activity id the server never wrote is not found."""
    response = world.reverse(str(uuid.uuid4()), str(uuid.uuid4()))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "activity_not_found"


def test_reverse_without_the_ticket_is_refused(world: World) -> None:
    """A reversal names the ticket it undoes; without one nothing is given back."""
    card = world.issue_card(20_00)
    activity, _ = _redeem_on_ticket(world, card["id"], 5_00)

    response = world.reverse(activity, None)

    assert response.status_code == 422
    assert world.balance(card["id"]) == 15_00


def test_reverse_after_void_gives_nothing_back(world: World) -> None:
    """A voided card is final: reversing an earlier redemption is refused and it stays at 0."""
    card = world.issue_card(20_00)
    activity, ticket = _redeem_on_ticket(world, card["id"], 5_00)
    assert (
        world.post(f"/giftcards/{card['id']}/void", {"reason": "test"}, who="manager").status_code
        == 200
    )

    response = world.reverse(activity, ticket)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_voided"
    assert world.balance(card["id"]) == 0
