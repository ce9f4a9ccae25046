"""The Back Office's card list: each filter, filters together, keyset pages, who may list."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pos_desktop.server.app import create_app
from pos_desktop.server.database import make_engine
from tests.fixtures.server_world import World

LIST = "/backoffice/giftcards"


def listed(world: World, **params: Any) -> list[dict[str, Any]]:
    response = world.get(LIST, who="manager", **params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def card(world: World, amount: int = 50_00, **options: Any) -> str:
    """A card issued a minute after the one before, so the list's order is known."""
    world.clock.advance(minutes=1)
    made: str = world.issue_card(amount, **options)["id"]
    return made


def manage(world: World, card_id: str, action: str) -> None:
    response = world.post(f"/giftcards/{card_id}/{action}", {"reason": "test"}, who="manager")
    assert response.status_code == 200, response.text


@pytest.fixture
def cards(world: World) -> dict[str, str]:
    """One card of each status, plus a used one emptied and one whose redemption was reversed."""
    made = {
        "pending": card(world, send=False),
        "active": card(world),
        "used": card(world),
        "emptied": card(world, 20_00),
        "reversed": card(world),
        "blocked": card(world),
        "voided": card(world),
    }
    assert world.redeem(made["used"], 10_00).status_code == 200
    assert world.redeem(made["emptied"], 20_00).status_code == 200
    ticket = str(uuid.uuid4())
    redeemed = world.redeem(made["reversed"], 5_00, ticket_id=ticket)
    assert world.reverse(redeemed.json()["activity"]["id"], ticket).status_code == 200
    manage(world, made["blocked"], "block")
    manage(world, made["voided"], "void")
    return made


def test_card_list_newest_first(world: World, cards: dict[str, str]) -> None:
    """Without filters every card is listed, the newest first."""
    assert ids(listed(world)) == list(reversed(cards.values()))


def test_card_list_without_a_replica_is_read_from_the_primary(world: World) -> None:
    """A server with no replica reads the list from the primary, and says no replica lag."""
    card(world)

    response = world.get(LIST, who="manager")

    assert response.status_code == 200, response.text
    assert response.json()["replica_lag_ms"] is None


def test_card_list_item_shows_last_activity(world: World) -> None:
    """A card's row says when it last moved: its latest redemption, not its issue."""
    issued = card(world)
    world.clock.advance(hours=3)
    assert world.redeem(issued, 1_00).status_code == 200

    (item,) = listed(world)

    assert item["last_activity_at"] == world.clock.now().isoformat().replace("+00:00", "Z")
    assert item["balance"]["amount"] == 49_00
    assert item["number_masked"].endswith(item["last4"])


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", ["pending"]),
        ("active", ["active", "reversed"]),
        ("used", ["used", "emptied"]),
        ("blocked", ["blocked"]),
        ("voided", ["voided"]),
    ],
)
def test_card_list_status_filter(
    world: World, cards: dict[str, str], status: str, expected: list[str]
) -> None:
    """A status lists exactly the cards the card's own answer gives that status."""
    items = listed(world, status=status)

    assert set(ids(items)) == {cards[name] for name in expected}
    assert {item["status"] for item in items} == {status}


def test_card_list_balance_above_zero(world: World, cards: dict[str, str]) -> None:
    """ "Balance above zero" leaves out the emptied and the voided cards."""
    items = listed(world, balance_above_zero="true")

    assert set(ids(items)) == set(cards.values()) - {cards["emptied"], cards["voided"]}


def test_card_list_voided_with_money_left_is_none(world: World, cards: dict[str, str]) -> None:
    """Voided cards with a balance above zero: none, since the void empties a card."""
    assert listed(world, status="voided", balance_above_zero="true") == []


def test_card_list_issued_between(world: World) -> None:
    """Issued between: from inclusive, until exclusive."""
    card(world)
    second = card(world)
    start = world.clock.now()  # the second card's instant
    third = card(world)
    card(world)  # issued at the end of the period: left out
    until = start + timedelta(minutes=2)

    items = listed(world, issued_from=start.isoformat(), issued_until=until.isoformat())

    assert ids(items) == [third, second]


def test_card_list_email_matches_recipient_or_buyer(world: World) -> None:
    """The e-mail finds cards it received or bought, in any case, and only whole addresses."""
    received = card(world, recipient="sam@example.com")
    bought = card(world, buyer="Sam@Example.com")
    card(world, recipient="samuel@example.com")

    assert ids(listed(world, email="SAM@example.COM")) == [bought, received]


