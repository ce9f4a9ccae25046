"""PostgreSQL's one-trip redemption against the Python path: the same answers, the same ledger.

Two stores on one PostgreSQL server get the same cards and, step by step, the same random
requests: redemptions (some over the balance, some with a tip, some paying tickets), replays
of earlier requests, a key reused for another body, wrong card numbers until the register's
limit refuses, reversals, completed tickets, blocked and pending cards. One store's
redemptions may take ``redeem_in_one_trip``; the other's always take the Python path. Every
answer, every stored answer and every ledger row must match, ids aside.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pos_desktop.server import redemption_trip
from pos_desktop.server.app import create_app
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.models import CardActivity, GiftCard, IdempotencyRecord, Register, Store
from tests.fixtures.clock import FakeClock
from tests.fixtures.databases import assert_ledger_invariant, database_of_its_own
from tests.fixtures.server_world import World, _logged_in, build_store

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LAST4 = re.compile(r'(?<=•••• )[0-9]{4}|(?<="last4":")[0-9]{4}')
STEPS = 160
CARDS = 8


class Ids:
    """Each id (or card's last 4 digits) a store's answers name, as the order in which it
    first appeared there."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def name(self, found: str) -> str:
        return self.seen.setdefault(found, f"id{len(self.seen)}")

    def __call__(self, text: str) -> str:
        text = _UUID.sub(lambda match: self.name(match.group()), text)
        return _LAST4.sub(lambda match: self.name(f"last4 {match.group()}"), text)


class Side:
    """One store: its world, its cards in order, what it answered, how its ids are named."""

    def __init__(self, world: World, store_name: str) -> None:
        self.world = world
        with world.engine.connect() as conn:
            self.register_id, self.store_id = conn.execute(
                select(Register.id, Register.store_id)
                .join(Store, Store.id == Register.store_id)
                .where(Store.name == store_name)
            ).one()
        self.cards: list[str] = []
        self.ids = Ids()
        self.sent: list[tuple[str, dict[str, Any], str, str]] = []  # path, body, key, who
        self.redemptions: list[str] = []  # activity ids of redemptions that paid a ticket

    def post(self, path: str, body: dict[str, Any], key: str, who: str = "cashier") -> str:
        self.sent.append((path, body, key, who))
        return self.answer(self.world.post(path, body, who=who, key=key))

    def answer(self, response: httpx.Response) -> str:
        if response.status_code == 200 and '"kind":"redeem"' in response.text:
            body = response.json()
            if body["activity"]["ticket_id"]:
                self.redemptions.append(body["activity"]["id"])
        retry_after = response.headers.get("Retry-After")
        return f"{response.status_code} {retry_after} {self.ids(response.text)}"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with database_of_its_own("postgresql", tmp_path, "pos_trip") as made:
        yield made


@pytest.fixture
def sides(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sides]:
    """Two stores on one server; only the first one's redemptions may take one trip."""
    clock = FakeClock()
    app = create_app(engine, clock=clock, config=ServerConfig())
    with TestClient(app) as client:
        one, other = (
            Side(_logged_in(World(client, clock, engine, build_store(engine, clock, name))), name)
            for name in ("One Trip", "Python Path")
        )
        one_trip = redemption_trip.redeem
        answered: list[bool] = []

        def redeem(*args: Any) -> redemption_trip.Paid | None:
            if args[2].store.id == other.store_id:
                return None
            paid = one_trip(*args)
            answered.append(paid is not None)
            return paid

        monkeypatch.setattr(redemption_trip, "redeem", redeem)
        yield Sides(one, other, clock, answered)


class Sides(NamedTuple):
    one_trip: Side
    python_path: Side
    clock: FakeClock
    answered: list[bool]  # per redemption the one-trip store made: whether one trip answered


def _same_cards(sides: Sides, rng: random.Random) -> None:
    for index in range(CARDS):
        amount = rng.choice([5_00, 50_00, 120_00, 400_00])
        for side in sides[:2]:
            card = side.world.issue_card(amount, send=index != CARDS - 1)  # the last: pending
            side.cards.append(card["id"])
            side.ids.name(card["id"])


Step = Callable[[Side], str]


def _step(rng: random.Random) -> Step | int:
    """One random request, made the same way on either side; or minutes for the clock."""
    card = rng.randrange(CARDS)
    ticket = str(uuid.UUID(int=rng.randrange(4) + 1))
    key = uuid.UUID(int=rng.getrandbits(128)).hex
    amount = rng.choice([1, 50, 2_50, 10_00, 19_99, 45_00, 130_00])
    tip = rng.choice([0, 0, 1_00, 7_50])
    with_ticket = rng.random() < 0.7
    nth = rng.random()
    choice = rng.random()

    def redeem(side: Side, number_of: int = card, key: str = key) -> str:
        card_id = side.cards[card]
        body: dict[str, Any] = {
            "number": side.world.numbers[side.cards[number_of]],
            "amount": {"amount": amount},
            "tip": {"amount": tip},
        }
        if with_ticket:
            body["ticket_id"] = ticket
        return side.post(f"/giftcards/{card_id}/redeem", body, key)

    tries = rng.choice([1, 2, 5])

    def wrong_numbers(side: Side) -> str:
        """Another card's number, once or a few times in a row, toward the register's limit;
        then the right one, which the limit may refuse."""
        wrong = (redeem(side, number_of=(card + 1) % CARDS, key=f"{key}-{n}") for n in range(tries))
        return "\n".join([*wrong, redeem(side)])

    def replay(side: Side) -> str:
        path, body, sent_key, who = side.sent[int(nth * len(side.sent))]
        return side.answer(side.world.post(path, body, who=who, key=sent_key))

    def reuse(side: Side) -> str:
        _, _, sent_key, _ = side.sent[int(nth * len(side.sent))]
        card_id = side.cards[card]
        body = {"number": side.world.numbers[card_id], "amount": {"amount": 1}}
        return side.answer(side.world.post(f"/giftcards/{card_id}/redeem", body, key=sent_key))

    def reverse(side: Side) -> str:
        if not side.redemptions:
            return "nothing to reverse yet"
        activity = side.redemptions[int(nth * len(side.redemptions))]
        return side.post(f"/activities/{activity}/reverse", {"ticket_id": ticket}, key)

    def complete(side: Side) -> str:
        return side.answer(side.world.push_completed_ticket(ticket))

    action = rng.choice(["block", "unblock", "unblock", "void"])

    def manage(side: Side) -> str:
        path = f"/giftcards/{side.cards[card]}/{action}"
        return side.post(path, {"reason": "differential"}, key, who="manager")

    steps: list[tuple[float, Step | int]] = [
        (0.55, redeem),
        (0.63, replay),
        (0.67, reuse),
        (0.73, wrong_numbers),
        (0.83, reverse),
        (0.87, complete),
        (0.92, manage),
        (1.00, rng.choice([1, 4, 11])),
    ]
    return next(step for bound, step in steps if choice < bound)


@pytest.mark.parametrize("seed", [1, 2])
def test_one_trip_answers_and_ledger_match_the_python_path(sides: Sides, seed: int) -> None:
    rng = random.Random(seed)
    _same_cards(sides, rng)
    one, other = sides.one_trip, sides.python_path
    one.post(f"/giftcards/{one.cards[0]}/redeem", _first(one), "first")
    other.post(f"/giftcards/{other.cards[0]}/redeem", _first(other), "first")
    for number in range(STEPS):
        step = _step(rng)
        if isinstance(step, int):
            sides.clock.advance(minutes=step)
            continue
        assert step(one) == step(other), f"step {number} of seed {seed}"

    assert _ledger(one) == _ledger(other)
    assert_ledger_invariant(one.world.engine)
    # Both paths were taken: one trip paid, and refusals and replays fell back to Python.
    assert sides.answered.count(True) >= 20
    assert sides.answered.count(False) >= 10


def _first(side: Side) -> dict[str, Any]:
    return {"number": side.world.numbers[side.cards[0]], "amount": {"amount": 1_00}}


def _ledger(side: Side) -> list[str]:
    """Every ledger row and stored answer of the side's store, ids named as its answers name
    them."""
    rows: list[str] = []
    sent = {key for _, _, key, _ in side.sent}  # not the keys the fixtures' calls made up
    with Session(side.world.engine) as conn:
        for card_id in side.cards:
            card = conn.execute(
                select(GiftCard).where(GiftCard.id == uuid.UUID(card_id))
            ).scalar_one()
            rows.append(
                f"card {card.balance} {card.version} {card.open_deductions} {card.blocked} "
                f"{card.voided} {card.last_activity_at}"
            )
            activities = conn.execute(
                select(CardActivity)
                .where(CardActivity.card_id == card.id)
                .order_by(CardActivity.seq)
            )
            for a in activities.scalars():
                rows.append(
                    side.ids(
                        f"  {a.seq} {a.kind} {a.amount} {a.tip} {a.delta} {a.balance_after} "
                        f"{a.ticket_id} {a.reverses_id} {a.created_at} {a.previous_move_at} "
                        f"{a.employee_id} {a.register_id} {a.idempotency_key in sent}"
                    )
                )
        records = conn.execute(
            select(IdempotencyRecord)
            .where(
                IdempotencyRecord.register_id == side.register_id,
                IdempotencyRecord.key.in_(sent),
            )
            .order_by(IdempotencyRecord.key)
        ).scalars()
        for record in records:
            body = "sealed" if record.sealed else bytes(record.response_body).decode()
            rows.append(side.ids(f"key {record.key} {record.status_code} {body}"))
    return rows
