"""The gift-card liability as of any instant: every card's balance then, summed from the
ledger, with hand-computed figures at several instants."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.fixtures.server_world import World


def owed(world: World, at: datetime | None = None) -> tuple[int, int]:
    params = {"at": at.isoformat()} if at is not None else {}
    response = world.get("/backoffice/reports/liability", who="manager", **params)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["outstanding"]["amount"], body["cards"]


def test_liability_at_each_instant_is_the_ledger_up_to_then(world: World) -> None:
    """$50 issued, $20 redeemed, $30 issued, the first card voided: at each instant the
    liability is what the cards held then."""
    second = timedelta(seconds=1)
    start = world.clock.now()
    first = world.issue_card(50_00)
    world.clock.advance(minutes=1)
    assert world.redeem(first["id"], 20_00).status_code == 200
    after_redeem = world.clock.now()
    world.clock.advance(minutes=1)
    world.issue_card(30_00)
    after_second = world.clock.now()
    world.clock.advance(minutes=1)
    void = world.post(f"/giftcards/{first['id']}/void", {"reason": "Lost"}, who="manager")
    assert void.status_code == 200

    assert owed(world, start - second) == (0, 0)
    assert owed(world, start) == (50_00, 1)
    assert owed(world, after_redeem) == (30_00, 1)
    assert owed(world, after_second) == (60_00, 2)
    assert owed(world) == (30_00, 1)


def test_liability_is_the_stores_own(world: World, other_store: World) -> None:
    """Another store's cards are not this store's debt."""
    other_store.issue_card(40_00)
    world.issue_card(10_00)

    assert owed(world) == (10_00, 1)


def test_liability_is_a_managers_report(world: World) -> None:
    response = world.get("/backoffice/reports/liability", who="cashier")

    assert response.status_code == 403


def test_liability_over_days_summed_once_and_moves_after(world: World) -> None:
    """Days are summed by the first report once they are over and read from the sums after:
    a report asked each day while value keeps moving still equals the ledger up to each
    instant, and asking twice counts nothing twice."""
    card = world.issue_card(100_00)
    monday = world.clock.now()
    asked: list[tuple[datetime, tuple[int, int]]] = []
    for spent in (10_00, 20_00, 30_00):
        world.clock.advance(days=1)
        world.log_in_again()
        assert world.redeem(card["id"], spent).status_code == 200
        asked.append((world.clock.now(), owed(world)))
        assert owed(world) == asked[-1][1]  # the second asking, over summed days
    world.clock.advance(days=1)
    world.log_in_again()
    world.issue_card(5_00)

    assert [answer for _, answer in asked] == [(90_00, 1), (70_00, 1), (40_00, 1)]
    assert owed(world, monday) == (100_00, 1)
    assert [owed(world, at) for at, _ in asked] == [(90_00, 1), (70_00, 1), (40_00, 1)]
    assert owed(world) == (45_00, 2)
