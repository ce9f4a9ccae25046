"""Idempotency keys: a retried request never moves money twice."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import CardActivity
from tests.fixtures.server_world import World


def _activities(world: World, kind: str) -> int:
    with make_session_factory(world.engine)() as db:
        return int(db.execute(select(func.count()).where(CardActivity.kind == kind)).scalar_one())


def test_idempotency_replay_returns_first_response_byte_for_byte(world: World) -> None:
    """The same key and body get the first answer again and redeem once."""
    card = world.issue_card(50_00)

    first = world.redeem(card["id"], 5_00, key="ticket-1-payment-1")
    again = world.redeem(card["id"], 5_00, key="ticket-1-payment-1")

    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert world.balance(card["id"]) == 45_00
    assert _activities(world, "redeem") == 1


def test_idempotency_replays_a_refusal_too(world: World) -> None:
    """A refused request replays its refusal, even once the balance would now allow it."""
    card = world.issue_card(30_00)
    ticket = str(uuid.uuid4())
    first = world.redeem(card["id"], 20_00, key="k-first", ticket_id=ticket)
    refused = world.redeem(card["id"], 20_00, key="k-refused")
    reversed_ = world.post(
        f"/activities/{first.json()['activity']['id']}/reverse", {"ticket_id": ticket}
    )
    assert reversed_.status_code == 200, reversed_.text
    assert world.balance(card["id"]) == 30_00

    again = world.redeem(card["id"], 20_00, key="k-refused")

    assert refused.status_code == again.status_code == 409
    assert refused.content == again.content
    assert world.balance(card["id"]) == 30_00


def test_idempotency_key_reuse_with_other_body_is_409(world: World) -> None:
    """A key already spent on another body is refused, and nothing moves."""
    card = world.issue_card(50_00)
    world.redeem(card["id"], 5_00, key="k-1")

    response = world.redeem(card["id"], 6_00, key="k-1")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert world.balance(card["id"]) == 45_00


def test_idempotency_key_reuse_on_other_card_is_409(world: World) -> None:
    """The key covers the path too: the same body on another card is another request."""
    first, second = world.issue_card(50_00), world.issue_card(50_00)
    world.redeem(first["id"], 5_00, key="k-2")

    response = world.redeem(second["id"], 5_00, key="k-2")

    assert response.status_code == 409
    assert world.balance(second["id"]) == 50_00


def test_idempotency_issue_replay_creates_one_card(world: World) -> None:
    """Selling a card twice with one key makes one card with one number."""
    body = {"amount": {"amount": 25_00}, "recipient_email": "a@example.com", "reason": "sale"}

    first = world.post("/giftcards", body, who="manager", key="sale-1")
    again = world.post("/giftcards", body, who="manager", key="sale-1")

    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert first.content == again.content
    assert _activities(world, "issue") == 1


def test_idempotency_key_too_long_is_refused(world: World) -> None:
    """Keys are 1 to 128 characters."""
    card = world.issue_card(50_00)

    response = world.redeem(card["id"], 1_00, key="k" * 129)

    assert response.status_code == 422


def test_idempotency_a_rate_limit_refusal_is_not_kept_under_the_key(world: World) -> None:
    """A 429 is not replayed: the same key goes through once its Retry-After is over."""
    card = world.issue_card(50_00)
    for _ in range(ServerConfig().unknown_card_limit):
        assert world.redeem(card["id"], 1_00, number=generate_card_number()).status_code == 404

    limited = world.redeem(card["id"], 5_00, key="ticket-9-payment-1")
    world.clock.advance(seconds=int(limited.headers["Retry-After"]))
    later = world.redeem(card["id"], 5_00, key="ticket-9-payment-1")

    assert limited.status_code == 429
    assert later.status_code == 200, later.text
    assert world.balance(card["id"]) == 45_00
    assert _activities(world, "redeem") == 1
