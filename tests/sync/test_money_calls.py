"""Calls that move money: redeem and reverse with an idempotency key, and the ticket push.

The demo server is shared by the module, so tests redeem small amounts from the active demo
card and compare balances before and after rather than with fixed figures.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from pos_desktop.contracts import CardOut, MoneyBody, Ticket
from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError
from tests.fixtures.clock import FakeClock

ACTIVE_CARD = next(card for card in DEMO_CARDS if card.state == "active")
NUMBER = ACTIVE_CARD.number


def _activity(kind: str) -> dict[str, Any]:
    usd = {"amount": 100, "currency": "USD"}
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "amount": usd,
        "tip": {"amount": 0, "currency": "USD"},
        "balance_after": usd,
        "employee": None,
        "register": None,
        "ticket_id": None,
        "created_at": "2026-11-20T15:00:00Z",
    }


def _card(client: ServerClient) -> CardOut:
    return client.lookup_card(ACTIVE_CARD.number)


def _usd(amount: int) -> MoneyBody:
    return MoneyBody(amount=amount, currency="USD")


@pytest.mark.e2e
def test_money_calls_redeem_replayed_with_same_key_moves_the_balance_once(
    register_client: ServerClient,
) -> None:
    """Asking again with the same key gives the first answer and deducts nothing more."""
    register_client.open_session(CASHIER_PIN)
    card = _card(register_client)
    key, ticket_id = str(uuid.uuid4()), uuid.uuid4()

    first = register_client.redeem(card.id, NUMBER, _usd(1_25), None, ticket_id, key)
    replay = register_client.redeem(card.id, NUMBER, _usd(1_25), None, ticket_id, key)

    after = _card(register_client)
    assert replay == first
    assert first.redeemed.amount == 1_25 and first.activity.ticket_id == ticket_id
    assert after.balance.amount == card.balance.amount - 1_25
    assert first.balance_after == after.balance


@pytest.mark.e2e
def test_money_calls_redeem_same_key_other_amount_is_refused(
    register_client: ServerClient,
) -> None:
    """A key reused for a different amount is refused, and the balance moves once."""
    register_client.open_session(CASHIER_PIN)
    card = _card(register_client)
    key = str(uuid.uuid4())
    register_client.redeem(card.id, NUMBER, _usd(50), None, None, key)

    with pytest.raises(ServerError) as refused:
        register_client.redeem(card.id, NUMBER, _usd(60), None, None, key)

    assert refused.value.code == "idempotency_key_reused"
    assert _card(register_client).balance.amount == card.balance.amount - 50


@pytest.mark.e2e
def test_money_calls_reverse_gives_the_money_back(register_client: ServerClient) -> None:
    """Reversing a redemption (amount and tip) restores the balance; a replay changes nothing."""
    register_client.open_session(CASHIER_PIN)
    card = _card(register_client)
    ticket_id = uuid.uuid4()
    redemption = register_client.redeem(
        card.id, NUMBER, _usd(2_00), _usd(25), ticket_id, str(uuid.uuid4())
    )
    key = str(uuid.uuid4())

    reversal = register_client.reverse(redemption.activity.id, ticket_id, key)
    replay = register_client.reverse(redemption.activity.id, ticket_id, key)

    assert reversal.kind == "reverse"
    assert replay == reversal
    assert (reversal.amount.amount, reversal.tip.amount) == (2_00, 25)
    assert _card(register_client).balance == card.balance


@pytest.mark.e2e
def test_money_calls_push_reports_new_and_known_tickets(register_client: ServerClient) -> None:
    """The server accepts a new ticket and lists one it already has as a duplicate."""
    now = FakeClock().now()
    old, new = (
        Ticket(
            id=uuid.uuid4(),
            opened_at=now,
            completed_at=now,
            subtotal=_usd(3_00),
            tax=_usd(0),
            tip=_usd(0),
            total=_usd(3_00),
        )
        for _ in range(2)
    )
    register_client.push([old])

    answer = register_client.push([old, new])

    assert (answer.accepted, answer.duplicates) == ([new.id], [old.id])


def test_money_calls_same_key_and_body_send_identical_requests() -> None:
    """A retry is byte for byte the first request, with the key in its header."""
    sent: list[httpx.Request] = []
    answer = {
        "activity": _activity("redeem"),
        "redeemed": {"amount": 100, "currency": "USD"},
        "tip_covered": {"amount": 0, "currency": "USD"},
        "balance_after": {"amount": 900, "currency": "USD"},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=answer)

    card_id, ticket_id = uuid.uuid4(), uuid.uuid4()
    with ServerClient("http://pos.test", "token", transport=httpx.MockTransport(handler)) as client:
        for _ in range(2):
            client.redeem(card_id, NUMBER, MoneyBody(amount=100), None, ticket_id, "key-1")

    first, retry = sent
    assert first.content == retry.content
    assert first.url.path == f"/api/v1/giftcards/{card_id}/redeem"
    assert json.loads(first.content) == {
        "number": NUMBER,
        "amount": {"amount": 100},
        "ticket_id": str(ticket_id),
    }
    assert first.headers["Idempotency-Key"] == retry.headers["Idempotency-Key"] == "key-1"


def test_money_calls_reverse_names_the_ticket_with_the_key() -> None:
    """Reverse posts the ticket the redemption paid to the activity's reverse path, with the
    key."""
    sent: list[httpx.Request] = []
    activity_id, ticket_id = uuid.uuid4(), uuid.uuid4()

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=_activity("reverse"))

    with ServerClient("http://pos.test", "token", transport=httpx.MockTransport(handler)) as client:
        reversal = client.reverse(activity_id, ticket_id, "undo-1")

    (request,) = sent
    assert reversal.kind == "reverse"
    assert (request.method, request.url.path) == (
        "POST",
        f"/api/v1/activities/{activity_id}/reverse",
    )
    assert json.loads(request.content) == {"ticket_id": str(ticket_id)}
    assert request.headers["Idempotency-Key"] == "undo-1"
