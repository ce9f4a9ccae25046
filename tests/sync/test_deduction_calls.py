"""ServerClient's Deduct Funds and search calls: paths, bodies and the Idempotency-Key."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pos_desktop.contracts import MoneyBody
from pos_desktop.sync.client import ServerClient

CHALLENGE: dict[str, Any] = {
    "challenge_id": str(uuid.uuid4()),
    "expires_at": "2026-11-20T15:10:00Z",
    "sent_to": "j•••@example.com",
    "attempts_left": 3,
    "resend_after": "2026-11-20T15:01:00Z",
}


@pytest.fixture
def seen() -> list[httpx.Request]:
    return []


@pytest.fixture
def client(seen: list[httpx.Request]) -> Iterator[ServerClient]:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return httpx.Response(200, json={"items": []})
        return httpx.Response(200, json=CHALLENGE)

    with ServerClient("http://pos.test", "reg", transport=httpx.MockTransport(answer)) as made:
        yield made


def test_client_request_code_posts_amount_with_the_callers_key(
    client: ServerClient, seen: list[httpx.Request]
) -> None:
    """The key given is the header sent, on every try; the body is the same bytes."""
    card_id = uuid.uuid4()
    for _ in range(2):
        client.request_deduction_code(card_id, MoneyBody(amount=10_00, currency="USD"), "key-1")
    assert [r.url.path for r in seen] == [f"/api/v1/giftcards/{card_id}/deduction-codes"] * 2
    assert {r.headers["Idempotency-Key"] for r in seen} == {"key-1"}
    assert seen[0].content == seen[1].content
    assert json.loads(seen[0].content) == {"amount": {"amount": 1000, "currency": "USD"}}


def test_client_resend_posts_to_the_challenge(
    client: ServerClient, seen: list[httpx.Request]
) -> None:
    challenge_id = uuid.uuid4()
    sent = client.resend_deduction_code(challenge_id, "key-2")
    assert seen[0].url.path == f"/api/v1/deduction-codes/{challenge_id}/resend"
    assert seen[0].headers["Idempotency-Key"] == "key-2"
    assert sent.attempts_left == 3


def test_client_search_by_buyer_and_last4(client: ServerClient, seen: list[httpx.Request]) -> None:
    """Each search kind sends exactly its one parameter."""
    client.search_cards_by_buyer("jordan.lee@example.com")
    client.search_cards_by_last4("5518")
    assert [dict(r.url.params) for r in seen] == [
        {"buyer_email": "jordan.lee@example.com"},
        {"last4": "5518"},
    ]