def test_card_list_last4(world: World, cards: dict[str, str]) -> None:
    """The last 4 digits list the card with them (and any other card sharing them)."""
    wanted = world.numbers[cards["used"]][-4:]

    items = listed(world, last4=wanted)

    assert cards["used"] in ids(items)
    assert {item["last4"] for item in items} == {wanted}


def test_card_list_filters_combine(world: World, cards: dict[str, str]) -> None:
    """Filters narrow together: used cards with money left, of one recipient."""
    theirs = card(world, recipient="lee@example.com")
    emptied = card(world, 5_00, recipient="lee@example.com")
    untouched = card(world, recipient="lee@example.com")
    assert world.redeem(theirs, 1_00).status_code == 200
    assert world.redeem(emptied, 5_00).status_code == 200

    items = listed(world, status="used", balance_above_zero="true", email="lee@example.com")

    assert ids(items) == [theirs]
    assert untouched not in ids(items)


def test_card_list_pages_keep_order_while_cards_arrive(world: World) -> None:
    """Paging by cursor lists each card once and skips none, even cards issued at the same
    instant, while new cards are issued between pages."""
    made = [card(world) for _ in range(3)]
    made += [world.issue_card(10_00)["id"] for _ in range(5)]  # all at one instant
    made += [card(world) for _ in range(2)]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor is not None:
            params["cursor"] = cursor
        response = world.get(LIST, who="manager", **params)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += ids(page["items"])
        card(world)  # a new card arrives while the manager reads this page
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == len(set(seen)) == len(made)
    assert set(seen) == set(made)


def test_card_list_last_page_has_no_cursor(world: World) -> None:
    """A page that holds the last card offers no next page."""
    for _ in range(2):
        card(world)

    page = world.get(LIST, who="manager", limit=2).json()

    assert len(page["items"]) == 2
    assert page["next_cursor"] is None


def test_card_list_refuses_a_cashier(world: World) -> None:
    """A cashier's session is refused with 403, whatever the register shows."""
    card(world)

    response = world.get(LIST, who="cashier")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_card_list_never_lists_another_stores_cards(world: World, other_store: World) -> None:
    """Another store's cards, even with the same recipient, are never listed."""
    ours = card(world, recipient="kim@example.com")
    card(other_store, recipient="kim@example.com")

    assert ids(listed(world)) == [ours]
    assert ids(listed(world, email="kim@example.com")) == [ours]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"status": "lost"}, "status"),
        ({"last4": "12a4"}, "last 4 digits"),
        ({"email": "kim@"}, "full e-mail address"),
        (
            {"issued_from": "2026-11-20T10:00:00Z", "issued_until": "2026-11-19T10:00:00Z"},
            "end of the issued period is before its start",
        ),
        ({"issued_from": "2026-11-20T10:00:00"}, "issued_from"),
        ({"limit": 0}, "limit"),
        ({"limit": 10_000}, "limit"),
        ({"cursor": "not-a-cursor"}, "first page"),
    ],
)
def test_card_list_bad_filter_is_422_with_a_message(
    world: World, params: dict[str, Any], words: str
) -> None:
    """A filter that makes no sense is refused with a message saying which and why."""
    response = world.get(LIST, who="manager", **params)

    assert response.status_code == 422, response.text
    assert words in response.json()["error"]["message"]


@pytest.mark.parametrize("replica", ["unreachable", "not a replica"])
def test_card_list_reads_the_primary_when_the_replica_cannot_serve(
    world: World, replica: str
) -> None:
    """A replica out of reach, or a database that cannot say how far behind a primary it is
    (the primary itself given as the replica), is not read: the list comes from the primary,
    whole, and says so."""
    made = card(world)
    unreachable = make_engine("postgresql://postgres@127.0.0.1:9/pos")  # nothing listens
    app = create_app(
        world.engine,
        clock=world.clock,
        replica=unreachable if replica == "unreachable" else world.engine,
    )
    try:
        with TestClient(app) as client:
            response = client.get(f"/api/v1{LIST}", headers=world.headers("manager"))
    finally:
        unreachable.dispose()

    assert response.status_code == 200, response.text
    assert response.json()["replica_lag_ms"] is None
    assert made in ids(response.json()["items"])
