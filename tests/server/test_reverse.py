"""Reversing a redemption gives the card its money back, once, while the ticket is open."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.fixtures.server_world import World


def test_reverse_restores_amount_and_tip(world: World) -> None:
    """The reversal puts back both the amount and the tip part."""
    card = world.issue_card(20_00)
    redemption = world.redeem(card["id"], 15_00, tip=3_00).json()

    response = world.post(f"/activities/{redemption['activity']['id']}/reverse")

    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "reverse"
    assert response.json()["balance_after"]["amount"] == 20_00
    assert world.balance(card["id"]) == 20_00


def test_reverse_twice_is_refused(world: World) -> None:
    """A redemption can be given back only once, even with a new key."""
    card = world.issue_card(20_00)
    activity = world.redeem(card["id"], 5_00).json()["activity"]["id"]
    world.post(f"/activities/{activity}/reverse")

    response = world.post(f"/activities/{activity}/reverse")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_reversed"
    assert world.balance(card["id"]) == 20_00


def test_reverse_of_completed_ticket_is_refused(world: World) -> None:
    """Once the register pushed the ticket as completed, its redemption stands."""
    card = world.issue_card(20_00)
    ticket = str(uuid.uuid4())
    activity = world.redeem(card["id"], 5_00, ticket_id=ticket).json()["activity"]["id"]
    now = datetime.now(UTC).isoformat()
    usd = {"amount": 5_00, "currency": "USD"}
    zero = {"amount": 0, "currency": "USD"}
    ticket_body = {
        "id": ticket,
        "opened_at": now,
        "completed_at": now,
        "subtotal": usd,
        "tax": zero,
        "tip": zero,
        "total": usd,
    }
    assert (
        world.post("/sync/push", {"tickets": [ticket_body]}, who=None, key=None).status_code == 200
    )

    response = world.post(f"/activities/{activity}/reverse")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ticket_completed"
    assert world.balance(card["id"]) == 15_00


def test_reverse_of_issue_is_refused(world: World) -> None:
    """Only redemptions are reversible through this endpoint."""
    card = world.issue_card(20_00)
    issue = world.get(f"/giftcards/{card['id']}").json()["activities"][-1]["id"]

    response = world.post(f"/activities/{issue}/reverse")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_reversible"


def test_reverse_unknown_activity_is_404(world: World) -> None:
    """An activity id the server never wrote is not found."""
    response = world.post(f"/activities/{uuid.uuid4()}/reverse")

    assert response.status_code == 404


def test_reverse_after_void_gives_nothing_back(world: World) -> None:
    """A voided card is final: reversing an earlier redemption is refused and it stays at 0."""
    card = world.issue_card(20_00)
    activity = world.redeem(card["id"], 5_00).json()["activity"]["id"]
    assert world.post(f"/giftcards/{card['id']}/void", who="manager").status_code == 200

    response = world.post(f"/activities/{activity}/reverse")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_voided"
    assert world.balance(card["id"]) == 0
