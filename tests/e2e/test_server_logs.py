"""What `serve` writes to its log: one JSON line per request under the register's request id,
the value it moved under the same id, and never a card's number."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Card, Store
from tests.fixtures.bursts import ONE_DOLLAR, paying

pytestmark = pytest.mark.e2e


def json_lines(store: Store) -> list[dict[str, Any]]:
    lines = [line for line in store.server.log().splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


def test_server_logs_a_redemption_as_json_lines_under_the_registers_request_id(
    store: Store, fresh_card: Card
) -> None:
    """A redemption sent with X-Request-ID: its request line (route template, status, time)
    and its value line both carry that id, the answer echoes it, and the card's number
    appears nowhere in the log."""
    response = httpx.post(
        f"{store.base_url}/api/v1/giftcards/{fresh_card.id}/redeem",
        json=paying(fresh_card, ONE_DOLLAR),
        headers={**store.headers("log-test-key"), "X-Request-ID": "till-1-0042"},
        timeout=30,
    )
    store.card(fresh_card.id)  # a request after it: its lines are written by then

    assert response.status_code == 200, response.text
    assert response.headers["X-Request-ID"] == "till-1-0042"
    mine = [line for line in json_lines(store) if line.get("request_id") == "till-1-0042"]
    request = [line for line in mine if line["logger"] == "pos_desktop.server.requests"]
    assert [(r["method"], r["route"], r["status"]) for r in request] == [
        ("POST", "/api/v1/giftcards/{card_id}/redeem", 200)
    ]
    assert any(line["message"].startswith("redeem card=") for line in mine)
    assert all({"ts", "level", "logger", "message"} <= line.keys() for line in mine)
    assert fresh_card.number not in store.server.log()


def test_server_gives_a_request_without_a_usable_id_one_of_its_own(store: Store) -> None:
    """No X-Request-ID, or one that could garble a log line: the server makes one up, answers
    with it and logs under it."""
    for sent in ({}, {"X-Request-ID": "two words\\n{}"}):
        response = httpx.get(f"{store.base_url}/api/v1/health", headers=sent, timeout=30)
        made_up = response.headers["X-Request-ID"]
        assert len(made_up) == 32 and made_up != sent.get("X-Request-ID")
        httpx.get(f"{store.base_url}/api/v1/health", timeout=30)  # its line is written by then
        logged = [line.get("request_id") for line in json_lines(store)]
        assert made_up in logged
