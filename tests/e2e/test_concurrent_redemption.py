"""Redemptions racing each other on a real uvicorn server, on SQLite and on PostgreSQL.

The server owns money: however many registers (or retries of one register) hit a card at the
same moment, the card never pays out more than it holds and a key never redeems twice.
"""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest

from pos_desktop.domain.errors import INSUFFICIENT_BALANCE_MESSAGE
from tests.e2e.conftest import CARD_AMOUNT, Card, Store
from tests.fixtures.bursts import (
    ONE_DOLLAR,
    TWO_DOLLARS,
    answered,
    describe,
    paying,
    post_all_at_once,
    post_until_killed,
)
from tests.fixtures.databases import assert_ledger_balances_at
from tests.fixtures.server_process import serve

pytestmark = pytest.mark.e2e


def redemptions(store: Store, card_id: str) -> int:
    """How many redeem activities the card's history shows."""
    return [a["kind"] for a in store.card(card_id)["activities"]].count("redeem")


def test_redeem_concurrent_over_balance_pays_exactly_the_balance(
    store: Store, fresh_card: Card
) -> None:
    """200 simultaneous 1.00 redemptions on 50.00: 50 pay, 150 get the seed refusal, no 5xx."""
    keys = [uuid.uuid4().hex for _ in range(200)]

    answers = post_all_at_once(
        store, f"/giftcards/{fresh_card.id}/redeem", paying(fresh_card, ONE_DOLLAR), keys
    )

    responses = answered(answers)
    assert not [r for r in responses if r.status_code >= 500], describe(answers)
    assert Counter(r.status_code for r in responses) == {200: 50, 409: 150}, describe(answers)
    refusals = [r.json() for r in responses if r.status_code == 409]
    expected = {"code": "insufficient_balance", "message": INSUFFICIENT_BALANCE_MESSAGE}
    assert all(body["error"] == expected for body in refusals), refusals[:3]
    paid = sorted(r.json()["balance_after"]["amount"] for r in responses if r.status_code == 200)
    assert paid == list(range(0, CARD_AMOUNT, 1_00)), "each payment saw the one before it"
    assert store.card(fresh_card.id)["balance"]["amount"] == 0
    assert_ledger_balances_at(store.database_url)


def test_redeem_parallel_retries_of_one_key_redeem_once(store: Store, fresh_card: Card) -> None:
    """50 copies of one request (same key, same body) at once: one redemption, one answer."""
    key = uuid.uuid4().hex

    answers = post_all_at_once(
        store, f"/giftcards/{fresh_card.id}/redeem", paying(fresh_card, ONE_DOLLAR), [key] * 50
    )

    responses = answered(answers)
    assert {r.status_code for r in responses} == {200}, describe(answers)
    assert len({r.content for r in responses}) == 1, "every copy gets the first answer verbatim"
    assert store.card(fresh_card.id)["balance"]["amount"] == CARD_AMOUNT - 1_00
    assert redemptions(store, fresh_card.id) == 1


def test_redeem_parallel_replays_with_other_body_are_refused(
    store: Store, fresh_card: Card
) -> None:
    """Once a key has redeemed, parallel reuses with another body get 409 and move nothing."""
    key = uuid.uuid4().hex
    first = store.post(f"/giftcards/{fresh_card.id}/redeem", paying(fresh_card, ONE_DOLLAR), key)
    assert first.status_code == 200, first.text

    answers = post_all_at_once(
        store, f"/giftcards/{fresh_card.id}/redeem", paying(fresh_card, TWO_DOLLARS), [key] * 20
    )

    responses = answered(answers)
    assert {r.status_code for r in responses} == {409}, describe(answers)
    assert {r.json()["error"]["code"] for r in responses} == {"idempotency_key_reused"}
    assert store.card(fresh_card.id)["balance"]["amount"] == CARD_AMOUNT - 1_00
    assert redemptions(store, fresh_card.id) == 1


def test_redeem_retries_after_a_server_sigkill_apply_once_and_replay_the_answers(
    store: Store, fresh_card: Card, tmp_path: Path
) -> None:
    """The server is killed with SIGKILL while redemptions are in flight; the register
    retries every request, with its key, on the restarted server. Each redemption applies
    once, and an answer given before the kill comes again byte for byte: it was stored with
    the redemption it answers."""
    keys = [uuid.uuid4().hex for _ in range(40)]
    path = f"/giftcards/{fresh_card.id}/redeem"
    body = paying(fresh_card, ONE_DOLLAR)

    before = post_until_killed(
        store, path, body, keys, kill_after=10, kill=store.server.process.kill
    )
    store.server.process.wait()
    args = ("--database-url", store.database_url, "--workers", "1")
    with serve(args, tmp_path / "restarted.log") as server:
        restarted = Store(server, store.database_url, store.register_token, store.session_token)
        after = [restarted.post(path, body, key) for key in keys]

        given = [answer for answer in before if isinstance(answer, httpx.Response)]
        assert len(given) >= 10, describe(before)
        assert {r.status_code for r in given} == {200}, describe(before)
        assert {r.status_code for r in after} == {200}, describe(list(after))
        for first, again in zip(before, after, strict=True):
            if isinstance(first, httpx.Response):
                assert again.content == first.content
        paid = sorted(r.json()["balance_after"]["amount"] for r in after)
        assert paid == list(range(CARD_AMOUNT - 40_00, CARD_AMOUNT, 1_00)), "each key paid once"
        assert restarted.card(fresh_card.id)["balance"]["amount"] == CARD_AMOUNT - 40_00
        assert redemptions(restarted, fresh_card.id) == 40
    assert_ledger_balances_at(store.database_url)
