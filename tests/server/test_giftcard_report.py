"""The gift-card liability report on a seeded ledger of a New York store, hand-computed:
opening and closing to the cent, the flows between them, aging and dormant cards at the
closing, and the balance at the end of each day."""

from __future__ import annotations

import bisect
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop.server.models import CardActivity, GiftCard, Store
from pos_desktop.server.reports import held_by_last_move
from tests.fixtures.report_ledger import cents, report, usd
from tests.fixtures.server_world import World

RANGE = {"start": "2026-11-01", "end": "2026-11-03"}


def at(world: World, month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> None:
    world.clock.current = datetime(year, month, day, hour, minute, tzinfo=UTC)


def manager_acts(world: World, card_id: str, action: str, body: dict[str, Any]) -> None:
    done = world.post(f"/giftcards/{card_id}/{action}", body, who="manager")
    assert done.status_code == 200, done.text


def seeded_ledger(world: World) -> dict[str, str]:
    """Cards A-H (times UTC; the range runs 2026-11-01 04:00 to 2026-11-04 05:00 UTC):

    A $100 2025-09-01; H $15 2026-01-10; D $40 2026-06-01; F $60 2026-07-01; G $10 2026-09-15;
    B $50 2026-10-15; E $25 2026-10-31 03:30 (Oct 30 store time): $300.00 before the range.
    In it: B redeems $20 (Nov 1); C issued $30 and adjusted +$5 (Nov 2); B redeems $5 on a
    ticket and it is reversed, D is voided (Nov 3). After it: B redeems $10 (Nov 4)."""
    cards = {}
    for name, amount, when in (
        ("A", 100_00, (9, 1, 12, 0, 2025)),
        ("H", 15_00, (1, 10, 14, 0, 2026)),
        ("D", 40_00, (6, 1, 14, 0, 2026)),
        ("F", 60_00, (7, 1, 14, 0, 2026)),
        ("G", 10_00, (9, 15, 14, 0, 2026)),
        ("B", 50_00, (10, 15, 14, 0, 2026)),
        ("E", 25_00, (10, 31, 3, 30, 2026)),
    ):
        month, day, hour, minute, year = when
        at(world, month, day, hour, minute, year)
        cards[name] = world.issue_card(amount)["id"]
    at(world, 11, 1, 15)
    assert world.redeem(cards["B"], 20_00).status_code == 200
    at(world, 11, 2, 15)
    cards["C"] = world.issue_card(30_00)["id"]
    at(world, 11, 2, 16)
    manager_acts(world, cards["C"], "adjust", {"amount": {"amount": 5_00}, "reason": "Goodwill"})
    at(world, 11, 3, 14)
    ticket = str(uuid.uuid4())
    redeemed = world.redeem(cards["B"], 5_00, ticket_id=ticket)
    at(world, 11, 3, 14, 10)
    assert world.reverse(redeemed.json()["activity"]["id"], ticket).status_code == 200
    at(world, 11, 3, 15)
    manager_acts(world, cards["D"], "void", {"reason": "Lost"})
    at(world, 11, 4, 15)
    assert world.redeem(cards["B"], 10_00).status_code == 200
    at(world, 11, 20, 15)
    return cards


def test_giftcard_opening_flows_closing(world: World) -> None:
    """$300.00 at the start; -$25.00 redeemed, +$30.00 issued, +$5.00 adjusted, +$5.00
    reversed, -$40.00 voided: $275.00 at the end, on 7 cards (D was voided)."""
    seeded_ledger(world)

    answer = report(world, "gift-cards", **RANGE)

    assert cents(answer["opening"]) == 300_00
    assert cents(answer["closing"]) == 275_00
    assert answer["cards"] == 7
    flows = {f["kind"]: (f["label"], f["activities"], cents(f["amount"])) for f in answer["flows"]}
    assert flows == {
        "issue": ("Issued", 1, 30_00),
        "load": ("Loaded", 0, 0),
        "redeem": ("Redeemed", 2, -25_00),
        "deduct_by_code": ("Deducted by code", 0, 0),
        "reverse": ("Reversed", 1, 5_00),
        "refund": ("Refunded", 0, 0),
        "adjust": ("Adjusted", 1, 5_00),
        "void": ("Voided", 1, -40_00),
        "cash_out": ("Cashed out", 0, 0),
    }
    assert sum(amount for _, _, amount in flows.values()) == 275_00 - 300_00


def test_giftcard_series_is_each_store_days_end(world: World) -> None:
    seeded_ledger(world)

    series = report(world, "gift-cards", **RANGE)["series"]

    assert series == [
        {"day": "2026-11-01", "outstanding": usd(280_00)},
        {"day": "2026-11-02", "outstanding": usd(315_00)},
        {"day": "2026-11-03", "outstanding": usd(275_00)},
    ]


def test_giftcard_aging_by_last_activity(world: World) -> None:
    """At the closing (2026-11-04 05:00 UTC): B (reversed Nov 3), C (adjusted Nov 2) and E
    (4 days) within 30 days; G 49 days, F 126, H 298, A 428."""
    seeded_ledger(world)

    aging = report(world, "gift-cards", **RANGE)["aging"]

    assert [(a["label"], a["cards"], cents(a["outstanding"])) for a in aging] == [
        ("0-30 days", 3, 90_00),
        ("31-90 days", 1, 10_00),
        ("91-180 days", 1, 60_00),
        ("181-365 days", 1, 15_00),
        ("Over a year", 1, 100_00),
    ]


def test_giftcard_dormant_cards_largest_first(world: World) -> None:
    """Idle 12 months before the closing: A alone; 6 months: A and H."""
    cards = seeded_ledger(world)

    year = report(world, "gift-cards", **RANGE)
    half = report(world, "gift-cards", dormant_months=6, **RANGE)

    assert (year["dormant_months"], year["dormant_cards"]) == (12, 1)
    assert cents(year["dormant_outstanding"]) == 100_00
    assert [(d["card_id"], cents(d["balance"])) for d in year["dormant"]] == [(cards["A"], 100_00)]
    assert year["dormant"][0]["last_activity_at"] == "2025-09-01T12:00:00Z"
    assert (half["dormant_cards"], cents(half["dormant_outstanding"])) == (2, 115_00)
    assert [d["card_id"] for d in half["dormant"]] == [cards["A"], cards["H"]]
    assert all(len(d["last4"]) == 4 for d in half["dormant"])


def test_giftcard_range_still_running_closes_now(world: World) -> None:
    """A range ending tomorrow closes at now, with the B redemption of Nov 4 in it, and its
    last day carries the balance."""
    seeded_ledger(world)

    answer = report(world, "gift-cards", start="2026-11-03", end="2026-11-21")

    assert cents(answer["opening"]) == 315_00
    assert cents(answer["closing"]) == 265_00
    assert answer["series"][-1] == {"day": "2026-11-21", "outstanding": usd(265_00)}
    assert answer["cards"] == 7


def test_giftcard_report_is_the_stores_own(world: World, other_store: World) -> None:
    other_store.issue_card(40_00)

    answer = report(world, "gift-cards", start="2026-11-20", end="2026-11-20")

    assert (cents(answer["opening"]), cents(answer["closing"]), answer["cards"]) == (0, 0, 0)
    assert answer["dormant"] == []


def test_giftcard_report_refuses_a_backwards_range(world: World) -> None:
    response = world.get(
        "/backoffice/reports/gift-cards", who="manager", start="2026-11-03", end="2026-11-01"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_range"


def test_giftcard_report_is_a_managers_report(world: World) -> None:
    response = world.get("/backoffice/reports/gift-cards", who="cashier", **RANGE)

    assert response.status_code == 403


def test_giftcard_report_early_in_the_ledger(world: World) -> None:
    """January 2026 (read up from the ledger's start, the shorter way then): A's $100.00 opens;
    H's $15.00 is issued; at the closing A is 153 days idle, H 21."""
    seeded_ledger(world)

    answer = report(world, "gift-cards", start="2026-01-01", end="2026-01-31", dormant_months=3)

    assert (cents(answer["opening"]), cents(answer["closing"]), answer["cards"]) == (
        100_00,
        115_00,
        2,
    )
    assert [(a["cards"], cents(a["outstanding"])) for a in answer["aging"]] == [
        (1, 15_00),
        (0, 0),
        (1, 100_00),
        (0, 0),
        (0, 0),
    ]
    assert (answer["dormant_cards"], cents(answer["dormant_outstanding"])) == (1, 100_00)


def _held_per_card(
    db: Session, store: Store, at: datetime, edges: list[datetime]
) -> list[tuple[int, int]]:
    """The bands read the slow way: each card's balance and last move before ``at``."""
    cards: dict[uuid.UUID, tuple[int, datetime | None]] = {}
    for card_id, delta, created_at in db.execute(
        select(CardActivity.card_id, CardActivity.delta, CardActivity.created_at)
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(GiftCard.store_id == store.id, CardActivity.created_at < at)
        .order_by(CardActivity.card_id, CardActivity.seq)
    ):
        balance, last = cards.get(card_id, (0, None))
        cards[card_id] = (balance + delta, created_at if delta else last)
    bands = [(0, 0)] * (len(edges) + 1)
    for balance, last in cards.values():
        if balance > 0 and last is not None:
            band = bisect.bisect_left(edges, last)
            bands[band] = (bands[band][0] + 1, bands[band][1] + balance)
    return bands


def test_giftcard_holdings_are_each_cards_last_move(world: World) -> None:
    """The cards holding value at an instant, banded by their last move and read from the
    day sums, the days an edge cuts and the ledger since, are each card's own reading of the
    ledger, at instants on and between midnights, with edges on and between midnights."""
    seeded_ledger(world)
    with Session(world.engine) as db:
        store = db.execute(select(Store).where(Store.name == "Test Store")).scalar_one()
        now = world.clock.now()
        for instant in (
            datetime(2026, 1, 1, 5, tzinfo=UTC),
            datetime(2026, 10, 31, 3, 30, tzinfo=UTC),
            datetime(2026, 11, 2, 0, tzinfo=UTC),
            datetime(2026, 11, 3, 14, 5, tzinfo=UTC),
            datetime(2026, 11, 4, 15, 30, tzinfo=UTC),
            now,
        ):
            for edges in (
                [],
                [instant - timedelta(days=1)],
                [datetime(2026, 10, 15, 14, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)],
                sorted(instant - timedelta(days=days, hours=7) for days in (1, 30, 90, 365)),
                [datetime(2025, 9, 1, 12, tzinfo=UTC), datetime(2026, 11, 3, 14, tzinfo=UTC)],
            ):
                edges = [edge for edge in edges if edge < instant]
                held = held_by_last_move(db, store.id, instant, edges, now)
                assert [(band.cards, band.outstanding) for band in held] == _held_per_card(
                    db, store, instant, edges
                ), (instant, edges)
