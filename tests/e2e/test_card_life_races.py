"""A card's life racing itself on a real uvicorn server, on SQLite and on PostgreSQL: a reload
landing while the card pays, two cash-outs of one card, copies of one sale."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import CARD_AMOUNT, MANAGER_PIN, Card, Store
from tests.fixtures.databases import assert_ledger_balances_at

pytestmark = pytest.mark.e2e

Call = tuple[str, dict[str, Any], dict[str, str]]


def all_at_once(store: Store, calls: list[Call]) -> list[httpx.Response]:
    """POST every (path, body, headers) together, each on its own connection."""

    async def send() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(calls))
        async with httpx.AsyncClient(
            base_url=f"{store.server.base_url}/api/v1", limits=limits, timeout=40
        ) as client:
            posts = (client.post(path, json=body, headers=headers) for path, body, headers in calls)
            return list(await asyncio.gather(*posts))

    return asyncio.run(send())


def completed_ticket(ticket_id: str, line_id: str, amount: int) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    money = {"amount": amount}
    line = {
        "id": line_id,
        "name": "Gift card reload",
        "quantity": 1,
        "unit_price": money,
        "tax": {"amount": 0},
        "total": money,
    }
    return {
        "id": ticket_id,
        "opened_at": now,
        "completed_at": now,
        "lines": [line],
        "subtotal": money,
        "tax": {"amount": 0},
        "tip": {"amount": 0},
        "total": money,
    }


def test_reload_landing_while_the_card_pays(store: Store, fresh_card: Card) -> None:
    """A reload's ticket completes while 60 one-dollar payments race on the card: every
    payment either fits what the card held at its turn or is refused; nothing is lost."""
    ticket_id, line_id = str(uuid.uuid4()), str(uuid.uuid4())
    reload = store.post(
        "/card-loads/reload",
        {
            "ticket_id": ticket_id,
            "line_id": line_id,
            "card_id": fresh_card.id,
            "number": fresh_card.number,
            "amount": {"amount": 20_00},
        },
        uuid.uuid4().hex,
    )
    assert reload.status_code == 201, reload.text
    pay = {"number": fresh_card.number, "amount": {"amount": 1_00}}
    calls: list[Call] = [
        (f"/giftcards/{fresh_card.id}/redeem", pay, store.headers(uuid.uuid4().hex))
        for _ in range(60)
    ]
    push = {"tickets": [completed_ticket(ticket_id, line_id, 20_00)]}
    calls.insert(30, ("/sync/push", push, {"X-Register-Token": store.register_token}))

    answers = all_at_once(store, calls)

    assert not [a for a in answers if a.status_code >= 500], [a.text for a in answers][:3]
    paid = sum(1 for a in answers[:30] + answers[31:] if a.status_code == 200)
    card = store.card(fresh_card.id)
    assert card["balance"]["amount"] == CARD_AMOUNT + 20_00 - paid * 1_00
    assert 50 <= paid <= 60
    kinds = Counter(a["kind"] for a in card["activities"])
    assert kinds["load"] == 1 and kinds["redeem"] == paid
    assert_ledger_balances_at(store.database_url)


def test_two_cash_outs_of_one_card_pay_once(store: Store, fresh_card: Card) -> None:
    """Ten cash-outs of one card at once (other keys): one pays the balance, the rest find it
    empty."""
    session = httpx.post(
        f"{store.server.base_url}/api/v1/sessions",
        json={"pin": MANAGER_PIN},
        headers={"X-Register-Token": store.register_token},
        timeout=30,
    )
    assert session.status_code == 200, session.text
    manager = {
        "X-Register-Token": store.register_token,
        "Authorization": f"Bearer {session.json()['token']}",
    }
    body = {"number": fresh_card.number}
    path = f"/giftcards/{fresh_card.id}/cash-out"
    calls: list[Call] = [
        (path, body, {**manager, "Idempotency-Key": uuid.uuid4().hex}) for _ in range(10)
    ]

    answers = all_at_once(store, calls)

    assert Counter(a.status_code for a in answers) == {200: 1, 409: 9}, [a.text for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {"card_empty"}
    paid = next(a for a in answers if a.status_code == 200).json()["activity"]["amount"]
    assert paid["amount"] == CARD_AMOUNT
    assert store.card(fresh_card.id)["balance"]["amount"] == 0
    assert_ledger_balances_at(store.database_url)


def test_copies_of_one_sale_make_one_card(store: Store) -> None:
    """Twenty copies of one sale request (one key) at once: one pending card, one answer."""
    body = {
        "ticket_id": str(uuid.uuid4()),
        "line_id": str(uuid.uuid4()),
        "amount": {"amount": 25_00},
        "delivery": "physical",
    }
    key = uuid.uuid4().hex

    answers = all_at_once(store, [("/card-loads/sale", body, store.headers(key))] * 20)

    assert {a.status_code for a in answers} == {201}, [a.text for a in answers][:3]
    assert len({a.content for a in answers}) == 1
